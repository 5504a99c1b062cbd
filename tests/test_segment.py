"""Sentence splitting: offline, quotation-aware, spans that slice the text exactly."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from pipeline.segment import split_sentences


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
