"""Split clean text into sentences, offline and quotation-aware (syntok; no downloaded models)."""

from __future__ import annotations

import syntok.segmenter


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character span of each sentence in `text`.

    Every line is a paragraph and no sentence crosses a line break. Within a line syntok splits
    sentences; it keeps a closing quotation mark with the sentence that ends inside the quote
    (“Leave now.” He left. -> “Leave now.” | He left.), and it knows abbreviations (U.S., Gen.).
    Spans slice the text exactly: text[start:end] is the sentence.
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            for paragraph in syntok.segmenter.analyze(line):
                for sentence in paragraph:
                    span = _trimmed_span(line, sentence)
                    if span:
                        spans.append((line_start + span[0], line_start + span[1]))
        line_start += len(line) + 1
    return spans


def _trimmed_span(line: str, tokens: list) -> tuple[int, int] | None:
    """The sentence's span without the empty end token syntok sometimes adds, or outer whitespace."""
    words = [token for token in tokens if token.value]
    if not words:
        return None
    start, end = words[0].offset, words[-1].offset + len(words[-1].value)
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
