"""Sentence splitting: offline, quotation-aware, spans that slice the text exactly."""

import itertools

import syntok.segmenter
from conftest import LEXICONS, SEED_CORPUS
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.segment import _is_one_sentence, _plain_sentences, _trimmed_span, quote_spans, split_sentences
from pipeline.tuning.gold import clean_corpus


def sentences(text):
    return [text[start:end] for start, end in split_sentences(text)]


def test_a_closing_quote_stays_with_the_sentence_that_ends_inside_it():
    assert sentences("He said: “Leave now.” Then he left.") == ["He said: “Leave now.”", "Then he left."]


def test_a_quote_followed_by_its_speaker_is_one_sentence():
    assert sentences("“It is bad!” he said. Then he left.") == ["“It is bad!” he said.", "Then he left."]
    assert sentences('"Why now?" asked the official. Fine.') == ['"Why now?" asked the official.', "Fine."]


def test_abbreviations_do_not_end_sentences():
    assert sentences("U.S. strikes hit Iraq. Gen. Pat Ryder defended them.") == [
        "U.S. strikes hit Iraq.",
        "Gen. Pat Ryder defended them.",
    ]


def test_every_line_is_its_own_paragraph():
    assert sentences("A headline without a stop\nThe body begins here.") == [
        "A headline without a stop",
        "The body begins here.",
    ]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_spans_are_ordered_non_empty_and_slice_the_text(text):
    spans = split_sentences(text)
    assert all(start < end for start, end in spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert all(text[start:end].strip() == text[start:end] for start, end in spans)


def quoted(text):
    return [text[start:end] for start, end in quote_spans(text)]


def test_quotes_are_found_across_sentences_in_curly_and_straight_marks():
    assert quoted("He said, “Leave now. We mean it.” Then he left.") == ["“Leave now. We mean it.”"]
    assert quoted('Officials said "no" and "never".') == ['"no"', '"never"']


def test_apostrophes_are_not_quotes_but_single_quotes_are():
    text = "Iraq’s PM asked Pompeo to ‘send delegates to Iraq,’ the Iraqis’ statement said."
    assert quoted(text) == ["‘send delegates to Iraq,’"]


def test_a_quote_left_open_runs_to_the_end_of_its_paragraph_only():
    assert quoted("He said: “We will stay.\nThe vote passed.") == ["“We will stay."]


def lines_of(pieces, most):
    """Lines made of up to `most` of the pieces, in any order: hypothesis's strategy for splitting tests."""
    return st.lists(st.sampled_from(pieces), max_size=most).map("".join)


def syntok_spans(line):
    """What syntok alone gives for one line, trimmed as split_sentences trims."""
    return [span for paragraph in syntok.segmenter.analyze(line) for s in paragraph if (span := _trimmed_span(line, s))]


@given(
    lines_of(
        [
            "Iraq",
            "troops",
            "U.S.",
            "said",
            " ",
            "  ",
            ",",
            ".",
            "!",
            "?",
            ";",
            "(",
            ")",
            "“",
            "”",
            '"',
            "’",
            "'",
            "…",
            "2.5",
            "\t",
            "a",
        ],
        25,
    )
)
def test_a_line_taken_as_one_sentence_without_syntok_is_one_for_syntok_too(line):
    if _is_one_sentence(line):
        assert split_sentences(line) == syntok_spans(line)


@given(
    lines_of(
        [
            "Iraq",
            "troops",
            "Baghdad",
            "The",
            "They",
            "U.S.",
            "Gen.",
            "Prof.",
            "Corp.",
            "Sept.",
            "said",
            "2019",
            "2",
            "IX",
            "a",
            " ",
            "  ",
            ". ",
            ".",
            ",",
            "authorities.Even",
            "\t",
            "Pompeo",
            "“",
            "”",
            '"',
            "‘",
            "’",
            "'",
            "Iraq’s",
            "don't",
            "!",
            "? ",
            "it",
            "him",
            "No",
            "no",
            "Mr",
            "Ms",
            "Jan",
            "ago",
            "XVIII",
            "II",
            "W",
            "iPhone",
            "McX",
            "15",
            "A1",
            "Use",
            "He",
            "U.S.",
            "D.C.",
            "e.g.",
            "the",
            "However",
        ],
        30,
    )
)
def test_a_line_split_without_syntok_is_split_as_syntok_splits_it(line):
    if _plain_sentences(line) is not None:
        assert split_sentences(line) == syntok_spans(line)


def quoted_sentences():
    """A line of sentences shaped like news: a capital first, a full stop last, quotation marks around
    either, and words syntok treats apart in between (abbreviations, "BaghdadGen", apostrophes)."""
    word = st.sampled_from(
        ["troops", "said", "the", "Iraq’s", "don't", "NATO", "McDonald", "“great”", "'great'", "-", ","]
    )
    last = st.sampled_from(
        # Words syntok ends a sentence after, and words it may not: abbreviations, months, roman numerals,
        # single letters, "No", numbers (before a month, or of one digit), a case turn before an abbreviation.
        [
            *("stayed", "Baghdad", "Pompeo", "NATO", "McDonald", "BaghdadGen", "Sept", "minister", "it", "him", "up"),
            *("Mr", "Dr", "St", "ago", "Jan", "XVIII", "IV", "W", "No", "no", "2015", "15", "2", "iPhone", "McX"),
            *("U.S", "D.C", "e.g", "Iraq”", "Iraq’", 'Iraq"', "McDonaldGen"),
        ]
    )
    first = st.sampled_from(
        ["The", "We", "Officials", "He", "Use", "Jan", "Feb", "A1", "It", "I", "the", "troops", "However", "It’s"]
    )
    opening = st.sampled_from(["", "“", '"', "‘", "'"])
    terminal = st.sampled_from([".", ".", "?", "!"])
    closing = st.sampled_from(["", "”", '"', "’", "'", "”’", "\"'"])
    sentence = st.tuples(opening, first, st.lists(word, max_size=5), last, terminal, closing)
    return st.lists(
        sentence.map(lambda s: f"{s[0]}{' '.join([s[1], *s[2], s[3]])}{s[4]}{s[5]}"), min_size=1, max_size=4
    ).map(" ".join)


@given(quoted_sentences())
def test_a_line_of_quoted_sentences_split_without_syntok_is_split_as_syntok_splits_it(line):
    if _plain_sentences(line) is not None:
        assert split_sentences(line) == syntok_spans(line)


def test_plain_lines_of_several_sentences_skip_syntok_and_the_rest_go_to_it():
    assert _plain_sentences("Troops left Baghdad. The parliament voted. Pompeo refused.") == [
        (0, 20),
        (21, 42),
        (43, 58),
    ]
    for line in [
        "2. Label the enemy and make a threat assessment.",  # a numbered item: syntok keeps it whole
        "They fled the authorities.Even the judge knew.",  # no space after the stop
        "He said “we stay?!” Then he left.",  # two terminals
        "He met him in 2. Then he left.",  # a one-digit number: syntok's call
        "He met George W. Bush. Then he left.",  # a single letter
        "He met the No. One said so.",  # "No."
        "It was 2015. 2016 was worse.",  # a number after the stop
    ]:
        assert _plain_sentences(line) is None, line


def test_lines_split_without_syntok_give_the_sentences_syntok_gives():
    for line, sentences in [
        # Short words, numbers, question and exclamation marks end sentences.
        (
            "They asked why? Iran said no to it. He left in 2015. “Wait!” The vote passed.",
            ["They asked why?", "Iran said no to it.", "He left in 2015.", "“Wait!”", "The vote passed."],
        ),
        # Quotation marks go where syntok puts them.
        (
            "He called it “a crime.” Then he left. “We stay,” Iraq’s minister said.",
            ["He called it “a crime.”", "Then he left.", "“We stay,” Iraq’s minister said."],
        ),
        # Abbreviations, dots inside words and lower-case words keep the sentence going; a starter ends it.
        ("He met Prof. Smith. Then he left.", ["He met Prof. Smith.", "Then he left."]),
        ("The U.S. troops stayed. They left later.", ["The U.S. troops stayed.", "They left later."]),
        ("Troops left the U.S. The vote passed.", ["Troops left the U.S.", "The vote passed."]),  # a starter
        ("He said “we stay.” then he left.", ["He said “we stay.” then he left."]),
        ("They left on the 15. Jan was a cold month.", ["They left on the 15. Jan was a cold month."]),
    ]:
        assert [line[a:b] for a, b in _plain_sentences(line)] == sentences, line
        assert _plain_sentences(line) == syntok_spans(line), line


def test_lines_where_syntok_reads_characters_its_own_way_are_split_as_syntok_splits_them():
    for line in [
        "They left on the 15. JanÉ was cold.",  # its tokenizer cuts "JanÉ" at the case turn: a month
        "He stayed. ⅫⅫⅫ were there.",  # a large number, in roman numeral characters
        "He left in Jan. Ⅻ came.",  # a month before a number
        "He left.\x1cThen he went.",  # no space for syntok
        "He met Mr. 〙 Then he left.",  # a closing bracket after the stop joins the sentence before it
        "He left .” Then it rained.",  # '.”' after a space is one token for syntok, and no terminal
        "He said “Go .” Then he left.",
    ]:
        assert split_sentences(line) == syntok_spans(line), line


def test_most_seed_paragraphs_are_one_sentence_and_skip_syntok():
    cleaned, _ = clean_corpus(SEED_CORPUS, LEXICONS)
    lines = [line for text in cleaned["text"] for line in text.split("\n") if line.strip()]
    single = [line for line in lines if _is_one_sentence(line)]
    assert len(single) > len(lines) / 2
    assert all(split_sentences(line) == syntok_spans(line) for line in lines)


def reference_quote_spans(line):
    """The quote rules character by character: what the mark-by-mark scan must agree with."""
    spans, open_at, closer = [], None, ""
    for i, ch in enumerate(line):
        before, after = (line[i - 1] if i else " "), (line[i + 1] if i + 1 < len(line) else " ")
        if open_at is None:
            if ch in '“"' or (ch in "‘'" and not before.isalpha() and after.isalpha()):
                open_at, closer = i, {"“": '”"', '"': '"', "‘": "’'", "'": "'’"}[ch]
        elif ch in closer and not (ch in "’'" and after.isalpha()):
            spans.append((open_at, i + 1))
            open_at = None
    return spans + ([(open_at, len(line))] if open_at is not None else [])


@given(
    st.lists(st.sampled_from(["Iraq", "s", " ", "“", "”", '"', "‘", "’", "'", ",", "don", "t"]), max_size=30).map(
        "".join
    )
)
def test_quote_spans_follow_the_rules_mark_by_mark(line):
    assert quote_spans(line) == reference_quote_spans(line)
