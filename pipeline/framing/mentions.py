"""Actors found in any corpus: every mention of an actors.csv alias or of a name the corpus itself writes,
merged into actors (tables/actor_mentions.csv), each with the tone of the words around it.

annotate (framing.annotations) finds, per sentence, the actors.csv aliases and the other name-like spans
(text.speech.names_in: capitalised runs, titles, acronyms), each with the polarity of its clause. Here the
names are merged across the corpus into actors:

- a name written as an actors.csv alias is that actor (actors.csv is where to merge, rename or drop:
  an alias whose actor is `-` is never an actor);
- a person's name is merged with the other person names that end in the same word ("Qassem Soleimani",
  "Qasem Soleimani", "General Soleimani", "Soleimani"), under its most frequent full form;
- a name that opens a sentence and is one word is kept only if the corpus also writes it inside a
  sentence ("Latest warnings ..." is no actor);
- a name needs MIN_MENTIONS mentions in the corpus to be an actor.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from pipeline.reading.lexicons import FramingLexicons
from pipeline.schema import MENTION_COLUMNS, MENTION_DTYPES
from pipeline.support.dataframes import plain_strings
from pipeline.text.match import Matcher

MIN_MENTIONS = 2
DROPPED = "-"


def surname(name: str) -> str:
    """The word a person's names are merged on: the last, without an Arabic article ("al-Sadr" -> "sadr")."""
    last = name.split()[-1].lower()
    return last[3:] if last[:3] in ("al-", "el-") and len(last) > 3 else last


def actor_names(annotations: pd.DataFrame, framing: FramingLexicons) -> dict[str, str]:
    """Name -> actor for every name the corpus writes that makes an actor (discovered_actors)."""
    names = annotations.loc[(annotations["kind"] == "name").to_numpy(), ["key", "term"]]
    return discovered_actors(plain_strings(names.reset_index(drop=True)), framing)


def mention_table(annotations: pd.DataFrame, actor_of: dict[str, str]) -> pd.DataFrame:
    """One row per actor mention (MENTION_COLUMNS), in article, sentence and text order; `actor_of` maps
    the names no actors.csv alias matched to their actors (actor_names)."""
    kind = annotations["kind"]
    is_actor = (kind == "actor").to_numpy()
    rows = np.flatnonzero(is_actor | (kind == "name").to_numpy())
    # The mentions' rows and their order are found on codes and numbers, and the table is made once, in
    # that order: the annotations as strings, or a sorted copy of the mentions, take several times the
    # annotations themselves.
    actor = _actors(annotations["key"].take(rows), is_actor[rows], actor_of)
    kept = (actor != "") & (actor != DROPPED)
    rows, actor = rows[kept], actor[kept]
    order = _in_text_order(
        annotations["article_id"].take(rows), *(annotations[c].to_numpy()[rows] for c in ("sentence_id", "start"))
    )
    columns = [c for c in MENTION_COLUMNS if c != "actor"]
    table = annotations[columns].take(rows[order]).assign(actor=actor[order])
    return table[MENTION_COLUMNS].astype(MENTION_DTYPES).reset_index(drop=True)


def _in_text_order(article_ids: pd.Series, sentence_ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The order that sorts rows stably by article id (as text), sentence and start, missing ids last."""
    if isinstance(article_ids.dtype, pd.CategoricalDtype):
        names = np.asarray(article_ids.cat.categories.astype(str), dtype=object)
        rank = np.empty(len(names) + 1, dtype=np.int64)
        rank[np.argsort(names, kind="stable")] = np.arange(len(names))
        rank[-1] = len(names)  # code -1, a missing id: last, where sort_values puts it
        articles = rank[article_ids.cat.codes.to_numpy()]
    else:
        articles = pd.factorize(article_ids.astype(str), sort=True, use_na_sentinel=False)[0]
    return np.lexsort((starts, sentence_ids, articles))


def _actors(key: pd.Series, is_actor: np.ndarray, actor_of: dict[str, str]) -> np.ndarray:
    """Each mention's actor: an actors.csv actor's key is its actor, a name's is actor_of's ("" if none)."""
    if isinstance(key.dtype, pd.CategoricalDtype):
        categories = list(key.cat.categories)
        codes = key.cat.codes.to_numpy()  # -1, a missing key, takes the last of each list
        as_actor = np.array([*categories, np.nan], dtype=object)[codes]
        as_name = np.array([*(actor_of.get(k, "") for k in categories), ""], dtype=object)[codes]
    else:
        as_actor = key.to_numpy(dtype=object)
        as_name = np.array([actor_of.get(k, "") for k in as_actor], dtype=object)
    return np.where(is_actor, as_actor, as_name)


def discovered_actors(names: pd.DataFrame, framing: FramingLexicons) -> dict[str, str]:
    """Name (annotation key) -> actor for the names the corpus writes that no actors.csv alias matched."""
    aliases = Matcher(framing.actors)
    counts = Counter(names["key"])
    types = dict(zip(names["key"], names["term"], strict=True))
    inside = set(names.loc[names["term"] != "initial", "key"])
    full_of_surname: dict[str, Counter] = {}
    for key, n in counts.items():
        words = key.split()
        if types.get(key) == "person" and len(words) >= 2:
            full_of_surname.setdefault(surname(key), Counter())[key] += n
    merged: dict[str, str] = {}
    for key in sorted(counts):
        if types.get(key) == "initial" and key not in inside and surname(key) not in full_of_surname:
            continue
        match = [m for m in aliases.find(key) if m.start == 0 and m.end == len(key)]
        if match:
            merged[key] = match[0].entry.category
            continue
        forms = full_of_surname.get(surname(key))
        if forms and (types.get(key) in ("person", "initial") or len(key.split()) == 1):
            merged[key] = max(sorted(forms), key=lambda form: forms[form])
        else:
            merged[key] = key
    totals = Counter()
    for key, actor in merged.items():
        totals[actor] += counts[key]
    return {key: actor for key, actor in merged.items() if totals[actor] >= MIN_MENTIONS}
