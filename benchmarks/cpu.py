"""Where the per-article CPU goes: each step of cleaning, scoring and annotating, in ms per article.

    python benchmarks/cpu.py corpus                                    # the seed corpus
    python benchmarks/cpu.py /tmp/bench-corpora/10k --articles 2000   # a benchmark corpus (benchmarks/synthetic.py)
    python benchmarks/cpu.py ../shared/gold/semeval23-train/corpus --text-files   # real news, one file an article

It runs, in this one process and on one core, what a chunk of the per-article stage runs
(flow.scored_articles: measuring.score.score_articles, then framing.annotations.annotate), with a CPU
timer around each costly step; a step's time excludes the timed steps it calls (the sentiment of a clause
is "clause sentiment", not "actors' tone"). "other" is the rest: building the rows and the tables. Beside
them: cleaning, and a plain loop of `TextBlob(sentence).sentiment` over the same sentences (the baseline of
benchmarks/run.py). The sentence cache is not used, so every article is split and scored.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import click

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import pandas as pd  # noqa: E402

from pipeline.framing import annotations  # noqa: E402
from pipeline.measuring import score  # noqa: E402
from pipeline.reading.clean import clean_articles  # noqa: E402
from pipeline.reading.corpus import read_corpus  # noqa: E402
from pipeline.reading.lexicons import read_framing_lexicons, read_lexicons  # noqa: E402
from pipeline.text import match, segment, speech  # noqa: E402

# (step, module or class, attribute): every place the step is looked up when it is called.
STEPS = [
    ("sentence splitting", score, "split_sentences"),
    ("sentence sentiment", score, "sentiment"),
    ("words of the sentences", match.Words, "__init__"),
    ("lexicon matching", match.Matcher, "find_in_sentences"),
    ("quotes", segment.QuoteIndex, "__init__"),
    ("negation", score, "is_negated"),
    ("word counts", score, "_word_counts"),
    ("reported speech", speech, "speeches"),
    ("names", speech, "names_in"),
    ("speakers", annotations, "statements_of"),
    ("actors' tone", annotations._ClauseTone, "around"),
    ("labels' referents", annotations, "label_referent"),
]
# Sentiment called from the actors' tone is that of a clause.
CLAUSE = "clause sentiment"


class StepTimer:
    """CPU seconds per step, each step's own: the time of timed steps it calls goes to them."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list] = []  # [step, start, time of the timed steps it called]

    def timed(self, step: str, function):
        def run(*args, **kwargs):
            name = CLAUSE if step == "sentence sentiment" and self._inside("actors' tone") else step
            frame = [name, time.process_time(), 0.0]
            self._stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                self._stack.pop()
                spent = time.process_time() - frame[1]
                self.seconds[name] += spent - frame[2]
                self.calls[name] += 1
                if self._stack:
                    self._stack[-1][2] += spent

        return run

    def _inside(self, step: str) -> bool:
        return any(frame[0] == step for frame in self._stack)


def read_articles(folder: Path, text_files: bool, most: int | None) -> pd.DataFrame:
    """The corpus's articles as read_corpus gives them; with `text_files`, every *.txt is one article of
    one outlet, read through a manifest written for them."""
    if not text_files:
        articles, _ = read_corpus(folder)
        return articles.head(most) if most else articles
    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work)
        names = []
        for path in sorted(folder.glob("*.txt"))[:most]:
            shutil.copy(path, corpus / path.name)
            names.append(path.name)
        pd.DataFrame({"file": names, "outlet": "one"}).to_csv(corpus / "manifest.csv", index=False)
        articles, _ = read_corpus(corpus)
    return articles


def budget(folder: Path, text_files: bool, most: int | None) -> tuple[dict[str, float], dict[str, int], int, int]:
    """(ms per article of each step, calls of each step, articles, sentences)."""
    lexicon, _ = read_lexicons(PROJECT / "lexicons")
    framing, _ = read_framing_lexicons(PROJECT / "lexicons")
    articles = read_articles(folder, text_files, most)
    start = time.process_time()
    cleaned, _, _ = clean_articles(articles, lexicon.boilerplate)
    cleaning = time.process_time() - start
    score.score_articles(cleaned.head(2), lexicon, None, {})  # the lexicons and code versions, loaded once
    timer = StepTimer()
    originals = [(owner, name, getattr(owner, name)) for _, owner, name in STEPS]
    for (step, owner, name), (_, _, function) in zip(STEPS, originals, strict=True):
        setattr(owner, name, timer.timed(step, function))
    try:
        start = time.process_time()
        words: dict = {}
        sentences, _ = score.score_articles(cleaned, lexicon, None, words)
        annotations.annotate(cleaned, sentences, framing, words)
        total = time.process_time() - start
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)
    n = max(1, len(cleaned))
    per_article = {"cleaning": cleaning * 1000 / n}
    per_article.update({step: seconds * 1000 / n for step, seconds in timer.seconds.items()})
    per_article["other"] = (total - sum(timer.seconds.values())) * 1000 / n
    per_article["TextBlob loop (baseline)"] = _textblob_seconds(sentences["text"].tolist()) * 1000 / n
    return per_article, dict(timer.calls), len(cleaned), len(sentences)


def _textblob_seconds(texts: list[str]) -> float:
    from textblob import TextBlob

    start = time.process_time()
    for text in texts:
        TextBlob(text).sentiment  # noqa: B018 (the baseline is computing it)
    return time.process_time() - start


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--articles", "most", type=int, default=None, help="Only the first N articles.")
@click.option("--text-files", is_flag=True, help="Every *.txt in FOLDER is one article (no manifest).")
def main(folder: Path, most: int | None, text_files: bool) -> None:
    per_article, calls, n_articles, n_sentences = budget(folder, text_files, most)
    scored = sum(ms for step, ms in per_article.items() if step not in ("cleaning", "TextBlob loop (baseline)"))
    print(f"{n_articles} articles, {n_sentences} sentences; CPU ms per article (one core)")
    print(f"{'step':<26} {'ms':>7} {'share':>6} {'calls/article':>14}")
    for step, ms in sorted(per_article.items(), key=lambda item: -item[1]):
        share = f"{ms / scored:.0%}" if step not in ("cleaning", "TextBlob loop (baseline)") else ""
        per = f"{calls[step] / n_articles:.1f}" if step in calls else ""
        print(f"{step:<26} {ms:>7.2f} {share:>6} {per:>14}")
    print(f"{'scoring and annotating':<26} {scored:>7.2f}")


if __name__ == "__main__":
    main()
