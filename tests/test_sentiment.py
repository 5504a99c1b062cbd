"""The sentiment port gives TextBlob's own numbers, bit for bit, on news text and on odd text."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from textblob import TextBlob
from textblob._text import find_tokens as pattern_find_tokens

from pipeline.reading.corpus import read_corpus
from pipeline.text.segment import split_sentences
from pipeline.text.sentiment import find_tokens, sentiment

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def textblob(text):
    polarity, subjectivity = TextBlob(text).sentiment
    return polarity, subjectivity


def test_every_sentence_of_the_seed_corpus_scores_as_in_textblob():
    articles, _ = read_corpus(CORPUS)
    sentences = [text[a:b] for text in articles["raw_text"] for a, b in split_sentences(text)]
    assert len(sentences) > 100
    assert [sentiment(s) for s in sentences] == [textblob(s) for s in sentences]


def test_negation_modifiers_and_exclamation_work_as_in_textblob():
    for text in [
        "The strike was not good.",
        "A very good deal, but not a very good one!",
        "It was really not bad (!) at all :) and never terribly wrong.",
        "Officials didn't say it was a great success... They're unhappy!!",
        "He said “it’s an extremely brutal, horrible act” — and U.S. Gen. Smith agreed.",
        "",
    ]:
        assert sentiment(text) == textblob(text), text


def test_an_opinion_free_sentence_scores_zero():
    assert sentiment("The meeting is on Tuesday in Baghdad.") == (0.0, 0.0)


def test_tokens_are_pattern_tokens_quirks_included():
    # pattern splits "n't" off and then the apostrophe too; abbreviations keep their periods.
    text = "Don't go. The U.S. said “no”!"
    assert find_tokens(text) == pattern_find_tokens(text) == ["Do n ' t go .", "The U.S. said “ no ” !"]


# Words from TextBlob's lexicon, negations, modifiers, emoticons, abbreviations, quotes and
# punctuation, joined by assorted whitespace: the cases where a port would go wrong.
_PIECES = st.sampled_from(
    [
        "good", "bad", "very", "really", "terribly", "not", "no", "never", "n't", "didn't", "isn't",
        "great", "horrible", "brutal", "!", "(!)", "( ! )", ":)", ": )", "XD", "x D", "<3", ":-(", "o.O",
        "U.S.", "Gen.", "e.g.", "A.", "Mr.", "etc.", "...", "..", ".", ",", ";", "?", "'", '"', "“", "”",
        "‘", "’", "’s", "'d", "'ll", "(", ")", "[", "-", "_", "#", "the", "a", "it", "is", "ok", "so",
        "İ", "ΣΑΣ", "\u00a0", "\u2009", "\x1c", "\n\n", "\r\n", "2nd", "13th", "f*cking", "can't",
    ]
)  # fmt: skip
_GLUE = st.sampled_from(["", " ", "  ", "\t", "\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_PIECES, _GLUE), max_size=25))
def test_any_mix_of_tricky_pieces_scores_as_in_textblob(pieces):
    text = "".join(piece + glue for piece, glue in pieces)
    assert sentiment(text) == textblob(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_scores_as_in_textblob(text):
    assert sentiment(text) == textblob(text)
