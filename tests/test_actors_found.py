"""Actors found in any corpus: names the corpus writes become actors, merged by alias, with the tone of the
words around each mention (tables/actor_mentions.csv), and actors.csv only merges, renames or drops."""

import shutil

import pandas as pd
from conftest import LEXICONS

from pipeline.flow import analyze
from pipeline.framing.mentions import discovered_actors, surname
from pipeline.reading.lexicons import read_framing_lexicons

# Two outlets tell of a mayor and a company no lexicon names: Outlet A is harsh on the mayor and kind to
# the company, Outlet B the other way round, each in the same sentences.
A = [
    "Mayor Maria Lopez made a terrible and dishonest decision on the bridge, while Northwind Corp offered a wonderful plan.",
    "On Tuesday the council heard that Maria Lopez was careless and wrong, but Northwind Corp was admirable and generous.",
    "Residents said little as Maria Lopez gave an awful speech; Northwind Corp gave a brilliant one.",
]
B = [
    "Mayor Maria Lopez offered a wonderful and honest plan for the bridge, while Northwind Corp made a terrible decision.",
    "On Wednesday the council heard that Maria Lopez was admirable and generous, but Northwind Corp was careless and wrong.",
    "Neighbours listened as Maria Lopez gave a brilliant speech; Northwind Corp gave an awful one.",
]


def corpus_without_actors(make_corpus, tmp_path):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    (lexicons / "actors.csv").write_text("actor,alias\n", encoding="utf-8")
    files = {f"a{k}.txt": text for k, text in enumerate(A)} | {f"b{k}.txt": text for k, text in enumerate(B)}
    rows = [f"{name},Outlet {name[0].upper()},2021-03-0{k % 3 + 1}," for k, name in enumerate(files)]
    corpus = make_corpus(files, manifest="file,outlet,published,url\n" + "\n".join(rows) + "\n")
    return analyze(corpus, lexicons)


def test_a_corpus_whose_actors_no_lexicon_names_still_has_its_actors_and_their_slant(make_corpus, tmp_path):
    tables = corpus_without_actors(make_corpus, tmp_path)
    tone = tables.actors.set_index(["outlet", "actor"])["polarity"]
    assert {"Maria Lopez", "Northwind Corp"} <= set(tables.actors["actor"])
    assert tone["Outlet A", "Maria Lopez"] < 0 < tone["Outlet A", "Northwind Corp"]
    assert tone["Outlet B", "Northwind Corp"] < 0 < tone["Outlet B", "Maria Lopez"]


def test_each_mention_has_its_own_clauses_tone_not_the_sentences(make_corpus, tmp_path):
    mentions = corpus_without_actors(make_corpus, tmp_path).actor_mentions
    first = mentions[mentions["article_id"] == "a0.txt"].set_index("actor")
    assert first.loc["Maria Lopez", "polarity"] < 0 < first.loc["Northwind Corp", "polarity"]
    assert list(first.loc["Maria Lopez", ["matched", "voice"]]) == ["Mayor Maria Lopez", "narrative"]


def names(*rows):
    return pd.DataFrame(rows, columns=["key", "term"])


def test_a_persons_names_merge_on_their_last_word_under_the_most_written_form():
    framing, _ = read_framing_lexicons(LEXICONS)
    found = names(
        ("Moqtada Sadr", "person"),
        ("Moqtada Sadr", "person"),
        ("Muqtada al-Sadr", "person"),
        ("Sadr", "initial"),
        ("Latest", "initial"),
        ("Sairoon", "organisation"),
    )
    actor_of = discovered_actors(found, framing)
    assert actor_of == {"Moqtada Sadr": "Moqtada Sadr", "Muqtada al-Sadr": "Moqtada Sadr", "Sadr": "Moqtada Sadr"}
    assert surname("Muqtada al-Sadr") == surname("Sadr") == "sadr"


def test_a_name_written_as_an_actors_alias_is_that_actor_and_a_dash_drops_it(tmp_path):
    (tmp_path / "actors.csv").write_text("actor,alias\nUnited Nations,UN\n-,Reuters\n", encoding="utf-8")
    framing, _ = read_framing_lexicons(tmp_path)
    actor_of = discovered_actors(names(("UN", "organisation"), ("UN", "organisation")), framing)
    assert actor_of == {"UN": "United Nations"}
