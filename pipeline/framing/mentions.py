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
    columns = ["outlet", "article_id", "sentence_id", "key", "term", "matched", "start", "end", "voice", "polarity"]
    found = annotations.loc[((kind == "actor") | (kind == "name")).to_numpy(), [*columns, "kind"]]
    found = plain_strings(found.reset_index(drop=True))
    actor = [key if k == "actor" else actor_of.get(key, "") for k, key in zip(found["kind"], found["key"], strict=True)]
    table = found.assign(actor=actor)
    table = table[(table["actor"] != "") & (table["actor"] != DROPPED)]
    table = table.sort_values(["article_id", "sentence_id", "start"], kind="stable")
    return table[MENTION_COLUMNS].astype(MENTION_DTYPES).reset_index(drop=True)


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
