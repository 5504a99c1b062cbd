"""Matching rules: whole words, any spacing or hyphen, prefixes, longest match, no overlaps."""

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.reading.lexicons import DEFAULT_NEGATORS, Lexicon, normalize_token, parse_term_lexicon
from pipeline.text.match import Matcher, Words, is_negated, normalized_words


def lexicon_of(*lines):
    entries, problems = parse_term_lexicon("term,category,weight\n" + "\n".join(lines) + "\n", "test.csv")
    assert problems == []
    return Lexicon(tuple(entries))


def found(text, *lines):
    return [(text[m.start : m.end], m.entry.term) for m in Matcher(lexicon_of(*lines)).find(text)]


def test_terms_match_whole_words_only():
    assert found("An award for the war.", "war,dysphemism,1") == [("war", "war")]


def test_case_is_ignored():
    assert found("The REGIME fell.", "regime,delegitimizing,2") == [("REGIME", "regime")]


def test_multi_word_terms_match_across_hyphens_spaces_and_line_breaks():
    text = "The so-called deal, the so  called deal, the so\ncalled deal."
    assert [m[0] for m in found(text, "so called,doubt,3")] == ["so-called", "so  called", "so\ncalled"]


def test_a_star_makes_a_prefix():
    assert found("Terrorists and terrorism, not terra.", "terror*,delegitimizing,2") == [
        ("Terrorists", "terror*"),
        ("terrorism", "terror*"),
    ]


def test_the_longest_term_wins_and_hits_never_overlap():
    assert found("A drone strike hit.", "strike,euphemism,1", "drone strike,euphemism,1") == [
        ("drone strike", "drone strike")
    ]


def test_straight_and_curly_apostrophes_are_the_same_and_possessives_match():
    assert found("Iran’s regime’s allies and the regime's rivals", "regime,delegitimizing,2") == [
        ("regime’s", "regime"),
        ("regime's", "regime"),
    ]


def test_an_exact_word_beats_a_prefix_of_the_same_length():
    matches = Matcher(lexicon_of("claim*,doubt,1", "claimed,doubt,2")).find("He claimed it.")
    assert [m.entry.term for m in matches] == ["claimed"]


WORDS = ["war", "award", "so", "called", "so-called", "terror", "terrorist", "strike", "drone", "Regime's", "x"]
LEXICON = lexicon_of("war,a,1", "so called,b,1", "terror*,c,1", "drone strike,d,1", "strike,d,1", "regime,e,1")


@given(
    st.lists(st.sampled_from(WORDS), max_size=30),
    st.lists(st.sampled_from([" ", "  ", "\n", ", ", "-", "“"]), min_size=30, max_size=30),
)
def test_hits_never_overlap_and_offsets_slice_the_matched_words(words, separators):
    text = "".join(w + s for w, s in zip(words, separators, strict=False))
    matches = Matcher(LEXICON).find(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))
    for match in matches:
        piece = text[match.start : match.end]
        assert piece == piece.strip() and piece[0].isalnum() and piece[-1].isalnum()
        assert (match.start == 0 or not text[match.start - 1].isalnum()) and (
            match.end == len(text) or not text[match.end].isalnum()
        )


def reference_find(lexicon, text):
    """The matching rules spelled out word by word, slowly: what the automaton must agree with."""
    tokens = [(normalize_token(m.group()), m.start(), m.end()) for m in re.finditer(r"\w+(?:['’]\w+)*", text)]
    found, i = [], 0
    while i < len(tokens):
        fits = [
            e
            for e in lexicon.entries
            if i + len(e.parts) <= len(tokens)
            and all(
                tokens[i + k][0].startswith(p.text) if p.prefix else tokens[i + k][0] == p.text
                for k, p in enumerate(e.parts)
            )
        ]
        if not fits:
            i += 1
            continue
        best = max(
            fits, key=lambda e: (len(e.parts), -sum(p.prefix for p in e.parts), sum(len(p.text) for p in e.parts))
        )
        last = i + len(best.parts) - 1
        found.append((tokens[i][1], tokens[last][2], best.term))
        i = last + 1
    return found


TRICKY_WORDS = [*WORDS, "Iraq’s", "IRAQ'S", "so-called", "terrorists'", "strikes", "ΟΔΟΣ", "İstanbul", "drone-strike"]
TRICKY = lexicon_of(
    "war,a,1",
    "so called,b,1",
    "so call*,b,1",
    "terror*,c,1",
    "terrorist*,c,1",
    "drone strike,d,1",
    "drone strike*,d,1",
    "strike*,d,1",
    "iraq,e,1",
    "οδος,f,1",
    "istanbul,f,1",
    "i̇stanbul,f,1",
)


@given(
    st.lists(st.sampled_from(TRICKY_WORDS), max_size=30),
    st.lists(st.sampled_from([" ", "  ", "\n", ", ", "-", "“", "'s "]), min_size=30, max_size=30),
)
def test_the_automaton_finds_what_the_word_by_word_rules_find(words, separators):
    text = "".join(w + s for w, s in zip(words, separators, strict=False))
    assert [(m.start, m.end, m.entry.term) for m in Matcher(TRICKY).find(text)] == reference_find(TRICKY, text)


def test_several_lexicons_can_share_one_sentences_words():
    text = "The regime’s so-called war. It ended."
    words = Words(text, [(0, 27), (28, 37)])
    loaded = Matcher(lexicon_of("so called,b,1", "war,a,1", "ended,c,1")).find_in_sentences(words)
    actors = Matcher(lexicon_of("regime,x,1")).find_in_sentences(words)
    assert [[m.entry.term for m in found] for found in loaded] == [["so called", "war"], ["ended"]]
    assert [[m.entry.term for m in found] for found in actors] == [["regime"], []]


def negated(text, word):
    return is_negated(text, text.index(word), DEFAULT_NEGATORS)


def test_a_negator_before_a_hit_in_the_same_clause_negates_it():
    assert negated("This was not a massacre.", "massacre")
    assert negated("Officials denied it was a massacre.", "massacre")
    assert negated("It wasn’t a massacre.", "massacre")


def test_a_negator_in_another_clause_or_far_away_does_not():
    assert not negated("Not only brutal, it was a massacre.", "massacre")
    assert not negated("It was never clear who ordered what turned into a massacre.", "massacre")
    assert not negated("Nobody expected it, but it was a massacre.", "massacre")


@given(
    st.lists(
        st.lists(st.sampled_from([*TRICKY_WORDS, "\x00", ""]), max_size=8).map(" ".join),
        max_size=6,
    )
)
def test_an_article_matched_at_once_finds_what_each_sentence_finds_alone(sentences):
    text, spans = "", []
    for sentence in sentences:
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence + " "
    matcher = Matcher(TRICKY)
    by_sentence = matcher.find_in_sentences(Words(text, spans))
    assert [[(m.start, m.end, m.entry.term) for m in found] for found in by_sentence] == [
        reference_find(TRICKY, sentence) for sentence in sentences
    ]


@given(
    st.lists(
        st.sampled_from(
            [*"ab Z_9'’-.,\x00\n\t“”—é", "İ", "ΟΔ", "\u0301", "’s", "'s", "''", "¿", "€", "\u00a0", "rock 'n' roll"]
        ),
        max_size=25,
    ).map("".join)
)
def test_words_are_cut_exactly_where_the_word_pattern_cuts_them(text):
    # The byte-level fast path must agree with the plain regex, odd characters and apostrophes included.
    regex_words = re.findall(r"\w+(?:['’]\w+)*|\x00", text)
    assert normalized_words([text]) == [normalize_token(w) for w in regex_words]
