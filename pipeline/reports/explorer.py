"""The term explorer: pick a lexicon entry, a category, an actor, a label or a frame and read its uses by
outlet and voice, with sentences.

What scattertext does for two categories of documents, for any number of outlets. The page is built
from the tables, once, with a bounded number of items and sentences per item (the largest first), so it
stays small however large the corpus; every item is plain HTML, and a short inline script only picks
which one to show and filters the sentences (the page reads whole with scripts off).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipeline.reports.layout import anchor, sentence_anchor
from pipeline.reports.texts import SentenceTexts
from pipeline.schema import Tables
from pipeline.support.stored import partitions

# Items per kind, those used most first (the rest are in the tables: hits.csv, actor_mentions.csv, ...).
MOST_ITEMS = {"entry": 400, "category": 50, "actor": 200, "label": 300, "frame": 50}
# Sentences shown per item, taken in turn from the outlets that use it most.
SENTENCES_PER_ITEM = 8
CANDIDATES_PER_VOICE = 4
VOICES = ["narrative", "quote", "reported", "negated"]
VOICE_NAMES = {"narrative": "own words", "quote": "quoted", "reported": "reported", "negated": "negated"}
KIND_NAMES = {
    "entry": "Lexicon entries",
    "category": "Lexicon categories",
    "actor": "Actors",
    "label": "Labels (words for the same thing)",
    "frame": "Frames",
}


# Where a use is and in which voice; and what labels and frames read of the annotations.
PLACE = ["outlet", "voice", "article_id", "sentence_id", "start", "end"]
LABEL_USES = ["kind", "key", "term", "referent", *PLACE]
HIT_USES = ["term", "category", "negated", *PLACE]
# A use: what is used (name, and its detail, e.g. an entry's category), by whom, in which voice, where.
USE_COLUMNS = ["name", "detail", "outlet", "voice", "article_id", "sentence_id", "start", "end"]
GROUP = ["name", "outlet", "voice"]
# Uses are made this many rows of a table at a time.
BLOCK_ROWS = 250_000


@dataclass
class Item:
    kind: str
    name: str
    detail: str
    id: str
    total: int
    counts: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)


def item_id(kind: str, name: str) -> str:
    """The explorer's anchor of an item, which other pages link to (explore.html#actor-Iran)."""
    return f"{kind}-{anchor(name)}"


def explorer_items(tables: Tables, texts: SentenceTexts | None = None) -> dict[str, list[Item]]:
    """The explorer's items by kind (KIND_NAMES), each with its uses per outlet and voice and its sentences
    (their texts from `texts`, or from tables.sentences)."""
    shown = explorer_choices(tables)
    texts = SentenceTexts(tables.sentences) if texts is None else texts
    texts.fetch(shown_places(shown))
    return with_sentences(shown, texts)


def explorer_choices(tables: Tables) -> dict[str, list[tuple[Item, list]]]:
    """The explorer's items by kind, each with the uses whose sentences it shows (no text read yet)."""
    # Each kind's uses are made from its table a block of rows at a time, and only what the items need of
    # them is kept (_Uses): the uses of a corpus's millions of hits and annotations, as strings, are never
    # held at once. A large run's tables are read from disk a partition at a time (support.stored).
    kinds = {
        "entry": (tables.hits, HIT_USES, lambda hits: _hit_uses(hits, "term", "category")),
        "category": (tables.hits, HIT_USES, lambda hits: _hit_uses(hits, "category", None)),
        "actor": (tables.actor_mentions, ["actor", *PLACE], lambda mentions: _annotation_uses(mentions, "actor", None)),
        "label": (tables.annotations, LABEL_USES, _label_uses),
        "frame": (tables.annotations, LABEL_USES, lambda a: _annotation_uses(_annotations_of(a, "frame"), "key", None)),
    }
    return {
        kind: _items(kind, _uses_of(uses_of_block(block) for block in _blocks(table, columns)))
        for kind, (table, columns, uses_of_block) in kinds.items()
    }


def shown_places(shown: dict[str, list[tuple[Item, list]]]) -> Iterator[tuple[str, int]]:
    """The places of the sentences the chosen items show: the texts to fetch."""
    return (_place(use) for items in shown.values() for _, chosen in items for use in chosen)


def with_sentences(shown: dict[str, list[tuple[Item, list]]], texts: SentenceTexts) -> dict[str, list[Item]]:
    """The chosen items with their sentences, the texts fetched."""
    for items in shown.values():
        for item, chosen in items:
            item.sentences = [_sentence(use, text) for use in chosen if (text := texts.get(_place(use))) is not None]
    return {kind: [item for item, _ in items] for kind, items in shown.items()}


def _blocks(table: Any, columns: list[str]) -> Iterator[pd.DataFrame]:
    """The `columns` of a table, held or kept on disk, a partition and at most BLOCK_ROWS rows at a time."""
    for part in partitions(table, columns):
        for start in range(0, len(part), BLOCK_ROWS):
            yield part.iloc[start : start + BLOCK_ROWS]


def _hit_uses(hits: pd.DataFrame, name: str, detail: str | None) -> pd.DataFrame:
    """Lexicon hits as uses; a negated hit's voice is "negated"."""
    voice = hits["voice"].astype(str).where(~hits["negated"].astype(bool), "negated")
    return _annotation_uses(hits.assign(voice=voice), name, detail)


def _annotations_of(annotations: pd.DataFrame, kind: str) -> pd.DataFrame:
    return annotations[(annotations["kind"] == kind).to_numpy()] if len(annotations) else annotations


def _annotation_uses(rows: pd.DataFrame, name: str, detail: str | None) -> pd.DataFrame:
    """Rows of hits, annotations or mentions as uses: name, detail, outlet, voice, and the place and span."""
    if rows.empty:
        return pd.DataFrame(columns=USE_COLUMNS)
    return pd.DataFrame(
        {
            "name": rows[name].astype(str),
            "detail": rows[detail].astype(str) if detail else "",
            "outlet": rows["outlet"].astype(str),
            "voice": rows["voice"].astype(str),
            "article_id": rows["article_id"].astype(str),
            "sentence_id": rows["sentence_id"].astype("int64"),
            "start": rows["start"].astype("int64"),
            "end": rows["end"].astype("int64"),
        }
    )


def _label_uses(annotations: pd.DataFrame) -> pd.DataFrame:
    """A label's uses that name its concept (a use whose noun phrase names someone else is left out, as in
    labels.csv), named "concept: label"."""
    labels = _annotations_of(annotations, "label")
    if labels.empty:
        return _annotation_uses(labels, "key", None)
    labels = labels[labels["referent"].astype(str) == ""]
    named = labels.assign(name=labels["key"].astype(str) + ": " + labels["term"].astype(str))
    return _annotation_uses(named, "name", None)


@dataclass
class _Uses:
    """What the items need of a kind's uses: their number per name, outlet and voice (`n`), each name's
    detail (that of its first use), and per name, outlet and voice the first CANDIDATES_PER_VOICE uses
    in article order (the sentences are taken from those)."""

    counts: pd.DataFrame
    details: pd.DataFrame
    candidates: pd.DataFrame | None


def _uses_of(blocks: Iterable[pd.DataFrame]) -> _Uses:
    """The _Uses of blocks of a kind's uses, in table order: each block's summed into those before it."""
    summed = None
    for uses in blocks:
        if uses.empty:
            continue
        block = _Uses(
            uses.groupby(GROUP, sort=False).size().rename("n").reset_index(),
            uses[["name", "detail"]].drop_duplicates("name"),
            uses.take(_first_in_order(uses, CANDIDATES_PER_VOICE)),
        )
        summed = block if summed is None else _summed(summed, block)
    return summed or _Uses(pd.DataFrame(columns=[*GROUP, "n"]), pd.DataFrame(columns=["name", "detail"]), None)


def _summed(before: _Uses, block: _Uses) -> _Uses:
    """The uses of the blocks before and of the next: counts added, the first detail, and the first
    candidates of the first candidates of each (the same as of all their uses)."""
    candidates = pd.concat([before.candidates, block.candidates], ignore_index=True)
    return _Uses(
        pd.concat([before.counts, block.counts]).groupby(GROUP, sort=False)["n"].sum().reset_index(),
        pd.concat([before.details, block.details]).drop_duplicates("name"),
        candidates.take(_first_in_order(candidates, CANDIDATES_PER_VOICE)),
    )


def _items(kind: str, uses: _Uses) -> list[tuple[Item, list]]:
    """The kind's items used most, each with its counts by outlet and voice, and the uses whose sentences
    it shows (taken from a few candidates, so that a corpus's uses are never visited item by item)."""
    if uses.counts.empty:
        return []
    totals = uses.counts.groupby("name", sort=True)["n"].sum().sort_values(ascending=False, kind="stable")
    kept = set(totals.index[: MOST_ITEMS[kind]])
    details = uses.details.set_index("name")["detail"].to_dict()
    counts = uses.counts[uses.counts["name"].isin(kept)].groupby(GROUP, sort=True)["n"].sum()
    counts = counts.unstack("voice", fill_value=0).reindex(columns=VOICES, fill_value=0)
    counts = counts.assign(total=counts.sum(axis=1)).reset_index()
    counts = counts.sort_values(["name", "total", "outlet"], ascending=[True, False, True], kind="stable")
    # Per item, outlet and voice, its first uses in article order: the turns take one from each in turn,
    # so a few are enough (and leave some to skip a sentence already taken).
    candidates = uses.candidates[uses.candidates["name"].isin(kept)]
    queues: dict[str, dict[tuple[str, str], list]] = {}
    for use in candidates.itertuples(index=False):
        queues.setdefault(use.name, {}).setdefault((use.outlet, use.voice), []).append(use)
    items = []
    for name, rows in counts.groupby("name", sort=True):
        table = [
            {"outlet": r.outlet, **{v: int(getattr(r, v)) for v in VOICES}, "total": int(r.total)}
            for r in rows.itertuples(index=False)
        ]
        item = Item(
            kind=kind,
            name=str(name),
            detail=str(details.get(name, "")),
            id=item_id(kind, str(name)),
            total=int(totals[name]),
            counts=table,
        )
        items.append((item, _uses_in_turn(queues.get(name, {}), [r["outlet"] for r in table])))
    items.sort(key=lambda shown: (-shown[0].total, shown[0].name))
    return items


def _first_in_order(uses: pd.DataFrame, most: int) -> np.ndarray:
    """The rows of `uses` sorted (stably) by name, outlet, voice, article_id, sentence_id and start, and of
    those the first `most` of each name, outlet and voice: as sort_values and groupby().head() give them,
    from integer codes, without a sorted copy of the uses' strings."""
    codes = [
        pd.factorize(uses[c], sort=True, use_na_sentinel=False)[0] for c in ("name", "outlet", "voice", "article_id")
    ]
    numbers = [uses[c].to_numpy() for c in ("sentence_id", "start")]
    order = np.lexsort([*numbers[::-1], *codes[::-1]])
    group = np.stack([code[order] for code in codes[:3]])
    starts = np.flatnonzero(np.concatenate([[True], (group[:, 1:] != group[:, :-1]).any(axis=0)]))
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
    return order[rank < most]


def _uses_in_turn(queues: dict[tuple[str, str], list], outlets: list[str]) -> list:
    """Up to SENTENCES_PER_ITEM uses, taken in turn from each outlet (most uses first) and each of its
    voices, so that a filter by voice has sentences to show; each sentence once. `queues` holds each
    (outlet, voice)'s uses in article order."""
    queues = {key: list(queue) for key, queue in queues.items()}
    order = [(outlet, voice) for outlet in outlets for voice in VOICES if (outlet, voice) in queues]
    chosen, seen = [], set()
    while len(chosen) < SENTENCES_PER_ITEM and any(queues.values()):
        for key in order:
            queue = queues[key]
            while queue:
                use = queue.pop(0)
                if _place(use) not in seen:
                    seen.add(_place(use))
                    chosen.append(use)
                    break
            if len(chosen) >= SENTENCES_PER_ITEM:
                break
    return chosen


def _place(use) -> tuple[str, int]:
    return (use.article_id, int(use.sentence_id))


def _sentence(use, text: str) -> dict:
    """A use's sentence as the page shows it: the words used, and the text before and after them."""
    return {
        "outlet": use.outlet,
        "voice": use.voice,
        "article_id": use.article_id,
        "sentence_id": int(use.sentence_id),
        "anchor": sentence_anchor(use.article_id, use.sentence_id),
        "before": text[: use.start],
        "match": text[use.start : use.end],
        "after": text[use.end :],
    }
