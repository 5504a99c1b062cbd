"""Benchmark event grouping beyond exact clustering's size, on a corpus of many stories.

    python benchmarks/events.py                      # 2,500 stories of 4 articles (10,000 articles)
    python benchmarks/events.py --stories 25000      # 100,000 articles

The benchmark corpus of benchmarks/run.py recombines the five seed articles' sentences, so it holds a
handful of stories; news over a month holds thousands. Here every story has three names of its own
("name17x2") amid words that every story uses, spread over a year. For each way of grouping it prints
the seconds, the number of events, the share of events that hold one story only and the share of
stories that stay in one event:

- blocked: what the pipeline does (framing.events._cluster_large: the articles are cut into blocks no
  event can span, each clustered exactly, or on a sample when still too large);
- sampled: the grouping before blocks (complete linkage on a sample of 4,000 articles, the others
  joining the nearest sampled event).

Exact complete linkage splits a story when two of its articles share too few words (the names are
drawn at random): the blocked grouping is exact complete linkage, so its shares are the exact ones.
It then times the tests between outlets of every event (framing.annotations.event_contrasts), which
run once per event and metric: with 4 articles a story, every way of giving them out is counted;
with --per-story 8, the outlets of each event are shuffled.
Timing lives here, never in the tests.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.framing import events
from pipeline.framing.annotations import event_contrasts
from pipeline.measuring.score import score_articles
from pipeline.measuring.statistics import article_totals
from pipeline.reading.lexicons import read_lexicons

SHARED_WORDS = [
    "officials",
    "said",
    "the",
    "government",
    "would",
    "meet",
    "protesters",
    "after",
    "talks",
    "on",
    "security",
    "and",
    "the",
    "economy",
    "in",
    "the",
    "capital",
]


def many_stories(n_stories: int, per_story: int, seed: int = 1) -> pd.DataFrame:
    """Articles of `n_stories` stories, `per_story` each: twelve shared words and four of the story's names."""
    random = np.random.default_rng(seed)
    rows = []
    for story in range(n_stories):
        names = [f"name{story}x{k}" for k in range(3)]
        for k in range(per_story):
            words = [*random.choice(SHARED_WORDS, 12), *random.choice(names, 4)]
            published = f"2020-{1 + story % 12:02d}-{1 + story % 28:02d}"
            rows.append((f"s{story:06d}-{k}", f"Outlet {k}", published, " ".join(words) + "."))
    return pd.DataFrame(rows, columns=["article_id", "outlet", "published", "text"])


def one_way(name: str, corpus: pd.DataFrame, sentences: pd.DataFrame) -> dict:
    start = time.perf_counter()
    grouped = events.group_events(corpus, sentences=sentences)
    seconds = time.perf_counter() - start
    story = grouped["article_id"].str.split("-").str[0]
    return {
        "grouping": name,
        "articles": len(corpus),
        "seconds": round(seconds, 2),
        "events": grouped["event_id"].nunique(),
        "events_of_one_story": round(float(story.groupby(grouped["event_id"]).nunique().eq(1).mean()), 3),
        "stories_in_one_event": round(float(grouped["event_id"].groupby(story).nunique().eq(1).mean()), 3),
    }


@click.command()
@click.option("--stories", default=2_500, show_default=True, help="Stories in the corpus.")
@click.option("--per-story", default=4, show_default=True, help="Articles per story.")
def main(stories: int, per_story: int) -> None:
    corpus = many_stories(stories, per_story)
    lexicon = read_lexicons(Path(__file__).resolve().parent.parent / "lexicons")[0]
    sentences = score_articles(corpus, lexicon)[0]
    rows = [one_way("blocked", corpus, sentences)]
    grouped = events.group_events(corpus, sentences=sentences)
    start = time.perf_counter()
    contrasts = event_contrasts(article_totals(sentences), grouped)
    click.echo(
        f"event contrasts: {contrasts['event_id'].nunique()} events, {time.perf_counter() - start:.2f} s "
        f"({contrasts['p_adjusted'].notna().sum()} tests)"
    )
    blocks = events.event_blocks
    events.event_blocks = lambda matrix, threshold: np.zeros(matrix.shape[0], dtype=int)  # no block can be cut
    try:
        rows.append(one_way("sampled", corpus, sentences))
    finally:
        events.event_blocks = blocks
    click.echo(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
