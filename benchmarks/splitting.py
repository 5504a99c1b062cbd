"""Sentence splitting: the plain-line path against syntok, for agreement and for time.

    python benchmarks/splitting.py corpus                          # the seed corpus
    python benchmarks/splitting.py /tmp/bench-corpora/10k          # a benchmark corpus (benchmarks/synthetic.py)
    python benchmarks/splitting.py ../shared/gold/semeval23-train/corpus --text-files

For every line of every clean article it compares the spans split_sentences gives (the one-sentence and
plain-line paths, syntok for the rest) with syntok's alone, and prints how many lines took each path,
how many lines' spans differ from syntok's (the target is none), and the CPU seconds of both.
`--text-files` reads every *.txt in the folder as one article (a folder without a manifest).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.text import segment


def clean_texts(folder: Path, text_files: bool) -> list[str]:
    if text_files:
        return [path.read_text(encoding="utf-8", errors="replace") for path in sorted(folder.glob("*.txt"))]
    from pipeline.reading.clean import clean_articles
    from pipeline.reading.corpus import read_corpus
    from pipeline.reading.lexicons import read_lexicons

    lexicon, _ = read_lexicons(Path(__file__).resolve().parents[1] / "lexicons")
    articles, _ = read_corpus(folder)
    cleaned, _, _ = clean_articles(articles, lexicon.boilerplate)
    return cleaned["text"].tolist()


def syntok_only(line: str) -> list[tuple[int, int]]:
    spans = []
    for paragraph in segment.syntok.segmenter.analyze(line):
        for sentence in paragraph:
            span = segment._trimmed_span(line, sentence)
            if span:
                spans.append(span)
    return spans


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--text-files", is_flag=True, help="Every *.txt is one article (no manifest).")
def main(folder: Path, text_files: bool) -> None:
    lines = [line for text in clean_texts(folder, text_files) for line in text.split("\n") if line.strip()]
    paths = {"one sentence": 0, "plain": 0, "syntok": 0}
    differ = []
    for line in lines:
        if segment._is_one_sentence(line):
            path = "one sentence"
        elif segment._plain_sentences(line) is not None:
            path = "plain"
        else:
            path = "syntok"
        paths[path] += 1
        if path != "syntok" and segment.split_sentences(line) != syntok_only(line):
            differ.append(line)
    started = time.process_time()
    for line in lines:
        segment.split_sentences(line)
    ours = time.process_time() - started
    started = time.process_time()
    for line in lines:
        syntok_only(line)
    theirs = time.process_time() - started
    print(f"{folder}: {len(lines)} lines; " + ", ".join(f"{name} {n}" for name, n in paths.items()))
    print(f"lines whose spans differ from syntok's: {len(differ)}")
    for line in differ[:5]:
        print(f"  {line[:160]!r}")
    print(f"CPU seconds: split_sentences {ours:.2f}, syntok alone {theirs:.2f} ({theirs / max(ours, 1e-9):.1f}x)")


if __name__ == "__main__":
    main()
