"""After a lexicon edit, match again only the articles the edit can change.

A run keeps its sentences and hits with the identity of every lexicon entry it matched (MatchState,
stored in the stage cache). The next run compares entries: an article's hits can only differ if an
added, removed or edited entry is a candidate somewhere in it, because the matcher picks among the
candidates at each word and copies each winning entry's fields into its hit. So only the articles
where one of those entries occurs are scored again; every other article keeps its sentences and hits.
A change of negators changes every negation decision, and one of the reporting verbs (attribution.csv)
every voice, so either matches everything again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pipeline.reading.lexicons import Entry, Lexicon
from pipeline.support.dataframes import concat_column
from pipeline.text.match import Matcher, Words

# What about an entry ends up in a hit, or decides which entry wins: any change makes it another entry.
EntryIdentity = tuple


def entry_identity(entry: Entry) -> EntryIdentity:
    return (entry.source, entry.line, entry.term, entry.category, entry.weight, entry.parts)


@dataclass(frozen=True)
class MatchState:
    """What one run matched: the entries (by identity) and negators, and the sentences and hits they gave
    (tables, or on a large run PartitionedTables: support.stored)."""

    entries: frozenset[EntryIdentity]
    negators: frozenset[str]
    reporting: frozenset[EntryIdentity]
    sentences: pd.DataFrame
    hits: pd.DataFrame


def match_state(lexicon: Lexicon, sentences: pd.DataFrame, hits: pd.DataFrame) -> MatchState:
    entries, reporting = (frozenset(map(entry_identity, e)) for e in (lexicon.entries, lexicon.reporting))
    return MatchState(entries, lexicon.negators, reporting, sentences, hits)


def changed_entries(before: MatchState, lexicon: Lexicon) -> list[Entry] | None:
    """Entries added, removed or edited since `before` (as Entries to match), or None when everything changed."""
    if before.negators != lexicon.negators or before.reporting != frozenset(map(entry_identity, lexicon.reporting)):
        return None  # every negation, or every voice, may change
    now = {entry_identity(entry): entry for entry in lexicon.entries}
    added = [entry for identity, entry in now.items() if identity not in before.entries]
    removed = [_as_entry(identity) for identity in before.entries - now.keys()]
    by_parts = {entry.parts: entry for entry in [*removed, *added] if entry.parts}
    return [by_parts[parts] for parts in sorted(by_parts, key=repr)]


def _as_entry(identity: EntryIdentity) -> Entry:
    source, line, term, category, weight, parts = identity
    return Entry(term=term, category=category, weight=weight, note="", source=source, line=line, parts=parts)


def articles_to_rematch(articles: pd.DataFrame, changed: list[Entry]) -> set[str]:
    """The articles (by article_id) in whose clean text any of the changed entries can match.

    Each text is searched as a whole, ignoring sentence breaks: that can only find more articles
    than matching sentence by sentence would, never fewer.
    """
    # A match starts with the entry's first word, so a text that does not contain that word (both case
    # folded, which maps every lower-cased form alike) cannot match and is not cut into words at all.
    first_words = {entry.parts[0].text.casefold() for entry in changed if entry.parts}
    if not first_words:
        return set()
    matcher = Matcher(Lexicon(tuple(changed)))
    return {
        article_id
        for article_id, text in zip(articles["article_id"], articles["text"], strict=True)
        if _contains_any(text, first_words) and matcher.find_in_sentences(Words(text))[0]
    }


def _contains_any(text: str, words: set[str]) -> bool:
    folded = text.replace("’", "'").casefold()
    return any(word in folded for word in words)


def merge_rematched(
    before: MatchState,
    redone: set[str],
    sentences: pd.DataFrame,
    hits: pd.DataFrame,
    article_order: Iterable[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The previous sentences and hits with those of the `redone` articles replaced, in article order,
    exactly as one full run would have them."""
    position = {article_id: k for k, article_id in enumerate(article_order)}

    def merged(old: pd.DataFrame, new: pd.DataFrame, order: list[str]) -> pd.DataFrame:
        if not redone:  # the last run's table, already in article order, is this run's
            return old
        kept = ~old["article_id"].isin(redone).to_numpy()
        if not kept.any() and new.empty:
            return old.iloc[0:0].reset_index(drop=True)
        # The order is found from the key columns alone, and each column is then put in that order by
        # itself: copying the whole table (sentence texts included) two or three times over would be
        # most of a warm run's memory.
        keys = pd.concat([old.loc[kept, ["article_id", *order]], new[["article_id", *order]]], ignore_index=True)
        keys["_article"] = keys["article_id"].astype(str).map(position)  # a category's map would stay a category
        rows = keys.sort_values(["_article", *order], kind="stable").index.to_numpy()
        return pd.DataFrame({column: _merged_column(old[column][kept], new[column], rows) for column in old.columns})

    return merged(before.sentences, sentences, ["sentence_id"]), merged(before.hits, hits, ["sentence_id", "start"])


def _merged_column(old: pd.Series, new: pd.Series, rows) -> pd.Series:
    """The kept rows of a column and the new ones, in `rows` order; a category only the dropped rows used
    goes with them, as a fresh run would never have had it."""
    merged = concat_column([old, new]).take(rows).reset_index(drop=True)
    return merged.cat.remove_unused_categories() if isinstance(merged.dtype, pd.CategoricalDtype) else merged
