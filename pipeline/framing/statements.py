"""Who says what: every quote and reported statement with its speaker, resolved to an actor
(tables/statements.csv), and who each outlet quotes.

The rules that find statements and speakers are in pipeline.text.speech; here they are run per article
and each speaker is given an actor: the actors.csv actor whose alias is the speaker's whole name (or,
for a person, its last words: "al-Sudani" in "Muhammad Shiaa al-Sudani"), else the name itself, so
that a corpus about people no lexicon names still has its speakers. An anonymous source has no actor.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.reading.lexicons import FramingLexicons
from pipeline.schema import ATTRIBUTION_COLUMNS, SOURCE_COLUMNS, STATEMENT_COLUMNS, STATEMENT_DTYPES
from pipeline.support.dataframes import (
    ROWS_PER_BATCH,
    batches,
    counts_added,
    counts_listed,
    plain_strings,
    rows_counted,
)
from pipeline.text import speech
from pipeline.text.match import Match, Matcher
from pipeline.text.segment import quote_spans

UNNAMED = "(unnamed source)"
NOT_FOUND = "(speaker not found)"


def actor_of(source: speech.Source, actors: Matcher) -> str:
    """The actor a resolved speaker stands for, its actors.csv actor or its name: "" for an anonymous or
    unresolved one."""
    if source.source_type in (speech.ANONYMOUS, "") or not source.name:
        return ""
    return _actor_named(source.name, source.source_type, actors)


# The same speakers come back article after article: each is looked up once per process and lexicon.
@functools.lru_cache(maxsize=1 << 14)
def _actor_named(name: str, source_type: str, actors: Matcher) -> str:
    for match in actors.find(name):
        whole = match.start == 0 and match.end == len(name)
        surname = source_type == speech.PERSON and match.end == len(name) and name[match.start - 1] == " "
        if (whole or surname) and _written_as_alias(match, name):
            return match.entry.category
    return name


def _written_as_alias(match: Match, text: str) -> bool:
    """An alias written in capitals (US, PMF) only matches capitals, as in the annotations."""
    term = match.entry.term
    return not (term.isupper() and len(term) > 1) or text[match.start : match.end].isupper()


def statements_of(
    text: str,
    spans: list[tuple[int, int]],
    found: list[speech.Speech],
    actors: Matcher,
    names: speech.ArticleNames | None = None,
) -> list[tuple[speech.Speech, speech.Source, str]]:
    """(speech, its resolved source, its actors.csv actor or name) for each of an article's quotes and
    reported statements (`found`, text.speech.speeches); `names`, the article's names if already found."""
    sources = speech.resolve_sources(text, spans, found, names)
    return [(s, source, actor_of(source, actors)) for s, source in zip(found, sources, strict=True)]


def article_statements(
    text: str, spans: list[tuple[int, int]], verbs_found: list[list[Match]], actors: Matcher
) -> list[tuple[speech.Speech, speech.Source, str]]:
    """statements_of an article from the reporting verbs Matcher.find_in_sentences found in each sentence."""
    quotes = quote_spans(text)
    found = speech.speeches(text, spans, quotes, speech.reporting_verbs(verbs_found, spans, quotes))
    return statements_of(text, spans, found, actors)


def statement_table(
    annotations: pd.DataFrame, sentences: pd.DataFrame, framing: FramingLexicons, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per quote or reported statement of every article (STATEMENT_COLUMNS), in article and text order,
    from the annotations' statements (framing.annotations.annotate).

    `sentences` needs article_id, sentence_id, start, end and text; `names` maps names to the actors found
    in the corpus (framing.mentions.actor_names), so that a speaker is named as the actors table names them.
    """
    found = annotations.loc[(annotations["kind"] == "statement").to_numpy()]
    # In article and text order; sorted while the strings are categories (sorted ones: the same order).
    found = found.sort_values(["article_id", "start", "voice"], kind="stable")
    found = plain_strings(found.reset_index(drop=True))
    verb_class = {e.term: e.category for e in framing.attribution.entries}
    names = names or {}
    # Column by column: a tuple of Python strings per statement took gigabytes at 100,000 articles.
    columns = {
        "outlet": found["outlet"],
        "article_id": found["article_id"],
        "sentence_id": found["sentence_id"],
        "kind": found["voice"],
        "speaker": found["matched"],
        "actor": _mapped(found["key"], names),
        "source_type": found["referent"],
        "verb": found["term"],
        "verb_class": _mapped(found["term"], verb_class, ""),
        "text": _spoken_texts(found, sentences),
    }
    return pd.DataFrame(columns, columns=STATEMENT_COLUMNS).astype(STATEMENT_DTYPES)


def _mapped(values: pd.Series, mapping: dict[str, str], default: str | None = None) -> pd.Series:
    """mapping.get(value, default) for each value (the value itself without a default), looked up once
    per distinct value."""
    codes, distinct = pd.factorize(values)
    mapped = np.array([mapping.get(v, v if default is None else default) for v in distinct] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype="str")  # code -1 (missing) takes the None


def _spoken_texts(found: pd.DataFrame, sentences: pd.DataFrame, block: int = ROWS_PER_BATCH) -> pd.Series:
    """The words of each statement (its article's offsets `start` to `end`), from the sentences that hold
    them, on one line. Only those sentences' texts are taken, and the statements' words are made
    `block` statements at a time: as Python strings, every sentence's text and every statement's words
    took gigabytes at 100,000 articles."""
    if found.empty:
        return pd.Series([], index=found.index, dtype="str")
    codes, ids = pd.factorize(sentences["article_id"])
    starts, ends = sentences["start"].to_numpy(np.int64), sentences["end"].to_numpy(np.int64)
    # Sentences ordered by article, then by place: an article's sentences never overlap, so their
    # starts and ends are both in order, and each statement's sentences are one run of this order.
    order = np.lexsort((starts, codes))
    at_start = (codes[order].astype(np.int64) << 32) | starts[order]
    at_end = (codes[order].astype(np.int64) << 32) | ends[order]
    article = ids.get_indexer(found["article_id"]).astype(np.int64)
    start, end = found["start"].to_numpy(np.int64), found["end"].to_numpy(np.int64)
    first = np.searchsorted(at_end, (article << 32) | start, side="right")  # the first sentence ending after start
    last = np.searchsorted(at_start, (article << 32) | end, side="left")  # ... to the last starting before end
    last[article < 0] = first[article < 0]  # an article without sentences
    pieces = []
    for begin, stop in batches(len(found), block):
        pieces.append(
            pd.Series(
                _words_between(
                    sentences["text"],
                    order,
                    starts,
                    ends,
                    first[begin:stop],
                    last[begin:stop],
                    start[begin:stop],
                    end[begin:stop],
                ),
                dtype="str",
            )
        )
    return pd.concat(pieces, ignore_index=True).set_axis(found.index)


def _words_between(texts: pd.Series, order, starts, ends, first, last, start, end) -> list[str]:
    """For each statement, the words from `start` to `end` of the sentences order[first:last], on one line."""
    lengths = np.maximum(last - first, 0)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    needed = np.unique(order[np.repeat(first, lengths) + within])
    text_of = dict(zip(needed.tolist(), texts.take(needed).tolist(), strict=True))
    spoken = []
    for a, b, s, e in zip(first.tolist(), last.tolist(), start.tolist(), end.tolist(), strict=True):
        parts = []
        for row in order[a:b].tolist():
            text = text_of[row]
            row_start, row_end = int(starts[row]), int(ends[row])
            parts.append(text[max(s, row_start) - row_start : min(e, row_end) - row_start])
        spoken.append(" ".join(" ".join(parts).split()))
    return spoken


def attribution_table(statements: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per outlet, speaker and verb class: how statements are introduced (ATTRIBUTION_COLUMNS); a quote no
    verb introduces is left out. `by` names columns to group by first (e.g. event_id); they lead the result."""
    return attribution_table_of_parts([attribution_counts(statements, by)], by)


# What attribution_counts counts the statements a verb introduces by.
ATTRIBUTION_COUNTED = ["outlet", "speaker_label", "verb_class", "verb"]


def attribution_counts(statements: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The statements a verb introduces, counted (`n`) per outlet, speaker, verb class and verb (and
    the columns of `by` first): what attribution_table is made of. A statement is one article's, so
    the counts of partitions of articles add up."""
    # A verb that introduces both a quote and reported words is one statement. The words spoken are not
    # needed, and copying them with the rest took a quarter of a gigabyte at 100,000 articles.
    needed = [c for c in statements.columns if c != "text"]
    introduced = statements.loc[(statements["verb"] != "").to_numpy(), needed].drop_duplicates(
        [*by, "article_id", "sentence_id", "verb", "speaker"]
    )
    introduced = introduced.assign(speaker_label=_labels(introduced))
    return rows_counted(introduced, [*by, *ATTRIBUTION_COUNTED])


def attribution_table_of_parts(parts: Iterable[pd.DataFrame], by: tuple[str, ...] = ()) -> pd.DataFrame:
    """attribution_table of the attribution_counts of partitions of articles, each added in turn."""
    counts = counts_added(parts, [*by, *ATTRIBUTION_COUNTED])
    if counts is None or counts.empty:
        return pd.DataFrame(columns=[*by, *ATTRIBUTION_COLUMNS])
    keys = [*by, "outlet", "speaker_label", "verb_class"]
    table = counts_listed(counts, keys, "verb", weight="n").reset_index()
    table = table.rename(columns={"speaker_label": "speaker", "listed": "verbs"}).astype({"n": "int64"})
    return plain_strings(table[[*by, *ATTRIBUTION_COLUMNS]])


def sources_by_outlet(statements: pd.DataFrame) -> pd.DataFrame:
    """Who each outlet quotes (SOURCE_COLUMNS): per outlet and speaker (its actor, or the anonymous
    sources together), how many quotes and reported statements, and with which verbs."""
    return sources_of_parts([source_counts(statements)])


@dataclass(frozen=True)
class SourceCounts:
    """What the sources table is made of, of some articles (a partition of them, or all): the
    statements counted (`n`) per SOURCE_COUNTED, and those a verb introduces (each once) per outlet,
    source and verb."""

    statements: pd.DataFrame
    verbs: pd.DataFrame


SOURCE_COUNTED = ["outlet", "source", "source_type", "kind", "speaker"]
SOURCE_VERBS = ["outlet", "source", "verb"]


def source_counts(statements: pd.DataFrame) -> SourceCounts:
    """The counts of `statements` sources_by_outlet is made of; those of partitions of articles add up."""
    labelled = statements[[c for c in statements.columns if c != "text"]].assign(source=_labels(statements))
    # A verb that introduces both a quote and reported words is counted once, as attribution_table counts it.
    introduced = labelled[labelled["verb"] != ""].drop_duplicates(["article_id", "sentence_id", "verb", "speaker"])
    return SourceCounts(rows_counted(labelled, SOURCE_COUNTED), rows_counted(introduced, SOURCE_VERBS))


def sources_of_parts(parts: Iterable[SourceCounts]) -> pd.DataFrame:
    """sources_by_outlet of the source_counts of partitions of articles, each added in turn."""
    parts = list(parts)  # counts, a row per source and verb: small beside the statements
    counts = counts_added((part.statements for part in parts), SOURCE_COUNTED)
    if counts is None or counts.empty:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    verbs = counts_added((part.verbs for part in parts), SOURCE_VERBS)
    verbs_of = counts_listed(verbs, ["outlet", "source"], "verb", weight="n")["listed"]
    rows = []
    for (outlet, source), group in counts.groupby(["outlet", "source"], sort=True, observed=True):
        n = group["n"].to_numpy()
        rows.append(
            (
                outlet,
                source,
                _most_frequent_type(group),
                int(n[(group["kind"] == "quote").to_numpy()].sum()),
                int(n[(group["kind"] == "reported").to_numpy()].sum()),
                verbs_of.get((outlet, source), ""),
                "; ".join(sorted(set(group["speaker"]) - {""})),
            )
        )
    table = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    order = table.assign(n=table["n_quotes"] + table["n_reported"])
    order = order.sort_values(["outlet", "n", "source"], ascending=[True, False, True], kind="stable")
    return plain_strings(order.drop(columns="n").reset_index(drop=True))


def _most_frequent_type(counts: pd.DataFrame) -> str:
    """The source type most of a source's statements have ("" not counted), the first by name of a tie."""
    n_of_type = Counter()
    for source_type, n in zip(counts["source_type"], counts["n"], strict=True):
        if source_type != "":
            n_of_type[str(source_type)] += int(n)
    return max(sorted(n_of_type.items()), key=lambda item: item[1])[0] if n_of_type else ""


def _labels(statements: pd.DataFrame) -> list[str]:
    return [
        actor or (UNNAMED if kind == speech.ANONYMOUS else NOT_FOUND)
        for actor, kind in zip(statements["actor"], statements["source_type"], strict=True)
    ]
