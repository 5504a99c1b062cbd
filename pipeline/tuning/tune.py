"""The lexicon tuning loop: keyword in context, per-entry statistics, term suggestions, and what changed."""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from pipeline.errors import MediaBiasError
from pipeline.measuring import score
from pipeline.measuring.statistics import log_odds_against_rest, total_counts
from pipeline.reading.lexicons import IGNORE_CATEGORY, TOKEN, Entry, FramingLexicons, Lexicon, TermPart, term_parts
from pipeline.schema import LEXICON_STATS_COLUMNS, QUOTE, REPORTED, SUGGESTION_COLUMNS, counted
from pipeline.support.memory import return_freed_memory
from pipeline.text.candidates import candidate_counts, name_like_words
from pipeline.text.match import BREAK, Matcher, is_negated
from pipeline.text.segment import split_sentences

# One row per occurrence of the searched term.
#   outlet, article_id, sentence_id  where it is (sentence_id as in sentences.csv)
#   position     int   character offset of the match in the article's clean text
#   left, right  str   up to `window` words before and after, within the paragraph (across sentences)
#   match        str   the matched words as written
#   entry        str   the lexicon entry that fires at this place ("" when none does: the term is
#                      not in the lexicons, or a longer entry of the lexicon covers other words)
#   category     str   that entry's category
#   voice        str   "narrative", "quote" or "reported"
#   negated      bool  a negator precedes it in the same clause
KWIC_COLUMNS = [
    "outlet",
    "article_id",
    "sentence_id",
    "position",
    "left",
    "match",
    "right",
    "entry",
    "category",
    "voice",
    "negated",
]


# One row per suggested term and outlet.
#   outlet     str    the outlet the term is typical of
#   term       str    a word or two-word phrase no lexicon entry covers
#   n_outlet   int    uses in that outlet
#   n_rest     int    uses in all other outlets
#   log_odds   float  log-odds ratio, informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)
#   z          float  its z-score; the list is sorted by it
#   example_1, example_2  str  contexts from the outlet
# Bumped when the snapshot's layout changes; an older snapshot is not compared with.
SNAPSHOT_VERSION = 3


def outlet_named(name: str, outlets) -> str:
    """The outlet a user means by `name`: the same name in any case, with any dashes and spacing
    ("sputnik", "rt-republished"); an unknown name is a MediaBiasError that lists the outlets."""
    known = sorted(set(outlets))

    def folded(text: str) -> str:
        return " ".join(re.split(r"[\s_\-–—]+", text.casefold())).strip()

    matches = [outlet for outlet in known if folded(outlet) == folded(name)]
    if not matches:
        matches = [outlet for outlet in known if folded(outlet).startswith(folded(name))]
    if len(matches) == 1:
        return matches[0]
    listed = "; ".join(known) or "none"
    what = "matches several outlets" if matches else "is no outlet of the corpus"
    raise MediaBiasError(f"--outlet {name!r} {what}; the outlets are: {listed}")


def keyword_in_context(
    articles: pd.DataFrame, lexicon: Lexicon, term: str, window: int = 8, outlet: str | None = None
) -> pd.DataFrame:
    """Every place `term` (lexicon syntax: words, `*` prefixes) occurs, with context and the entry that fires.

    `articles` needs article_id, outlet and the clean `text`.
    """
    parts = term_parts(term)
    if not parts:
        return pd.DataFrame(columns=KWIC_COLUMNS)
    searched = Matcher(Lexicon((Entry(term, "searched", 1.0, "", "", 0, parts),)))
    full = Matcher(lexicon)
    rows = []
    selected = articles if outlet is None else articles[articles["outlet"] == outlet_named(outlet, articles["outlet"])]
    for article in selected.itertuples(index=False):
        text = article.text
        fired = full.find(text)
        quoted, reported = score.voice_spans(text, lexicon)
        sentence_starts = [start for start, _ in split_sentences(text)]
        for match in searched.find(text):
            entry = next((m.entry for m in fired if m.start < match.end and match.start < m.end), None)
            rows.append(
                (
                    article.outlet,
                    article.article_id,
                    bisect.bisect_right(sentence_starts, match.start),
                    match.start,
                    _words_before(text, match.start, window),
                    text[match.start : match.end],
                    _words_after(text, match.end, window),
                    entry.term if entry else "",
                    entry.category if entry else "",
                    score.voice_at(match.start, quoted, reported),
                    is_negated(text, match.start, lexicon.negators),
                )
            )
    table = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return table.sort_values(["outlet", "article_id", "position"], kind="stable").reset_index(drop=True)


def _words_before(text: str, position: int, window: int) -> str:
    """Up to `window` words before `position`, within its paragraph (a line)."""
    paragraph = text.rfind("\n", 0, position) + 1
    starts = [m.start() for m in TOKEN.finditer(text, paragraph, position)]
    start = starts[-window] if len(starts) >= window else paragraph
    return " ".join(text[start:position].split())


def _words_after(text: str, position: int, window: int) -> str:
    """Up to `window` words after `position`, within its paragraph (a line)."""
    paragraph_end = text.find("\n", position)
    ends = [m.end() for m in TOKEN.finditer(text, position, len(text) if paragraph_end < 0 else paragraph_end)]
    ends = ends[:window]
    return " ".join(text[position : ends[-1]].split()) if ends else ""


def lexicon_stats(lexicon: Lexicon, hits: pd.DataFrame) -> pd.DataFrame:
    """Per lexicon entry: hits by voice and by outlet; entries that never fire have n_hits 0."""
    entry_of_hit = [hits["lexicon"], hits["lexicon_line"]]
    negated = hits["negated"].astype(bool)
    # Counted for all entries at once, then looked up entry by entry.
    flags = pd.DataFrame(
        {
            "n_hits": 1,
            "narrative": counted(hits),
            "quote": ~negated & (hits["voice"] == QUOTE),
            "reported": ~negated & (hits["voice"] == REPORTED),
            "negated": negated,
        }
    )
    totals = {key: tuple(map(int, row)) for key, row in zip(*_grouped_sums(flags, entry_of_hit), strict=True)}
    outlets_of: dict[tuple, list[tuple[str, int]]] = {}
    for (source, line, outlet), n in hits.groupby([*entry_of_hit, hits["outlet"]], sort=False).size().items():
        outlets_of.setdefault((source, line), []).append((outlet, int(n)))
    rows = []
    for entry in lexicon.entries:
        if entry.category == IGNORE_CATEGORY:
            continue
        n_hits, narrative, quoted, reported, n_negated = totals.get((entry.source, entry.line), (0, 0, 0, 0, 0))
        ordered = sorted(outlets_of.get((entry.source, entry.line), []), key=lambda item: (-item[1], item[0]))
        rows.append(
            (
                entry.source,
                entry.line,
                entry.term,
                entry.category,
                entry.weight,
                n_hits,
                narrative,
                quoted,
                reported,
                n_negated,
                len(ordered),
                "; ".join(f"{name} {n}" for name, n in ordered),
            )
        )
    return pd.DataFrame(rows, columns=LEXICON_STATS_COLUMNS)


def _grouped_sums(flags: pd.DataFrame, by: list[pd.Series]) -> tuple[list, list]:
    """(group keys, rows of column sums) of `flags` grouped by the `by` columns."""
    sums = flags.groupby(by, sort=False).sum()
    return list(sums.index), sums.to_numpy().tolist()


def suggest_terms(
    sentences: pd.DataFrame,
    hits: pd.DataFrame,
    lexicon: Lexicon,
    outlet: str | None = None,
    min_count: int = 2,
    top: int = 20,
    names: frozenset[str] | None = None,
) -> pd.DataFrame:
    """Terms no lexicon entry covers, ranked per outlet by how distinctive they are (SUGGESTION_COLUMNS).

    Words already matched by an entry are taken out of the text first, so suggestions are new
    wording; so are names (words mostly capitalized mid-sentence: Pompeo, Baghdad). Each outlet is
    compared with all the others; the prior is the whole corpus's counts.
    """
    names = name_like_words(sentences["text"]) if names is None else names
    return suggestions_from(sentences, hits, covered_terms(lexicon), names, outlet, min_count, top)


def covered_terms(lexicon: Lexicon) -> tuple[str, ...]:
    """Every term the lexicons match, as its words (a prefix with *): what decides whether a suggestion is
    new, so that an edit of a weight or a category leaves the suggestions as they were."""
    return tuple(
        sorted({" ".join(p.text + "*" * p.prefix for p in entry.parts) for entry in lexicon.entries if entry.parts})
    )


def reporting_verbs(lexicon: Lexicon) -> tuple[str, ...]:
    """The verbs of attribution.csv as words (a prefix with *): a suggestion that is one of them is already
    read as a reporting verb, not a loaded word."""
    return tuple(
        sorted({" ".join(p.text + "*" * p.prefix for p in entry.parts) for entry in lexicon.reporting if entry.parts})
    )


# How a suggestion sounds, in the order `suggest` ranks them: words of opinion first, then the rest, then the
# event's own vocabulary (most outlets use it), then verbs attribution.csv already reads.
SUGGESTION_KINDS = ("evaluative", "other", "topic", "reporting verb")
# A word is evaluative when TextBlob's pattern lexicon gives it at least this subjectivity or |polarity|.
EVALUATIVE_SUBJECTIVITY = 0.5
EVALUATIVE_POLARITY = 0.3


def suggestion_kind(term: str, n_outlets_using: int, n_outlets: int, reporting: Matcher) -> str:
    """evaluative, other, topic or reporting verb (SUGGESTION_KINDS) for a suggested term."""
    from pipeline.text.sentiment import _lexicon

    words, _, _ = _lexicon()
    if reporting.find(term):
        return "reporting verb"
    for word in term.split(" "):
        polarity, subjectivity, _ = words.get(word, (0.0, 0.0, 1.0))
        if subjectivity >= EVALUATIVE_SUBJECTIVITY or abs(polarity) >= EVALUATIVE_POLARITY:
            return "evaluative"
    if n_outlets > 2 and 2 * n_outlets_using >= n_outlets:
        return "topic"
    return "other"


def _matcher_of(covered: tuple[str, ...]) -> Matcher:
    """A matcher of the covered terms: it finds a term wherever the lexicons' matcher finds one."""
    entries = tuple(
        Entry(term, "covered", 1.0, "", "", 0, tuple(TermPart(w.rstrip("*"), w.endswith("*")) for w in term.split(" ")))
        for term in covered
    )
    return Matcher(Lexicon(entries))


def suggestions_from(
    sentences: pd.DataFrame,
    hits: pd.DataFrame,
    covered: tuple[str, ...],
    names: frozenset[str],
    outlet: str | None = None,
    min_count: int = 2,
    top: int = 20,
    reporting: tuple[str, ...] = (),
) -> pd.DataFrame:
    """suggest_terms from the terms the lexicons cover (covered_terms) and the names (name_like_words).

    Per outlet, the `top` terms ranked by kind (SUGGESTION_KINDS: words of opinion first, the event's own
    vocabulary and the verbs of attribution.csv, `reporting`, last), then by z-score, each with the
    first two sentences of the outlet that use it.

    Reads the sentences' outlet, article_id, sentence_id and text and the hits' outlet, article_id,
    sentence_id, start and end.
    """
    counts = uncovered_counts(sentences, hits, names)
    terms = suggested_terms_of_parts([counts], covered, reporting, outlet, min_count, top)
    return suggestions_of_parts([suggestion_examples(sentences, terms)], terms)


def uncovered_counts(sentences: pd.DataFrame, hits: pd.DataFrame, names: frozenset[str]) -> dict[str, Counter]:
    """Per outlet, how often its sentences use each candidate term outside the lexicons' hits (names
    left out): what suggested_terms_of_parts ranks. The counts of partitions of articles add up."""
    # One outlet's sentences at a time: the whole corpus's texts as Python strings, with and without
    # their hits, took about 1 GB at 100,000 articles.
    sentence_rows = sentences.groupby("outlet", sort=True).indices
    hit_rows = hits.groupby("outlet", sort=False).indices if "outlet" in hits.columns else None
    counts: dict[str, Counter] = {}
    needed = sentences[["outlet", "article_id", "sentence_id", "text"]]
    for name, positions in sentence_rows.items():
        outlet_hits = hits if hit_rows is None else hits.take(hit_rows.get(name, []))
        uncovered = _text_without_hits(needed.take(positions), outlet_hits)
        counts[name] = candidate_counts(uncovered["text"], names)
        del uncovered
        return_freed_memory()
    return counts


# suggested_terms_of_parts' table: a suggestion without its examples.
SUGGESTED_COLUMNS = SUGGESTION_COLUMNS[:-2]


def suggested_terms_of_parts(
    parts: Iterable[dict[str, Counter]],
    covered_terms: tuple[str, ...],
    reporting_verbs: tuple[str, ...] = (),
    outlet: str | None = None,
    min_count: int = 2,
    top: int = 20,
) -> pd.DataFrame:
    """The suggestions (SUGGESTED_COLUMNS, see suggestions_from) of the uncovered_counts of partitions
    of articles, added up; `covered_terms` and `reporting_verbs` as covered_terms and reporting_verbs
    give them."""
    counts: dict[str, Counter] = {}
    for part in parts:
        for name, outlet_counts in part.items():
            counts.setdefault(name, Counter()).update(outlet_counts)
    matcher = _matcher_of(covered_terms)
    total = total_counts(counts.values())
    verbs = _matcher_of(reporting_verbs)
    outlets_using: Counter = Counter()
    for outlet_counts in counts.values():
        outlets_using.update(outlet_counts.keys())
    rows = []
    for name in sorted(counts):
        if outlet is not None and name != outlet:
            continue
        scored = log_odds_against_rest(counts[name], total)
        scored = scored[(scored["group"] >= min_count) & (scored["z"] > 0)]
        uncovered_terms = pd.Series([not matcher.find(term) for term in scored.index], index=scored.index, dtype=bool)
        scored = scored[uncovered_terms]
        kinds = [suggestion_kind(t, outlets_using[t], len(counts), verbs) for t in scored.index]
        scored = scored.assign(kind=kinds, rank=[SUGGESTION_KINDS.index(k) for k in kinds])
        scored = scored.sort_values(["rank", "z", "group"], ascending=[True, False, False], kind="stable").head(top)
        for term, row in scored.iterrows():
            rows.append((name, term, row["kind"], int(row["group"]), int(row["rest"]), row["log_odds"], row["z"]))
    return pd.DataFrame(rows, columns=SUGGESTED_COLUMNS)


def suggestion_examples(sentences: pd.DataFrame, suggested_terms: pd.DataFrame, n: int = 2) -> dict[tuple, list[str]]:
    """Per suggested (outlet, term), the first `n` of the outlet's sentences that use it, in context,
    of these sentences: what suggestions_of_parts takes the first `n` of, partition by partition."""
    sentence_rows = sentences.groupby("outlet", sort=True).indices
    examples: dict[tuple, list[str]] = {}
    for name, term in zip(suggested_terms["outlet"], suggested_terms["term"], strict=True):
        rows = sentence_rows.get(name)
        outlet_sentences = sentences["text"].take(rows) if rows is not None else []
        examples[(name, term)] = _examples(outlet_sentences, term, n)
    return examples


def suggestions_of_parts(
    parts: Iterable[dict[tuple, list[str]]], suggested_terms: pd.DataFrame, n: int = 2
) -> pd.DataFrame:
    """The suggestions table (SUGGESTION_COLUMNS): each suggested term with the first `n` examples of
    the suggestion_examples of partitions of articles, in article order."""
    found: dict[tuple, list[str]] = {}
    for part in parts:
        for key, examples in part.items():
            found.setdefault(key, []).extend(examples)
    keys = zip(suggested_terms["outlet"], suggested_terms["term"], strict=True)
    examples = [found.get(key, [])[:n] for key in keys]
    columns = {
        f"example_{k + 1}": pd.Series([e[k] if k < len(e) else "" for e in examples], suggested_terms.index, object)
        for k in range(n)
    }
    return suggested_terms.assign(**columns)[SUGGESTION_COLUMNS].reset_index(drop=True)


def _text_without_hits(sentences: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    texts = sentences["text"].tolist()
    if len(hits):
        # Only the sentences with hits change: find their rows at once instead of visiting every sentence.
        places = pd.MultiIndex.from_arrays([sentences["article_id"], sentences["sentence_id"]])
        rows = places.get_indexer(pd.MultiIndex.from_arrays([hits["article_id"], hits["sentence_id"]]))
        spans_by_row: dict[int, list[tuple[int, int]]] = {}
        for k, start, end in zip(rows.tolist(), hits["start"].tolist(), hits["end"].tolist(), strict=True):
            if k >= 0:
                spans_by_row.setdefault(k, []).append((start, end))
        for k, spans in spans_by_row.items():
            texts[k] = _without_spans(texts[k], sorted(spans))
    return pd.DataFrame({"outlet": sentences["outlet"], "text": texts, "original": sentences["text"]})


def _without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) in `spans` (sorted) replaced by a BREAK, so no phrase runs across a hit.

    One join of the pieces between hits: a sentence rebuilt once per hit costs its length times its hits."""
    if any(end > start for (_, end), (start, _) in itertools.pairwise(spans)):
        # Overlapping spans: from the last backwards, so earlier offsets stay valid.
        for start, end in reversed(spans):
            text = text[:start] + f" {BREAK} " + text[end:]
        return text
    pieces, position = [], 0
    for start, end in spans:
        pieces += [text[position:start], f" {BREAK} "]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _examples(texts: pd.Series, term: str, n: int = 2, width: int = 60) -> list[str]:
    """The first `n` of `texts` that use `term`, each with `width` characters around it (as many as there are)."""
    pattern = re.compile(r"\b" + r"\W+".join(re.escape(w) for w in term.split()) + r"\b", re.IGNORECASE)
    found = []
    for text in texts:
        if len(found) == n:
            break
        match = pattern.search(text)
        if match:
            start, end = max(0, match.start() - width), min(len(text), match.end() + width)
            found.append(("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else ""))
    return found


def suggestions_as_lexicon(suggestions: pd.DataFrame) -> pd.DataFrame:
    """Suggestions in the lexicon's own columns, ready to paste: fill in the category, check the weight."""
    notes = [
        f"suggested: typical of {row.outlet} (z={row.z:.2f}; {row.n_outlet} uses vs {row.n_rest} elsewhere); "
        f"e.g. {row.example_1}"
        for row in suggestions.itertuples(index=False)
    ]
    return pd.DataFrame({"term": suggestions["term"], "category": "", "weight": 1, "note": notes})


def run_snapshot(
    lexicon: Lexicon,
    outlets: pd.DataFrame,
    terms: pd.DataFrame,
    framing: FramingLexicons | None = None,
    labels: pd.DataFrame | None = None,
) -> dict:
    """What the next run compares itself with: entries (the framing lexicons' too), outlet scores, hits per
    outlet and term, and uses per outlet and label."""
    metrics = ["loaded_per_1k", "loaded_weight_per_1k", "quoted_per_1k", "reported_per_1k"] + [
        c for c in outlets.columns if c.startswith("loaded_per_1k_")
    ]
    framing_entries = (
        [e for name in ("actors", "labels", "attribution", "frames") for e in getattr(framing, name).entries]
        if framing
        else []
    )
    label_uses: dict[str, dict[str, int]] = {}
    if labels is not None:
        for outlet, concept, label, n in zip(
            labels["outlet"], labels["concept"], labels["label"], labels["n"], strict=True
        ):
            label_uses.setdefault(outlet, {})[f"{label} ({concept})"] = int(n)
    return {
        "version": SNAPSHOT_VERSION,
        "entries": {
            # The framing lexicons' entries keyed by their file too: an actor and a category may share a name.
            (f"{e.category}:{e.term}" if framing_entry is None else f"{e.source}|{e.category}:{e.term}"): {
                "term": e.term,
                "category": e.category,
                "weight": e.weight,
                "where": f"{e.source}:{e.line}",
            }
            for e, framing_entry in [
                *((e, None) for e in lexicon.entries if e.category != IGNORE_CATEGORY),
                *((e, True) for e in framing_entries),
            ]
        },
        "outlets": {
            row["outlet"]: {m: round(float(row[m]), 6) for m in metrics if m in row}
            for row in outlets.to_dict("records")
        },
        "term_hits": _term_hits(terms),
        "label_uses": {outlet: label_uses[outlet] for outlet in sorted(label_uses)},
    }


def _term_hits(terms: pd.DataFrame) -> dict[str, dict[str, list]]:
    """Per outlet (sorted), each term's [hits, weight] in table order: one pass over the rows, where a group
    per outlet cost more than the rest of the snapshot with hundreds of outlets."""
    by_outlet: dict[str, dict[str, list]] = {}
    columns = (terms[c].tolist() for c in ["outlet", "term", "n_hits", "weight"])
    for outlet, term, n_hits, weight in zip(*columns, strict=True):
        by_outlet.setdefault(outlet, {})[term] = [int(n_hits), float(weight)]
    return {outlet: by_outlet[outlet] for outlet in sorted(by_outlet)}


def changes_since(previous: dict | None, current: dict) -> dict:
    """What changed between two snapshots: lexicon entries, outlet scores, and the terms that moved them.

    Returns {"first_run": bool, "entries": [...], "outlets": [...], "terms": [...]}, each a list of
    dicts sorted for display; empty lists when nothing changed.
    """
    if previous is None or previous.get("version") != SNAPSHOT_VERSION:
        return {"first_run": True, "entries": [], "outlets": [], "terms": []}
    entries = _entry_changes(previous["entries"], current["entries"])
    changed_terms = {e["term"]: e["change"] for e in entries}
    outlets = []
    for name in sorted(set(previous["outlets"]) | set(current["outlets"])):
        before, after = previous["outlets"].get(name, {}), current["outlets"].get(name, {})
        for metric in sorted(set(before) | set(after)):
            old, new = before.get(metric, 0.0), after.get(metric, 0.0)
            if abs(new - old) > 1e-9:
                outlets.append({"outlet": name, "metric": metric, "before": old, "after": new, "change": new - old})
    terms = []
    for name in sorted(set(previous["term_hits"]) | set(current["term_hits"])):
        before, after = previous["term_hits"].get(name, {}), current["term_hits"].get(name, {})
        for term in sorted(set(before) | set(after)):
            (old_hits, old_weight), (new_hits, new_weight) = before.get(term, (0, 0.0)), after.get(term, (0, 0.0))
            if old_hits != new_hits or (old_hits and new_hits and old_weight != new_weight):
                cause = changed_terms.get(term, "same entry: the corpus, the cleaning or a longer entry changed")
                terms.append({"outlet": name, "term": term, "before": old_hits, "after": new_hits, "cause": cause})
    for name in sorted(set(previous.get("label_uses", {})) | set(current.get("label_uses", {}))):
        before, after = previous.get("label_uses", {}).get(name, {}), current.get("label_uses", {}).get(name, {})
        for label in sorted(set(before) | set(after)):
            if before.get(label, 0) != after.get(label, 0):
                cause = "labels.csv, actors.csv or the corpus changed"
                terms.append(
                    {
                        "outlet": name,
                        "term": label,
                        "before": before.get(label, 0),
                        "after": after.get(label, 0),
                        "cause": cause,
                    }
                )
    return {"first_run": False, "entries": entries, "outlets": outlets, "terms": terms}


def _entry_changes(before: dict, after: dict) -> list[dict]:
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old is None:
            changes.append(
                {
                    "term": new["term"],
                    "category": new["category"],
                    "change": "added",
                    "detail": f"weight {new['weight']:g}, {new['where']}",
                }
            )
        elif new is None:
            changes.append(
                {"term": old["term"], "category": old["category"], "change": "removed", "detail": f"was {old['where']}"}
            )
        elif old["weight"] != new["weight"]:
            changes.append(
                {
                    "term": new["term"],
                    "category": new["category"],
                    "change": "re-weighted",
                    "detail": f"weight {old['weight']:g} → {new['weight']:g}, {new['where']}",
                }
            )
    return changes
