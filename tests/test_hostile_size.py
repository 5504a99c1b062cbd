"""Hostile shapes of input (deep nesting, thousands of tags, very long lines and sentences) give the
same results as their small forms; how long they take is measured in benchmarks/hostile.py, never here."""

from conftest import LEXICONS
from test_bad_input import problems, run, scored, table

from pipeline.reading.corpus import html_to_text
from pipeline.reading.lexicons import read_lexicons
from pipeline.text.match import Matcher, Words, is_negated
from pipeline.text.segment import quote_spans, split_sentences

GOOD = "Iraq's parliament voted on Sunday to expel US troops from the country, officials said."
NEGATORS = frozenset({"not", "no", "never"})
LETTERS = str.maketrans("0123456789", "abcdefghij")


def page(body: str) -> str:
    return f"<html><head><title>Page</title></head><body><article>{body}</article></body></html>"


def test_a_page_of_deeply_nested_divs_gives_one_line_per_div():
    depth = 3_000
    html = page("".join(f"<div>Line {n}." for n in range(depth)) + "</div>" * depth)
    title, text = html_to_text(html)
    assert title == "Page"
    assert [line for line in text.split("\n") if line] == [f"Line {n}." for n in range(depth)]


def test_deeply_nested_inline_tags_stay_one_line():
    depth = 3_000
    _, text = html_to_text(page("<p>" + "<b>regime " * depth + "</b>" * depth + "</p>"))
    assert text.strip() == ("regime " * depth).strip()


def test_thousands_of_scripts_and_styles_leave_only_the_paragraphs():
    body = "".join(f"<p>Paragraph {n}.</p><script>var x = {n};</script><style>p {{}}</style>" for n in range(2_000))
    _, text = html_to_text(page(body))
    assert [line for line in text.split("\n") if line] == [f"Paragraph {n}." for n in range(2_000)]


def test_the_article_inside_navigation_is_skipped_for_the_one_outside():
    html = "<body><nav><article>Menu</article></nav><p>Teaser</p><article><p>Story.</p></article></body>"
    assert html_to_text(html) == ("", "\nStory.\n")


def test_a_page_of_thousands_of_paragraphs_is_scored_beside_a_good_article(make_corpus, tmp_path):
    # Lines that differ only in numbers count as one repeated line: the reports are told apart by letters.
    lines = [f"Report {n:03d} says the regime attacked the border.".translate(LETTERS) for n in range(2_000)]
    result, out = run(
        make_corpus({"good.txt": GOOD, "page.html": page("".join(f"<p>{x}</p>" for x in lines))}), tmp_path
    )
    assert result.exit_code == 0, result.output
    assert problems(out) == []
    assert scored(out) == ["good.txt", "page.html"]
    assert [s["text"] for s in table(out, "sentences.csv") if s["article_id"] == "page.html"] == lines


def test_a_line_of_quotation_marks_is_scored_beside_a_good_article(make_corpus, tmp_path):
    result, out = run(make_corpus({"good.txt": GOOD, "quotes.txt": GOOD + "\n" + '"' * 20_000}), tmp_path)
    assert result.exit_code == 0, result.output
    assert scored(out) == ["good.txt", "quotes.txt"]


def test_straight_quotation_marks_pair_up_along_a_long_line():
    assert quote_spans('"' * 10_000) == [(n, n + 2) for n in range(0, 10_000, 2)]


def test_an_opening_quote_never_closed_runs_to_the_end_of_its_paragraph():
    line = "“regime " * 10_000
    assert quote_spans(line + "\nNext.") == [(0, len(line))]


def test_a_quote_of_several_sentences_stays_one_quote():
    text = "“Leave now. We mean it. Go,” he said. They left."
    assert quote_spans(text) == [(0, 28)]
    assert [text[start:end] for start, end in split_sentences(text)] == [
        "“Leave now.",
        "We mean it.",
        "Go,” he said.",
        "They left.",
    ]


def test_every_hit_in_a_sentence_of_thousands_of_words_is_found_where_it_is():
    lexicon, _ = read_lexicons(LEXICONS)
    sentence = "the regime said " * 3_000 + "it."
    found = Matcher(lexicon).find_in_sentences(Words(sentence, [(0, len(sentence))]))[0]
    assert [(m.start, m.end) for m in found if m.entry.term == "regime"] == [
        (16 * n + 4, 16 * n + 10) for n in range(3_000)
    ]


def test_negation_late_in_a_long_sentence_reaches_only_five_words_back():
    long_clause = "the army said " * 3_000
    assert is_negated(long_clause + "it was not a massacre", len(long_clause) + 13, NEGATORS)
    assert not is_negated(long_clause + "not one two three four five massacre", len(long_clause) + 31, NEGATORS)
    assert not is_negated("not " + long_clause + "massacre", len(long_clause) + 4, NEGATORS)


def test_negation_stops_at_a_clause_break_far_before_the_hit():
    text = "it was not, " + "x" * 5_000 + " massacre"
    assert not is_negated(text, text.index("massacre"), NEGATORS)
