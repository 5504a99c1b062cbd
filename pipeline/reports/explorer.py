"""The term explorer: pick a lexicon entry, a category, an actor, a label or a frame and read its uses by
outlet and voice, with sentences.

What scattertext does for two categories of documents, for any number of outlets. The page is built
from the tables, once, with a bounded number of items and sentences per item (the largest first), so it
stays small however large the corpus; every item is plain HTML, and a short inline script only picks
which one to show and filters the sentences (the page reads whole with scripts off).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.reports.layout import anchor, sentence_anchor
from pipeline.schema import Tables
from pipeline.support.stored import loaded

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


def explorer_items(tables: Tables) -> dict[str, list[Item]]:
    """The explorer's items by kind (KIND_NAMES), each with its uses per outlet and voice and its sentences."""
    # Each kind's uses are made when its items are, and go after: all at once, they would hold every
    # hit and annotation as strings several times over.
    # A large run's mentions and annotations are loaded from disk for their kinds only, so that each is
    # held only while its items are made (support.stored).
    uses = {
        "entry": lambda: _hit_uses(tables.hits, "term", "category", MOST_ITEMS["entry"]),
        "category": lambda: _hit_uses(tables.hits, "category", None, MOST_ITEMS["category"]),
        "actor": lambda: _annotation_uses(
            _most_used(loaded(tables.actor_mentions, ["actor", *PLACE]), "actor", MOST_ITEMS["actor"]), "actor", None
        ),
        "label": lambda: _label_uses(loaded(tables.annotations, LABEL_USES), MOST_ITEMS["label"]),
        "frame": lambda: _annotation_uses(
            _most_used(_annotations_of(loaded(tables.annotations, LABEL_USES), "frame"), "key", MOST_ITEMS["frame"]),
            "key",
            None,
        ),
    }
    texts = _SentenceTexts(tables.sentences)
    return {kind: _items(kind, uses_of_kind(), texts) for kind, uses_of_kind in uses.items()}


def _hit_uses(hits: pd.DataFrame, name: str, detail: str | None, most: int) -> pd.DataFrame:
    """The lexicon hits of the `most` names used most as uses; a negated hit's voice is "negated"."""
    hits = _most_used(hits, name, most)
    voice = hits["voice"].astype(str).where(~hits["negated"].astype(bool), "negated")
    return _annotation_uses(hits.assign(voice=voice), name, detail)


def _most_used(rows: pd.DataFrame, name: str, most: int) -> pd.DataFrame:
    """The rows of the `most` names with the most rows (ties by name), the only ones the explorer shows:
    the uses of the others would be made as strings only to be left out."""
    if rows.empty:
        return rows
    names = rows[name].astype(str)
    totals = names.groupby(names, sort=True).size().sort_values(ascending=False, kind="stable")
    return rows[names.isin(set(totals.index[:most])).to_numpy()]


def _annotations_of(annotations: pd.DataFrame, kind: str) -> pd.DataFrame:
    return annotations[(annotations["kind"] == kind).to_numpy()] if len(annotations) else annotations


def _annotation_uses(rows: pd.DataFrame, name: str, detail: str | None) -> pd.DataFrame:
    """Rows of hits, annotations or mentions as uses: name, detail, outlet, voice, and the place and span."""
    if rows.empty:
        return pd.DataFrame(columns=["name", "detail", "outlet", "voice", "article_id", "sentence_id", "start", "end"])
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


def _label_uses(annotations: pd.DataFrame, most: int) -> pd.DataFrame:
    """A label's uses that name its concept (a use whose noun phrase names someone else is left out, as in
    labels.csv), named "concept: label"."""
    labels = _annotations_of(annotations, "label")
    if labels.empty:
        return _annotation_uses(labels, "key", None)
    labels = labels[labels["referent"].astype(str) == ""]
    named = labels.assign(name=labels["key"].astype(str) + ": " + labels["term"].astype(str))
    return _annotation_uses(_most_used(named, "name", most), "name", None)


def _items(kind: str, uses: pd.DataFrame, texts: _SentenceTexts) -> list[Item]:
    """The kind's items used most, each with its counts by outlet and voice and its sample sentences.

    Counts and candidate sentences are taken from `uses` in a few grouped operations; the per-item work
    is over those small results (a corpus's hundreds of thousands of uses are never visited item by item)."""
    if uses.empty:
        return []
    totals = uses.groupby("name", sort=True).size().sort_values(ascending=False, kind="stable")
    kept = set(totals.index[: MOST_ITEMS[kind]])
    uses = uses[uses["name"].isin(kept)]
    details = uses.groupby("name", sort=True)["detail"].first().to_dict()
    counts = uses.groupby(["name", "outlet", "voice"], sort=True).size().unstack("voice", fill_value=0)
    counts = counts.reindex(columns=VOICES, fill_value=0)
    counts = counts.assign(total=counts.sum(axis=1)).reset_index()
    counts = counts.sort_values(["name", "total", "outlet"], ascending=[True, False, True], kind="stable")
    # Per item, outlet and voice, its first uses in article order: the turns take one from each in turn,
    # so a few are enough (and leave some to skip a sentence already taken).
    candidates = uses.take(_first_in_order(uses, CANDIDATES_PER_VOICE))
    queues: dict[str, dict[tuple[str, str], list]] = {}
    for use in candidates.itertuples(index=False):
        queues.setdefault(use.name, {}).setdefault((use.outlet, use.voice), []).append(use)
    items = []
    for name, rows in counts.groupby("name", sort=True):
        table = [
            {"outlet": r.outlet, **{v: int(getattr(r, v)) for v in VOICES}, "total": int(r.total)}
            for r in rows.itertuples(index=False)
        ]
        items.append(
            Item(
                kind=kind,
                name=str(name),
                detail=str(details.get(name, "")),
                id=item_id(kind, str(name)),
                total=int(totals[name]),
                counts=table,
                sentences=_sentences_in_turn(queues.get(name, {}), [r["outlet"] for r in table], texts),
            )
        )
    items.sort(key=lambda item: (-item.total, item.name))
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


def _sentences_in_turn(queues: dict[tuple[str, str], list], outlets: list[str], texts: _SentenceTexts) -> list[dict]:
    """Up to SENTENCES_PER_ITEM sentences, taken in turn from each outlet (most uses first) and each of its
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
                place = (use.article_id, int(use.sentence_id))
                if place not in seen:
                    seen.add(place)
                    chosen.append(use)
                    break
            if len(chosen) >= SENTENCES_PER_ITEM:
                break
    found = texts.get([(u.article_id, int(u.sentence_id)) for u in chosen])
    return [
        {
            "outlet": use.outlet,
            "voice": use.voice,
            "article_id": use.article_id,
            "sentence_id": int(use.sentence_id),
            "anchor": sentence_anchor(use.article_id, use.sentence_id),
            "before": text[: use.start],
            "match": text[use.start : use.end],
            "after": text[use.end :],
        }
        for use, text in zip(chosen, found, strict=True)
        if text is not None
    ]


class _SentenceTexts:
    """The texts of the few sentences shown, looked up by (article_id, sentence_id) without copying the table."""

    def __init__(self, sentences: pd.DataFrame):
        self._places = pd.MultiIndex.from_arrays(
            [sentences["article_id"].astype(str), sentences["sentence_id"].astype("int64")]
        )
        self._texts = sentences["text"]

    def get(self, places: list[tuple[str, int]]) -> list[str | None]:
        if not places:
            return []
        rows = self._places.get_indexer(places)
        return [str(self._texts.iloc[row]) if row >= 0 else None for row in rows]
