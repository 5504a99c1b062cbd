"""The same corpus gives the same tables whatever the processes, the hash seed or the order rows arrive in."""

import csv
import json
import os
import random
import subprocess
import sys
from collections import Counter

import pandas as pd
import pytest
from conftest import LEXICONS, PROJECT, SEED_CORPUS
from hypothesis import given
from hypothesis import strategies as st

from pipeline.flow import analyze
from pipeline.framing.annotations import actor_mentions, annotate
from pipeline.framing.events import group_events
from pipeline.framing.mentions import actor_names, mention_table
from pipeline.measuring.score import score_articles
from pipeline.measuring.statistics import log_odds_against_rest, log_odds_dirichlet
from pipeline.reading.lexicons import read_framing_lexicons, read_lexicons
from pipeline.reports.report import event_slugs, render_pages, to_csv_text
from pipeline.tuning.gold import clean_corpus

VERBS = ["said", "claimed", "insisted", "admitted", "boasted", "told reporters"]
EVENTS = [
    "a terrible and brutal attack",
    "a good and peaceful agreement",
    "an ordinary meeting",
    "a shameful, disastrous decision",
    "the deadly strike",
    "the assassination",
]


def actor_aliases() -> list[str]:
    with open(LEXICONS / "actors.csv", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return sorted({row["alias"].rstrip("*") for row in rows})


def invented_corpus(folder, n_articles: int, seed: int = 7):
    """One JSONL file (article ids "articles.jsonl:N", whose order as text is not N's): most outlets have
    one article, "Outlet Wire" has every tenth; sentences pair actors from lexicons/actors.csv."""
    rng = random.Random(seed)
    aliases = actor_aliases()
    folder.mkdir()
    with open(folder / "articles.jsonl", "w", encoding="utf-8") as handle:
        for k in range(n_articles):
            sentences = [
                f"{a} {rng.choice(VERBS)} that {b} planned {rng.choice(EVENTS)} in region {rng.randint(1, 40)}."
                for a, b in (rng.sample(aliases, 2) for _ in range(rng.randint(3, 6)))
            ]
            record = {
                "text": "\n\n".join(sentences),
                "outlet": "Outlet Wire" if k % 10 == 1 else f"Outlet {k:03d}",
                "published": f"2020-0{1 + k % 9}-{1 + k % 28:02d}",
            }
            handle.write(json.dumps(record) + "\n")
    (folder / "manifest.csv").write_text("file,outlet,published,url\narticles.jsonl,Unknown,2020-01-01,\n")
    return folder


def tables_of_a_run(corpus, out, jobs: int, hash_seed: str) -> dict[str, bytes]:
    command = [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--lexicons", str(LEXICONS)]
    subprocess.run(
        [*command, "--out", str(out), "--no-cache", "--jobs", str(jobs)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        cwd=PROJECT,
    )
    return {path.name: path.read_bytes() for path in sorted((out / "tables").iterdir())}


def seed_sentences_and_annotations():
    articles, lexicon = clean_corpus(SEED_CORPUS, LEXICONS)
    framing, _ = read_framing_lexicons(LEXICONS)
    sentences, _ = score_articles(articles, lexicon)
    return articles, sentences, framing


def test_one_process_and_two_give_byte_identical_tables_under_different_hash_seeds(tmp_path):
    corpus = invented_corpus(tmp_path / "corpus", 120)  # chunks of 30 articles on one process, 20 on two
    one = tables_of_a_run(corpus, tmp_path / "one", jobs=1, hash_seed="1")
    two = tables_of_a_run(corpus, tmp_path / "two", jobs=2, hash_seed="2")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def csv_texts(tables) -> dict[str, str]:
    return {name: to_csv_text(table) for name, table in tables.csv_tables().items()}


@pytest.fixture(scope="module")
def invented(tmp_path_factory):
    corpus = invented_corpus(tmp_path_factory.mktemp("invented") / "corpus", 80)
    return corpus, csv_texts(analyze(corpus, LEXICONS, jobs=1))  # chunks of 20 articles


def test_tables_are_the_same_however_the_articles_are_cut_into_chunks(invented):
    corpus, one_process = invented
    assert csv_texts(analyze(corpus, LEXICONS, jobs=2, chunk_articles=7)) == one_process


def test_the_tables_do_not_depend_on_the_order_the_manifest_lists_the_files_in(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in SEED_CORPUS.iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    header, *rows = (SEED_CORPUS / "manifest.csv").read_text(encoding="utf-8").splitlines()
    (corpus / "manifest.csv").write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    listed, reversed_ = (analyze(folder, LEXICONS) for folder in (SEED_CORPUS, corpus))
    assert {n: to_csv_text(t) for n, t in reversed_.csv_tables().items()} == {
        n: to_csv_text(t) for n, t in listed.csv_tables().items()
    }
    assert list(listed.sentences["article_id"].astype(str).unique()) == sorted(listed.articles["article_id"])


def test_a_dask_local_cluster_gives_the_tables_of_one_process(invented):
    corpus, one_process = invented
    assert csv_texts(analyze(corpus, LEXICONS, engine="dask", chunk_articles=7)) == one_process


def test_an_actors_interval_does_not_depend_on_the_order_of_the_annotations():
    articles, sentences, framing = seed_sentences_and_annotations()
    annotations = annotate(articles, sentences, framing)
    mentions = mention_table(annotations, actor_names(annotations, framing))
    backwards = mentions.iloc[::-1].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        actor_mentions(sentences, backwards).summary, actor_mentions(sentences, mentions).summary
    )


COUNTS = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 50), min_size=1)


@given(COUNTS, COUNTS)
def test_an_outlets_own_terms_score_as_against_the_whole_vocabulary_and_terms_it_lacks_never_score_above_zero(
    group, others
):
    group, total = Counter(group), Counter(group) + Counter(others)
    everything = pd.DataFrame({"group": pd.Series(group), "rest": pd.Series(total - group)}).fillna(0).sort_index()
    against_all = log_odds_dirichlet(everything)
    own = log_odds_against_rest(group, total)
    assert list(own.index) == sorted(group)
    pd.testing.assert_frame_equal(own[["log_odds", "z"]], against_all.loc[own.index], check_exact=True)
    assert (against_all.drop(index=own.index)["z"] <= 0).all()


def test_a_manifest_event_called_e2_never_shares_its_id_with_an_automatic_event():
    corpus = pd.DataFrame(
        [
            ("a", "Wire", "2020-01-05", "Farmers in Kansas expect a record wheat harvest this summer.", ""),
            ("b", "Daily", "2022-03-01", "The central bank raised interest rates again to fight inflation.", ""),
            ("c", "Post", "2024-01-05", "A drone strike hit Baghdad.", "E2"),
        ],
        columns=["article_id", "outlet", "published", "text", "event"],
    )
    sentences, _ = score_articles(corpus, read_lexicons(LEXICONS)[0])
    events = group_events(corpus, sentences=sentences)
    assert dict(zip(events.article_id, events.event_id, strict=True)) == {"a": "E1", "b": "E3", "c": "E2"}


def test_events_fox_news_and_fox_dash_news_get_a_file_name_each():
    assert event_slugs(["fox-news", "Fox News", "E1"]) == {"E1": "e1", "Fox News": "fox-news", "fox-news": "fox-news-2"}


def test_outlets_and_events_whose_names_differ_only_in_case_and_dashes_get_a_page_each(make_corpus):
    story = "Iraq's parliament voted to expel US troops after the drone strike in Baghdad, officials said."
    corpus = make_corpus(
        {"a.txt": story, "b.txt": story},
        manifest="file,outlet,published,url,event\na.txt,Fox News,2020-01-05,,Fox News\nb.txt,fox-news,2020-01-05,,fox-news\n",
    )
    pages = render_pages(analyze(corpus, LEXICONS))
    assert sorted(name for name in pages if name.endswith(".html") and "/" in name) == [
        "events/fox-news-2.html",
        "events/fox-news.html",
        "outlets/fox-news-2.html",
        "outlets/fox-news.html",
    ]


def test_the_chart_of_hundreds_of_outlets_draws_the_largest_forty():
    from pipeline.reports.charts import charted_outlets, score_charts

    outlets = pd.DataFrame(
        {
            "outlet": [f"Outlet {k:03d}" for k in range(300)],
            "n_words": list(range(300)),
            "polarity": 0.1,
            "subjectivity": 0.4,
            "loaded_per_1k": 2.0,
            "loaded_per_1k_emotive": 2.0,
        }
    )
    svg = "".join(score_charts(charted_outlets(outlets), ["emotive"], lambda outlet, what: ""))
    assert "Outlet 299" in svg and "Outlet 260" in svg
    assert "Outlet 259" not in svg
