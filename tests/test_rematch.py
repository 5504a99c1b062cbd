"""After a lexicon edit only the articles it can change are matched again, and the tables are exactly a fresh run's."""

import re
import shutil

import pandas as pd
import pytest
from conftest import LEXICONS, SEED_CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.engine.rematch import articles_to_rematch
from pipeline.flow import analyze
from pipeline.reading.lexicons import Lexicon, parse_term_lexicon
from pipeline.reports.report import to_csv_text, to_parquet_bytes
from pipeline.text.match import Matcher, Words


def append(name, line):
    return lambda folder: (folder / name).write_text((folder / name).read_text(encoding="utf-8") + line + "\n")


def substitute(name, pattern, replacement):
    def edit(folder):
        path = folder / name
        text, n = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        assert n == 1, f"the edit must change exactly one line of {name}"
        path.write_text(text, encoding="utf-8")

    return edit


EDITS = {
    "a weight": substitute("emotive.csv", r"^heinous,emotive,3,", "heinous,emotive,1,"),
    "a new term": append("emotive.csv", "killing,emotive,3,new"),
    "a new term no article contains": append("emotive.csv", "zzyzx,emotive,3,new"),
    "a new term that outranks an existing one": append("violence.csv", "assassination of,dysphemism,3,longer"),
    "a removed term": substitute("violence.csv", r"^atrocit\*,.*\n", ""),
    "a term set to ignore": substitute("emotive.csv", r"^catastroph\*,emotive,2,", "catastroph*,ignore,2,"),
    "a line inserted at the top, moving every other": substitute(
        "emotive.csv", r"^term,category,weight,note\n", "term,category,weight,note\nzzyzx,emotive,1,\n"
    ),
    "a new negator": append("negators.txt", "against"),
    "a new actor alias (a framing lexicon)": append("actors.csv", "Muqtada al-Sadr,Sadr,test alias"),
    "a new term in a new file": lambda folder: (folder / "extra.csv").write_text(
        "term,category,weight,note\nstrike,violence,1,\n", encoding="utf-8"
    ),
}


def csv_tables(tables):
    return {name: to_csv_text(table) for name, table in tables.csv_tables().items()}


def parquet_tables(tables):
    return {name: to_parquet_bytes(table) for name, table in tables.csv_tables().items()}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_warm_run_after_an_edit_gives_exactly_the_tables_of_a_fresh_run(tmp_path, edit):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    cache = tmp_path / "cache"
    analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    edit(lexicons)
    warm, fresh = analyze(SEED_CORPUS, lexicons, cache_dir=cache), analyze(SEED_CORPUS, lexicons)
    assert csv_tables(warm) == csv_tables(fresh)
    # The Parquet files too: a category only the rematched rows used (a renamed term) must not stay.
    assert parquet_tables(warm) == parquet_tables(fresh)


def test_only_articles_where_the_edited_term_occurs_are_scored_again(tmp_path):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    cache = tmp_path / "cache"
    scored = []
    analyze(SEED_CORPUS, lexicons, cache_dir=cache, on_start=scored.append)
    EDITS["a weight"](lexicons)  # "heinous" occurs in one of the five articles
    warm = analyze(SEED_CORPUS, lexicons, cache_dir=cache, on_start=scored.append)
    assert scored == [5, 1]
    assert set(warm.hits.loc[warm.hits["term"] == "heinous", "weight"]) == {1.0}
    EDITS["a new negator"](lexicons)  # every negation decision may change: everything again
    analyze(SEED_CORPUS, lexicons, cache_dir=cache, on_start=scored.append)
    assert scored == [5, 1, 5]


_WORDS = st.sampled_from(
    [
        "Iraq’s",
        "IRAQ'S",
        "regime",
        "Regimes",
        "ΟΔΟΣ",
        "οδος·",
        "Straße",
        "STRASSE",
        "İstanbul",
        "so-called",
        "troops,",
        "\x00",
        "“Brutal”",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_WORDS, max_size=8).map(" ".join), min_size=1, max_size=4),
    st.lists(
        st.sampled_from(["iraq", "regime*", "οδος", "straße", "istanbul", "so called", "brutal", "troops"]),
        min_size=1,
        max_size=3,
    ),
)
def test_the_articles_an_edit_can_change_are_all_articles_where_its_entries_match(texts, terms):
    entries, _ = parse_term_lexicon(
        "term,category,weight\n" + "\n".join(f"{t},emotive,1" for t in terms) + "\n", "x.csv"
    )
    articles = pd.DataFrame({"article_id": [f"a{k}" for k in range(len(texts))], "text": texts})
    matcher = Matcher(Lexicon(tuple(entries)))
    found = [matcher.find_in_sentences(Words(text))[0] for text in texts]
    everywhere = {article_id for article_id, matches in zip(articles["article_id"], found, strict=True) if matches}
    assert articles_to_rematch(articles, entries) == everywhere
