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
                    first, last = sentence[0], sentence[-1]
                    spans.append((line_start + first.offset, line_start + last.offset + len(last.value)))
        line_start += len(line) + 1
    return spans
