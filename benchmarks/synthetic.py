"""A deterministic synthetic corpus: seed-corpus lines recombined into N articles across M outlets."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from pipeline.reading.clean import clean_articles
from pipeline.reading.corpus import read_corpus
from pipeline.reading.lexicons import read_lexicons

PROJECT = Path(__file__).resolve().parents[1]


def seed_lines(corpus_dir: Path = PROJECT / "corpus", lexicon_dir: Path = PROJECT / "lexicons"):
    """(body lines, chrome lines) of the seed corpus, as the cleaner sorts them."""
    lexicon, _ = read_lexicons(lexicon_dir)
    articles, _ = read_corpus(corpus_dir)
    cleaned, removed, _ = clean_articles(articles, lexicon.boilerplate)
    body = sorted({line for text in cleaned.text for line in text.split("\n") if line})
    chrome = sorted(set(removed[removed.rule.isin(["pattern", "date_line", "off_topic"])].text))
    return body, chrome


def write_corpus(out_dir: Path, n_articles: int, n_outlets: int = 20, seed: int = 2020) -> Path:
    """Write N .txt articles (10 to 30 body lines plus 2 to 5 chrome lines each) and a manifest."""
    body, chrome = seed_lines()
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in range(n_articles):
        lines = rng.sample(chrome, k=min(2, len(chrome))) + rng.choices(body, k=rng.randint(10, 30))
        lines += rng.sample(chrome, k=min(rng.randint(0, 3), len(chrome)))
        name = f"article-{n:06d}.txt"
        (out_dir / name).write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        rows.append([name, f"Outlet {n % n_outlets:02d}", f"2020-01-{1 + n % 28:02d}", ""])
    with open(out_dir / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "outlet", "published", "url"])
        writer.writerows(rows)
    return out_dir
