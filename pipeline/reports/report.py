"""Write the reports: CSV tables, HTML and Markdown pages, all built in a staging folder and swapped in whole."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import jinja2
import matplotlib
import numpy as np

matplotlib.use("svg")
import matplotlib.pyplot as plt
import pandas as pd
from markupsafe import Markup
from matplotlib.patches import Patch
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from pipeline import __version__
from pipeline.framing.annotations import EVENT_PAGES, widest_events
from pipeline.measuring.evaluate import label_summary
from pipeline.reading.lexicons import TOKEN
from pipeline.reports import charts, explorer
from pipeline.reports.charts import signed
from pipeline.reports.layout import anchor, finish_page, sentence_anchor
from pipeline.reports.publish import check_output_folder, publish_folder
from pipeline.reports.texts import HitMarks, SentenceTexts
from pipeline.schema import SOURCE_COLUMNS, Tables, counted
from pipeline.support.dataframes import joined_frames, plain_strings
from pipeline.support.stored import PartitionedTable, loaded, on_disk, partitions

FLOAT_DECIMALS = 6
# Rows of a table turned into CSV text at a time when written.
CSV_CHUNK_ROWS = 50_000
EVIDENCE_PER_TERM = 3
# Sentences shown under a finding, of those it rests on.
EVIDENCE_SENTENCES = 8
# Event pages show this many of the statements the outlets share (all are in shared_statements.csv).
STATEMENTS_PER_EVENT = 20
# Event pages list the articles closest to the event's centre, up to this many (all are in events.csv) ...
MEMBERS_PER_EVENT_PAGE = 50
# ... and only this many events get a page (most outlets, then most articles, first).
MAX_EVENT_PAGES = EVENT_PAGES
# Outlet pages show this many sentences per term; the rest are in tables/hits.csv.
EXAMPLES_PER_TERM_ON_OUTLET_PAGE = 25
TOP_TERMS = 10
# Outlet pages list this many of the outlet's articles (all are in tables/articles.csv).
ARTICLES_PER_OUTLET_PAGE = 100
# Which table, what one row is. The column definitions live next to the code that makes each table.
TABLE_DESCRIPTIONS = {
    "outlets.csv": "one row per outlet: n_articles, n_sentences, n_words, polarity, subjectivity, n_hits, "
    "loaded_per_1k, loaded_weight_per_1k, one loaded_per_1k_<category> column per category",
    "articles.csv": "one row per scored article: manifest fields, title, then the same scores as outlets.csv",
    "sentences.csv": "one row per sentence: position, character span, words, polarity, subjectivity, hits, text",
    "hits.csv": "one row per lexicon hit: article, outlet, sentence, term, matched text, category, weight, "
    "character offsets in the sentence, lexicon file and line",
    "terms.csv": "one row per outlet and term that fired: hits, hits per 1,000 words, rank in the outlet",
    "outlet_vs_corpus.csv": "one row per outlet and metric: outlet value, whole-corpus value, difference",
    "removed_lines.csv": "one row per line removed by cleaning: article, line number, text, rule, detail",
    "problems.csv": "one row per problem: stage, file, line or record, reason, severity",
    "lexicon_stats.csv": "one row per lexicon entry: hits in own words, in quotes, negated, per outlet",
    "suggestions.csv": "one row per outlet and candidate term no entry covers, ranked by log-odds z-score",
    "events.csv": "one row per article: its event, the event's characteristic terms, similarity to the event",
    "alignments.csv": "one row per pair of sentences from different outlets in one event with like words (TF-IDF cosine)",
    "shared_statements.csv": "one row per sentence of a statement several outlets of an event tell in like words: "
    "its number (most outlets first), the outlet's sentence, its similarity to the others, the words they share",
    "actors.csv": "one row per outlet and actor: mentions, tone of those sentences (95% interval), loaded language, quotes",
    "actor_mentions.csv": "one row per mention of an actor (of actors.csv or found in the corpus): sentence, "
    "words, voice, the tone of the clause around it",
    "labels.csv": "one row per outlet, concept and label: the words each outlet uses for the same thing",
    "attribution.csv": "one row per outlet, speaker and verb class: how statements are introduced",
    "statements.csv": "one row per quote or reported statement: sentence, kind, speaker as written, actor, "
    "source type (person, organisation, anonymous), verb and its class, the words spoken",
    "sources.csv": "one row per outlet and source: who the outlet quotes, how often, with which verbs",
    "frames.csv": "one row per event, outlet and Policy Frames dimension: share of sentences cueing it (95% interval)",
    "article_frames.csv": "one row per article and Policy Frames dimension it cues: sentences cueing it, their share",
    "event_contrasts.csv": "one row per event, outlet and metric: outlet vs the rest of the event, effect size, "
    "permutation p over articles (and adjusted for comparing every outlet), 95% interval over articles",
    "headlines.csv": "one row per article: its headline, where the headline came from, its polarity, "
    "subjectivity and lexicon entries (the headline scored as one sentence)",
    "coverage.csv": "one row per outlet and week, month, quarter or year (chosen from the corpus's span): "
    "articles, sentences, words, mean polarity, loaded terms per 1,000 own words",
    "distinctive_terms.csv": "one row per outlet and term: the words most typical of the outlet (log-odds, z-score)",
}
# Files beside the tables; run.json and snapshot.json change with every run (a date), the tables do not.
RUN_FILES = {
    "run.json": "what produced the run: versions, SHA-256 of the corpus and of each lexicon file, options, date",
    "snapshot.json": "this run's lexicon entries and scores, which the next run compares itself with",
}
SNAPSHOT_FILE = "snapshot.json"
# Beside the tables: each table file's content digest and file hash, so that the next run can copy a
# table that did not change instead of writing it again.
DIGESTS_FILE = ".table-digests.json"
# Part of every content digest: bump it when to_csv_text would write the same table differently.
CSV_FORMAT_VERSION = f"1/{FLOAT_DECIMALS}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell


def to_csv_text(table: pd.DataFrame, header: bool = True) -> str:
    """CSV text that is the same, byte for byte, for the same table: fixed decimals, \\n line ends.

    Text cells that a spreadsheet would run as a formula are neutralized (neutralize_formula).
    """
    text_columns = [c for c in table.columns if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])]
    rounded = table.round(FLOAT_DECIMALS)
    if text_columns:
        rounded = rounded.assign(**{c: _neutralized(rounded[c]) for c in text_columns})
    buffer = io.StringIO()
    rounded.to_csv(buffer, index=False, lineterminator="\n", header=header)
    return buffer.getvalue()


def _neutralized(column: pd.Series) -> pd.Series:
    """neutralize_formula on every cell; for a column of strings only, at once (millions of cells)."""
    if column.dtype == object:  # may hold other things than strings
        return column.map(neutralize_formula)
    if isinstance(column.dtype, pd.CategoricalDtype):  # the few distinct strings, not every cell
        categories = _neutralized(pd.Series(column.cat.categories, dtype="str"))
        if categories.is_unique:
            return column.cat.rename_categories(categories.tolist())
        column = column.astype("str")
    risky = column.str.startswith(_FORMULA_START).fillna(False).astype(bool)
    return column.where(~risky, "'" + column) if risky.any() else column


def csv_chunks(table: pd.DataFrame, rows: int = CSV_CHUNK_ROWS, header: bool = True) -> Iterator[str]:
    """to_csv_text(table) in pieces of `rows` rows, so a large table is never one string in memory."""
    yield to_csv_text(table.iloc[:rows], header=header)
    for start in range(rows, len(table), rows):
        yield to_csv_text(table.iloc[start : start + rows], header=False)


def outlet_slugs(outlets: list[str]) -> dict[str, str]:
    """A file name per outlet: lower case, dashes; a number is added when two outlets would collide."""
    return _slugs(outlets, "outlet")


def event_slugs(event_ids: list[str]) -> dict[str, str]:
    """A file name per event, as outlet_slugs makes them: "Fox News" and "fox-news" get two pages."""
    return _slugs(event_ids, "event")


def _slugs(names: list[str], fallback: str) -> dict[str, str]:
    """Distinct names get distinct file names, the same on every run: taken in sorted order, a name whose
    file name is already taken gets the next free number."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or fallback
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        slugs[name] = slug
    return slugs


def highlight_html(sentence: str, spans: list[tuple[int, int, str, str]]) -> Markup:
    """The sentence HTML-escaped, each (start, end, label, kind) span wrapped in <mark class=kind title=label>."""
    parts, position = [], 0
    for start, end, label, kind in sorted(spans):
        if start < position:
            continue
        parts.append(html.escape(sentence[position:start]))
        parts.append(
            f'<mark class="{html.escape(kind)}" title="{html.escape(label)}">{html.escape(sentence[start:end])}</mark>'
        )
        position = end
    parts.append(html.escape(sentence[position:]))
    return Markup("".join(parts))


def entries_of(spans: list[tuple[int, int, str, str]]) -> str:
    """The lexicon entries marked in a sentence, as text shown beside it ("assassinat* · dysphemism"):
    what a pointer would show on hovering a highlight, for a reader on a phone or paper."""
    seen = dict.fromkeys(
        " · ".join(label.split(" · ")[:2]) + ("" if kind == "narrative" else f" ({kind})")
        for _, _, label, kind in sorted(spans)
    )
    return "; ".join(seen)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def markdown_escape(text: object) -> str:
    """Text safe inside Markdown (and the HTML a Markdown renderer passes through)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False)).replace("\n", " ")


def highlight_markdown(sentence: str, spans: list[tuple[int, int, str, str]]) -> str:
    """The sentence Markdown-escaped; hits in bold, quoted hits in bold italics, reported ones in italics,
    negated hits struck through."""
    parts, position = [], 0
    for start, end, _, kind in sorted(spans):
        if start < position:
            continue
        parts.append(markdown_escape(sentence[position:start]))
        mark = {"quote": "***", "reported": "*", "negated": "~~"}.get(kind, "**")
        parts.append(f"{mark}{markdown_escape(sentence[start:end])}{mark}")
        position = end
    parts.append(markdown_escape(sentence[position:]))
    return "".join(parts)


METRIC_LABELS = {
    "polarity": "Polarity (mean, −1..1)",
    "subjectivity": "Subjectivity (mean, 0..1)",
    "loaded_per_1k": "Loaded terms per 1,000 own words",
    "loaded_weight_per_1k": "Loaded weight per 1,000 own words",
    "quoted_per_1k": "Loaded terms per 1,000 quoted words",
    "reported_per_1k": "Loaded terms per 1,000 words of reported speech",
}


def metric_label(metric: str) -> str:
    """A metric's name as a reader sees it (the CSV keeps the column name)."""
    if metric.startswith("loaded_per_1k_"):
        return f"Loaded terms per 1,000 own words: {metric.removeprefix('loaded_per_1k_')}"
    return METRIC_LABELS.get(metric, metric)


def safe_link(url: str) -> str:
    """The URL if it is http(s), else "" (a javascript: link in a manifest must not become clickable)."""
    return url if re.match(r"^https?://", url or "", re.IGNORECASE) else ""


def fmt(value: object, decimals: int = 3) -> str:
    """Numbers as the pages show them: floats to `decimals` places (a dash for none), everything else as is."""
    if isinstance(value, float):
        return f"{value:.{decimals}f}" if value == value else "—"
    return str(value)


def heat_style(share: float) -> str:
    """A table cell's inline style shading it by a share in [0, 1] (a heatmap without a chart library)."""
    share = min(1.0, max(0.0, float(share))) if share == share else 0.0
    return f"background: rgba(31, 119, 180, {share:.2f}); color: {'#fff' if share > 0.6 else 'inherit'}"


def _svg_of(figure) -> str:
    """The figure as an inline <svg> element (no XML header, no date: the same figure gives the same text)."""
    buffer = io.StringIO()
    # Text is drawn by the browser (svg.fonttype "none"), so a glyph matplotlib's own font lacks is no problem.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        figure.tight_layout()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters.update(
        md=markdown_escape,
        anchor=anchor,
        explore=lambda name, kind: explorer.item_id(kind, str(name)),
        num=fmt,
        signed=signed,
        link=safe_link,
        metric=metric_label,
        heat=heat_style,
    )
    return environment


class _OutletEvidence:
    """One outlet's example sentences, chosen from where its terms fired (`fired`, term_places) and its
    sentences' tones (no texts): the first places where each of its terms fired, and its most negative
    and positive sentences. `places()` are those whose texts and hits the page needs; with them
    fetched, `for_terms` and `extremes` give the examples with every hit marked."""

    def __init__(self, sentences: pd.DataFrame, fired: _TermPlaces, marks: HitMarks):
        self.marks = marks
        self.term_places, self.n_places = fired.places, fired.counts
        self.extreme_places = _extreme_places(sentences)
        shown = self.places()
        tones = sentences.set_index(["article_id", "sentence_id"])["polarity"]
        found = tones.reindex(pd.MultiIndex.from_tuples(shown)).tolist() if shown else []
        self.polarity = dict(zip(shown, found, strict=True))

    def places(self) -> list[tuple[str, int]]:
        shown = [p for places in self.term_places.values() for p in places]
        return list(dict.fromkeys(shown + [p for places in self.extreme_places.values() for p in places]))

    def example(self, place: tuple[str, int], texts: SentenceTexts) -> dict:
        spans, text = self.marks.get(place), texts.get(place) or ""
        return {
            "article_id": place[0],
            "sentence_id": place[1],
            "anchor": sentence_anchor(*place),
            "entries": entries_of(spans),
            "polarity": float(self.polarity[place]),
            "html": highlight_html(text, spans),
            "markdown": highlight_markdown(text, spans),
        }

    def for_terms(self, terms: pd.DataFrame, per_term: int, texts: SentenceTexts) -> list[dict]:
        """Per term row: up to `per_term` sentences where it fired, and how many more there are."""
        result = []
        for term in terms.itertuples(index=False):
            places = self.term_places.get(term.term, [])
            result.append(
                {
                    "term": term,
                    "anchor": "term-" + anchor(term.term),
                    "examples": [self.example(p, texts) for p in places[:per_term]],
                    "more": max(0, self.n_places.get(term.term, 0) - per_term),
                }
            )
        return result

    def extremes(self, texts: SentenceTexts) -> dict[str, list[dict]]:
        return {name: [self.example(place, texts) for place in found] for name, found in self.extreme_places.items()}


class _TermPlaces:
    """Of one outlet's terms: `places`, the first places where each fired (at most `most`, in table
    order), and `counts`, the sentences where each fired."""

    def __init__(self) -> None:
        self.places: dict[str, list[tuple[str, int]]] = {}
        self.counts: dict[str, int] = {}


def term_places(hits: Any, terms: dict[str, set[str]], most: int) -> dict[str, _TermPlaces]:
    """Per outlet, where each of its `terms` fired, from the hits read a partition at a time: a sentence
    counts once per term, and the partitions are in article id order, as the table is."""
    fired = {outlet: _TermPlaces() for outlet in terms}
    pairs = [(outlet, term) for outlet, outlet_terms in terms.items() for term in sorted(outlet_terms)]
    if not pairs:
        return fired
    wanted = pd.MultiIndex.from_tuples(pairs)
    keys = ["outlet", "term", "article_id", "sentence_id"]
    for part in partitions(hits, keys):
        rows = plain_strings(part[pd.MultiIndex.from_frame(part[["outlet", "term"]]).isin(wanted)])
        rows = rows.drop_duplicates(keys)
        by_term = rows.groupby(["outlet", "term"], sort=False)
        for (outlet, term), n in by_term.size().items():
            counts = fired[outlet].counts
            counts[term] = counts.get(term, 0) + int(n)
        for row in by_term.head(most).itertuples(index=False):
            places = fired[row.outlet].places.setdefault(row.term, [])
            if len(places) < most:
                places.append((row.article_id, int(row.sentence_id)))
    return fired


def _extreme_places(sentences: pd.DataFrame, n: int = 3) -> dict[str, list[tuple[str, int]]]:
    """The places of the `n` most negative and most positive sentences (ties in place order)."""
    keys = ["polarity", "article_id", "sentence_id"]
    ordered = sentences[keys].sort_values(keys, kind="stable")
    negative = ordered[ordered["polarity"] < 0].head(n)
    positive = ordered[ordered["polarity"] > 0].iloc[::-1].head(n)
    return {
        name: list(zip(rows["article_id"].tolist(), rows["sentence_id"].tolist(), strict=True))
        for name, rows in (("negative", negative), ("positive", positive))
    }


def _rows_by_outlet(frame: pd.DataFrame, keys: str | list[str]) -> list[tuple]:
    """A table pivoted for a page: (key, first row, {outlet: row}) per key, rows as dicts, keys sorted."""
    rows = []
    for key, group in frame.groupby(keys, sort=True):
        records = group.to_dict("records")
        rows.append((key, records[0], {record["outlet"]: record for record in records}))
    return rows


def _by_outlet(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {name: group for name, group in frame.groupby("outlet", sort=False)}


def highlight_differences_html(sentence: str, other: str, hit_spans: list[tuple[int, int, str, str]]) -> Markup:
    """The sentence escaped: lexicon hits in <mark>, content words the other sentence does not have in <ins>."""
    other_words = {w.lower() for w in TOKEN.findall(other)}
    spans = list(hit_spans)
    for match in TOKEN.finditer(sentence):
        word = match.group().lower()
        # "US" in capitals is a country, not the pronoun on the stop-word list.
        if (word in ENGLISH_STOP_WORDS and not match.group().isupper()) or word in other_words:
            continue
        if not any(s <= match.start() < e for s, e, _, _ in hit_spans):
            spans.append((match.start(), match.end(), "", "diff"))
    parts, position = [], 0
    for start, end, label, kind in sorted(spans):
        if start < position:
            continue
        parts.append(html.escape(sentence[position:start]))
        piece = html.escape(sentence[start:end])
        parts.append(
            f"<ins>{piece}</ins>"
            if kind == "diff"
            else f'<mark class="{kind}" title="{html.escape(label)}">{piece}</mark>'
        )
        position = end
    parts.append(html.escape(sentence[position:]))
    return Markup("".join(parts))


def event_pages(
    tables: Tables,
    slugs: dict[str, str],
    marks: HitMarks | None = None,
    texts: SentenceTexts | None = None,
    behind: _FindingEvidence | None = None,
) -> list[dict]:
    """The data of each event page: members, findings, per-outlet tables and aligned statements (the
    sentences behind the findings chosen in `behind`, their texts from `texts`)."""
    pages = []
    marks = HitMarks(tables.hits) if marks is None else marks
    if behind is None:
        behind = _FindingEvidence(tables, marks)
        texts = SentenceTexts(tables.sentences) if texts is None else texts
        texts.fetch(behind.places())
    articles = tables.articles.set_index("article_id")
    page_names = event_slugs(list(tables.events["event_id"].unique()))
    for event_id, members in tables.events.groupby("event_id", sort=True):
        if event_id not in behind.with_page:
            continue
        detail = tables.event_details[event_id]
        closest = members.sort_values(["similarity", "article_id"], ascending=[False, True], kind="stable")
        shown = closest.head(MEMBERS_PER_EVENT_PAGE).sort_index()
        outlets = detail["outlets"]
        event_headlines = tables.headlines[tables.headlines["article_id"].isin(set(shown["article_id"]))]
        scores = event_scores(detail["contrasts"], tables.outlets, outlets)
        contrasts = detail["contrasts"].set_index(["outlet", "metric"])
        pages.append(
            {
                "event_id": event_id,
                "slug": page_names[event_id],
                "label": members["event_label"].iloc[0],
                "members": [
                    {
                        "article_id": m.article_id,
                        "outlet": m.outlet,
                        "published": m.published,
                        "similarity": m.similarity,
                        "title": articles.loc[m.article_id, "title"] if m.article_id in articles.index else "",
                    }
                    for m in shown.itertuples(index=False)
                ],
                "n_members": len(members),
                "outlets": outlets,
                "outlet_slugs": slugs,
                "scores": scores,
                "contrasts": contrasts,
                "findings": [
                    {**finding, "sentences": behind.shown(places, texts)}
                    for finding, places in zip(detail["findings"], behind.chosen[event_id], strict=True)
                ],
                "actors": detail["actors"],
                "labels": detail["labels"],
                "attribution": detail["attribution"],
                "frames": detail["frames"][detail["frames"].groupby("frame")["n_sentences"].transform("sum") > 0],
                "label_rows": _rows_by_outlet(detail["labels"], ["concept", "label"]),
                "actor_rows": _rows_by_outlet(detail["actors"], "actor"),
                "attribution_rows": _rows_by_outlet(detail["attribution"], ["speaker", "verb_class"]),
                "frame_rows": _rows_by_outlet(
                    detail["frames"][detail["frames"].groupby("frame")["n_sentences"].transform("sum") > 0], "frame"
                ),
                "statements": shared_statements_of(tables.shared_statements, event_id, marks),
                "headlines": event_headlines.sort_values(["outlet", "published", "article_id"], kind="stable"),
                "charts": _markups(
                    charts.score_charts(scores.reset_index(), [], lambda o, what: f"../outlets/{slugs[o]}.html#{what}")[
                        ::2
                    ]
                    + charts.frame_charts(detail["frames"], outlets, lambda o, what: "#frames")
                ),
                "one_article_each": bool((members.groupby("outlet").size() == 1).all()),
            }
        )
    return pages


def event_scores(contrasts: pd.DataFrame, outlet_table: pd.DataFrame, outlets: list[str]) -> pd.DataFrame:
    """Per outlet (the index) of an event: its polarity, subjectivity and loaded rate in the event with
    their intervals over its articles there (the event's contrasts, as the outlet table's ci_ columns),
    and the quoted and reported rates of all its articles (the outlet table)."""
    scores = outlet_table.set_index("outlet").loc[outlets, ["quoted_per_1k", "reported_per_1k"]]
    by_metric = contrasts.set_index(["metric", "outlet"])
    for metric in ("polarity", "subjectivity", "loaded_per_1k"):
        of_metric = by_metric.loc[metric].reindex(outlets)
        scores[metric] = of_metric["outlet_value"]
        scores[f"ci_low_{metric}"] = of_metric["ci_low"]
        scores[f"ci_high_{metric}"] = of_metric["ci_high"]
    return scores


def _shown_statements(shared: pd.DataFrame, event_ids: set[str], most: int) -> pd.DataFrame:
    """The first `most` shared statements of each of `event_ids`: those their pages show."""
    return shared[shared["event_id"].isin(event_ids) & (shared["statement"] <= most)] if len(shared) else shared


def shared_statement_places(
    shared: pd.DataFrame, event_ids: set[str], most: int = STATEMENTS_PER_EVENT
) -> list[tuple[str, int]]:
    """The places of the shared statements the pages of `event_ids` show: the hits to fetch."""
    rows = _shown_statements(shared, event_ids, most)
    return list(zip(rows["article_id"].astype(str), rows["sentence_id"].astype("int64").tolist(), strict=True))


def shared_statements_of(
    shared: pd.DataFrame, event_id: str, marks: HitMarks, most: int = STATEMENTS_PER_EVENT
) -> list[dict]:
    """An event's first `most` shared statements, each with every outlet's sentence highlighted and the content
    words no other version has underlined."""
    rows = _shown_statements(shared, {event_id}, most)
    statements = []
    for number, group in rows.groupby("statement", sort=True):
        texts = group["text"].tolist()
        versions = [
            {
                "outlet": r.outlet,
                "article_id": r.article_id,
                "sentence_id": r.sentence_id,
                "similarity": r.similarity,
                "anchor": sentence_anchor(r.article_id, r.sentence_id),
                # What this outlet's version says that none of the others does, underlined.
                "html": highlight_differences_html(
                    r.text, " ".join(texts[:k] + texts[k + 1 :]), marks.get((r.article_id, r.sentence_id))
                ),
                "markdown": highlight_markdown(r.text, marks.get((r.article_id, r.sentence_id))),
            }
            for k, r in enumerate(group.itertuples(index=False))
        ]
        statements.append(
            {
                "number": int(number),
                "n_outlets": int(group["n_outlets"].iloc[0]),
                "shared": group["shared"].iloc[0],
                "versions": versions,
            }
        )
    return statements


class _FindingEvidence:
    """The sentences behind the events' findings (headline_findings' `evidence`), highlighted.

    What a finding can rest on is taken from the tables once, of the articles of the events with a page
    (`articles`), and narrowed to an event's articles and the finding's selector: the outlets' own label
    uses, their counted hits, the statements and the negative sentences. The sentences of each finding
    are chosen when it is made (`chosen`: per event with a page, the places of each finding's); with
    their texts fetched, `shown` gives them."""

    def __init__(self, tables: Tables, marks: HitMarks):
        # The widest events get pages (most outlets first, then most articles); the rest are in events.csv.
        self.with_page = set(widest_events(tables.events, MAX_EVENT_PAGES)) & set(tables.event_details)
        articles = set(tables.events.loc[tables.events["event_id"].isin(self.with_page), "article_id"])
        self.marks, self.chosen = marks, {}
        if not self.with_page:
            return
        label_columns = ["article_id", "outlet", "sentence_id", "kind", "key", "term", "voice", "referent"]
        self._labels = plain_strings(_of_articles_in(tables.annotations, label_columns, articles, _own_labels))
        hit_columns = ["article_id", "outlet", "sentence_id", "term", "voice", "negated"]
        self._hits = plain_strings(_of_articles_in(tables.hits, hit_columns, articles, _counted_hits))
        statements = _of_articles(tables.statements, articles)
        self._statements = statements[["article_id", "outlet", "sentence_id", "verb_class"]]
        s = plain_strings(_of_articles(tables.sentences, articles)[["article_id", "outlet", "sentence_id", "polarity"]])
        self._negative = s[s["polarity"] < 0]
        self._tones = s.astype({"sentence_id": "int64"}).set_index(["article_id", "sentence_id"])["polarity"]
        self.chosen = {
            event_id: [self._chosen(members, f.get("evidence")) for f in tables.event_details[event_id]["findings"]]
            for event_id, members in tables.events.groupby("event_id", sort=True)
            if event_id in self.with_page
        }

    def places(self) -> list[tuple[str, int]]:
        """The places of every finding's sentences: the texts to fetch."""
        return [place for chosen in self.chosen.values() for places in chosen for place in places]

    def _chosen(self, members: pd.DataFrame, selector: dict | None) -> list[tuple[str, int]]:
        """The places of the sentences a finding of the event of `members` rests on (its selector), in place order."""
        if not selector:
            return []
        kind = selector["kind"]
        rows = {"label": self._labels, "hits": self._hits, "statements": self._statements, "tone": self._negative}[kind]
        rows = rows[rows["article_id"].isin(set(members["article_id"])) & (rows["outlet"] == selector["outlet"])]
        if kind == "label":
            rows = rows[(rows["key"] == selector["concept"]) & (rows["term"] == selector["label"])]
        elif kind == "hits":
            rows = rows[rows["term"].isin(selector["terms"])]
        elif kind == "statements":
            rows = rows[rows["verb_class"].isin(selector["verb_classes"])]
        else:  # the most negative sentences
            rows = rows.sort_values(["polarity", "article_id", "sentence_id"], kind="stable").head(EVIDENCE_SENTENCES)
        places = sorted({(a, int(s)) for a, s in zip(rows["article_id"], rows["sentence_id"], strict=True)})
        return places[:EVIDENCE_SENTENCES]

    def shown(self, places: list[tuple[str, int]], texts: SentenceTexts) -> list[dict]:
        shown = []
        tones = self._tones.reindex(pd.MultiIndex.from_tuples(places)).tolist() if places else []
        for place, polarity in zip(places, tones, strict=True):
            text = texts.get(place)
            if text is None or pd.isna(polarity):
                continue
            spans = self.marks.get(place)
            shown.append(
                {
                    "article_id": place[0],
                    "sentence_id": place[1],
                    "anchor": sentence_anchor(*place),
                    "entries": entries_of(spans),
                    "polarity": float(polarity),
                    "html": highlight_html(text, spans),
                    "markdown": highlight_markdown(text, spans),
                }
            )
        return shown


def _of_articles(table: pd.DataFrame, articles: set[str]) -> pd.DataFrame:
    """The rows of the given articles: the few events with a page hold a small part of a large corpus."""
    return table[table["article_id"].isin(articles).to_numpy()]


def _of_articles_in(
    table: Any, columns: list[str], articles: set[str], rows_of: Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """`rows_of` the given articles' rows of a table held or kept on disk (its `columns`), read and
    narrowed a partition at a time, so that only the rows kept are ever held together."""
    return joined_frames([rows_of(_of_articles(part, articles)) for part in partitions(table, columns)])


def _own_labels(annotations: pd.DataFrame) -> pd.DataFrame:
    """The labels an outlet uses in its own words (of no referent): those a finding on labels rests on."""
    a = annotations
    own = ((a["kind"] == "label") & (a["referent"] == "") & (a["voice"] == "narrative")).to_numpy()
    return a.loc[own, ["article_id", "outlet", "sentence_id", "key", "term"]]


def _counted_hits(hits: pd.DataFrame) -> pd.DataFrame:
    return hits.loc[counted(hits), ["article_id", "outlet", "sentence_id", "term"]]


def page_contexts(tables: Tables, texts: SentenceTexts | None = None) -> tuple[dict, list[dict]]:
    """The data each page template renders: (corpus page, one dict per outlet page); the sentences' texts
    from `texts`, or from tables.sentences."""
    texts = SentenceTexts(tables.sentences) if texts is None else texts
    slugs = outlet_slugs(list(tables.outlets["outlet"]))
    marks = HitMarks(tables.hits)
    # An outlet's sentences are taken from the table when its examples are chosen: all outlets' at once
    # would be a second copy of them.
    sentence_rows = tables.sentences.groupby("outlet", sort=False).indices
    terms = _by_outlet(tables.terms)
    no_terms = tables.terms.iloc[0:0]
    outlet_terms = {name: set(terms.get(name, no_terms)["term"]) for name in tables.outlets["outlet"]}
    fired = term_places(tables.hits, outlet_terms, max(EVIDENCE_PER_TERM, EXAMPLES_PER_TERM_ON_OUTLET_PAGE))
    evidence = {
        name: _OutletEvidence(tables.sentences.take(sentence_rows[name]), fired[name], marks)
        for name in tables.outlets["outlet"]
    }
    explorer_choices = explorer.explorer_choices(tables)
    behind = _FindingEvidence(tables, marks)
    # What every page shows is chosen first; then the texts and hits are fetched, in one pass over each table.
    shown = [
        *(place for found in evidence.values() for place in found.places()),
        *explorer.shown_places(explorer_choices),
        *behind.places(),
    ]
    texts.fetch(shown)
    marks.fetch([*shown, *shared_statement_places(tables.shared_statements, behind.with_page)])
    articles, contrasts = _by_outlet(tables.articles), _by_outlet(tables.contrasts)
    sources = _by_outlet(tables.sources) if len(tables.sources) else {}
    coverage = _by_outlet(tables.coverage) if len(tables.coverage) else {}
    occurring = occurring_categories(tables.outlets, tables.categories)
    outlet_pages = []
    for outlet in tables.outlets.itertuples(index=False):
        name = outlet.outlet
        found, outlet_terms = evidence[name], terms.get(name, no_terms)
        outlet_timeline, outlet_timeline_caption = charts.timeline_charts(
            coverage.get(name, tables.coverage.iloc[0:0]), span=tables.coverage
        )
        outlet_pages.append(
            {
                "outlet": outlet,
                "slug": slugs[name],
                "articles": articles[name].head(ARTICLES_PER_OUTLET_PAGE),
                "n_articles_listed_of": len(articles[name]),
                "contrasts": contrasts[name],
                "sources": sources.get(name, pd.DataFrame(columns=SOURCE_COLUMNS)),
                "top_terms": found.for_terms(outlet_terms.head(TOP_TERMS), EVIDENCE_PER_TERM, texts),
                "all_terms": found.for_terms(outlet_terms, EXAMPLES_PER_TERM_ON_OUTLET_PAGE, texts),
                "extremes": found.extremes(texts),
                "outlet_charts": _markups(charts.category_charts(outlet, occurring)),
                "outlet_timeline": _markups(outlet_timeline),
                "outlet_coverage": coverage.get(name, tables.coverage.iloc[0:0]),
                "outlet_timeline_caption": outlet_timeline_caption,
            }
        )
    removed_by_rule = (
        tables.removed_lines.groupby("rule")
        .size()
        .rename("n_lines")
        .reset_index()
        .sort_values(["n_lines", "rule"], ascending=[False, True])
    )
    one_article_each = bool(len(tables.outlets)) and bool((tables.outlets["n_articles"] == 1).all())
    charted = charts.charted_outlets(tables.outlets)
    timeline, timeline_caption = charts.timeline_charts(tables.coverage)
    explored = explorer.with_sentences(explorer_choices, texts)
    corpus_page = {
        "corpus": tables.corpus.iloc[0],
        "outlets": tables.outlets,
        "side_by_side": pd.concat([tables.outlets, tables.corpus], ignore_index=True),
        "outlet_pages": outlet_pages,
        "categories": tables.categories,
        "charts": _markups(charts.score_charts(charted, occurring, lambda o, what: f"outlets/{slugs[o]}.html#{what}")),
        "n_charted": len(charted),
        "occurring_categories": occurring,
        "timeline": _markups(timeline),
        "timeline_caption": timeline_caption,
        "problems": tables.problems,
        "removed_by_rule": removed_by_rule,
        "n_removed": len(tables.removed_lines),
        "one_article_each": one_article_each,
        "table_descriptions": TABLE_DESCRIPTIONS,
        "run_files": RUN_FILES,
        "provenance": tables.provenance,
        "changes": tables.changes,
        "events": event_pages(tables, slugs, marks, texts, behind),
        "explorer": explored,
        "coverage": tables.coverage[tables.coverage["outlet"].isin(charts.timeline_outlets(tables.coverage))]
        if len(tables.coverage)
        else tables.coverage,
        "explorer_ids": {item.id for items in explored.values() for item in items},
        "kind_names": explorer.KIND_NAMES,
        "voices": explorer.VOICES,
        "voice_names": explorer.VOICE_NAMES,
        "most_items": explorer.MOST_ITEMS,
        "sentences_per_item": explorer.SENTENCES_PER_ITEM,
        "n_events": int(tables.events["event_id"].nunique()) if len(tables.events) else 0,
        "version": __version__,
    }
    return corpus_page, outlet_pages


def occurring_categories(outlets: pd.DataFrame, categories: list[str]) -> list[str]:
    """The lexicon categories with at least one hit in some outlet's own words: the columns and legends
    worth a reader's attention (the rest are zero everywhere, and stay in the CSV)."""
    return [
        c for c in categories if f"loaded_per_1k_{c}" in outlets and bool((outlets[f"loaded_per_1k_{c}"] > 0).any())
    ]


def _markups(svgs: list[str]) -> list[Markup]:
    return [Markup(svg) for svg in svgs]


def render_pages(tables: Tables, parquet: bool = False) -> dict[str, str]:
    """Every report page as {relative path: text}; `parquet`: the tables are written as Parquet too."""
    environment = _environment()
    # The texts of the sentences shown are fetched from the table as it is (kept on disk, only theirs).
    corpus_page, outlet_pages = page_contexts(tables_for_pages(tables), SentenceTexts(tables.sentences))
    corpus_page["parquet"] = parquet
    pages = {
        "index.html": finish_page(environment.get_template("index.html").render(**corpus_page)),
        "explore.html": finish_page(environment.get_template("explore.html").render(**corpus_page)),
        "report.md": environment.get_template("report.md").render(**corpus_page),
    }
    for page in outlet_pages:
        context = {**corpus_page, **page}
        pages[f"outlets/{page['slug']}.html"] = finish_page(environment.get_template("outlet.html").render(**context))
        pages[f"outlets/{page['slug']}.md"] = environment.get_template("outlet.md").render(**context)
    for event in corpus_page["events"]:
        context = {**corpus_page, "event": event}
        pages[f"events/{event['slug']}.html"] = finish_page(environment.get_template("event.html").render(**context))
        pages[f"events/{event['slug']}.md"] = environment.get_template("event.md").render(**context)
    return pages


# The columns the pages read of the large tables: a large run kept on disk (support.stored) loads only
# those; the other tables the pages read are loaded whole, and those they do not read not at all. The
# hits, annotations and actor mentions are read where they are used (the explorer, the outlets' examples,
# the findings' evidence), a partition at a time, and the texts and hits of the sentences shown are
# fetched (reports.texts).
PAGE_COLUMNS = {
    "sentences": ["article_id", "outlet", "sentence_id", "polarity"],
    "statements": ["article_id", "outlet", "sentence_id", "verb_class"],
}
PAGE_TABLES = {
    *("articles", "outlets", "corpus", "contrasts", "terms", "removed_lines", "problems", "events"),
    *("headlines", "sources", "coverage", "shared_statements"),
}


def tables_for_pages(tables: Tables) -> Tables:
    """The tables the pages read, in memory: of those a large run kept on disk, only the columns they read."""
    stored = {
        f.name: loaded(value, PAGE_COLUMNS.get(f.name))
        for f in fields(tables)
        if on_disk(value := getattr(tables, f.name)) and (f.name in PAGE_COLUMNS or f.name in PAGE_TABLES)
    }
    return replace(tables, **stored)


def data_dictionary() -> str:
    """The README written beside the tables: what each table holds (columns are in the project README)."""
    lines = [
        "# Tables written by `mediabias run`",
        "",
        'Column definitions, units and ranges: see the project README, section "Tables". With '
        "`--format csv,parquet` each table is also `tables/<name>.parquet`, with the same columns and dtypes.",
        "",
    ]
    lines += [f"- `tables/{name}`: {text}" for name, text in TABLE_DESCRIPTIONS.items()]
    lines += [f"- `{name}`: {text}" for name, text in RUN_FILES.items()]
    return "\n".join(lines) + "\n"


TABLE_FORMATS = ("csv", "parquet")


def write_reports(
    tables: Tables, out_dir: Path, formats: Iterable[str] = ("csv",), beside: Callable | None = None
) -> Path:
    """Write every table and page under `out_dir`, atomically: readers see the old reports or the new, never half.

    The tables are CSV, and with "parquet" in `formats` Parquet files beside them (same columns, same
    dtypes). A table whose content is the same as in the reports already there is copied from them, not
    written again: after a lexicon edit most of the large tables are unchanged. `beside(function,
    *args)`, if given, starts the function beside the caller and returns what gives its `result()`
    (pipeline.engine.parallel.Background): the pages are then rendered that way while the tables are
    written, to the same files.
    """
    options = tables.provenance.get("options", {})
    inputs = {"corpus folder": options.get("corpus"), "lexicon folder": options.get("lexicons")}
    out_dir = check_output_folder(out_dir, inputs)
    parquet = "parquet" in set(formats)
    return publish_folder(out_dir, lambda: _report_files(tables, out_dir, parquet, beside))


def _report_files(
    tables: Tables, previous_dir: Path | None = None, parquet: bool = False, beside: Callable | None = None
) -> Iterator[tuple[str, str | Iterable[str] | Path | bytes]]:
    # Rendering the pages and writing the tables take about as long, and neither needs the other.
    pages = beside(render_pages, tables, parquet) if beside is not None else None
    previous = _read_digests(previous_dir)
    digests: dict[str, dict[str, str]] = {}
    for name, kept in tables.csv_tables().items():
        # One at a time, so that no two tables kept on disk are held at once; a table kept in partitions
        # a partition at a time, but as Parquet whole (its categories' codes must be the whole table's).
        parts = _partitions_of(kept)
        yield f"tables/{name}", _table_file(f"tables/{name}", parts, previous_dir, previous, digests)
        if parquet:
            relative = f"tables/{name.removesuffix('.csv')}.parquet"
            whole = _partitions_of(loaded(kept)) if isinstance(kept, PartitionedTable) else parts
            yield relative, _table_file(relative, whole, previous_dir, previous, digests, parquet=True)
            del whole
        del parts  # before the next is loaded, for the same reason
    yield from (pages.result() if pages is not None else render_pages(tables, parquet)).items()
    yield "run.json", json.dumps(tables.provenance, indent=2, sort_keys=True) + "\n"
    yield SNAPSHOT_FILE, json.dumps(tables.snapshot, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    yield "README.md", data_dictionary()
    yield DIGESTS_FILE, json.dumps(digests, indent=1, sort_keys=True) + "\n"


def table_digest(table: pd.DataFrame | Callable[[], Iterator[pd.DataFrame]], block: int = 500_000) -> str | None:
    """A digest of a table's columns, types and every cell, or None for a table pandas cannot hash;
    `table` may be a function that gives the table's partitions in order (_partitions_of).

    Rows are hashed `block` at a time (each row's hash depends on that row only, so the digest does
    not depend on `block`, nor on the partitions): hashing a table of millions of rows at once takes
    several copies of it.
    """
    digest = hashlib.blake2b(digest_size=20)
    for k, part in enumerate(table() if callable(table) else [table]):
        if k == 0:
            header = [CSV_FORMAT_VERSION, list(map(str, part.columns)), list(map(str, part.dtypes))]
            digest.update(json.dumps(header).encode())
        try:
            for start in range(0, len(part), block):
                digest.update(
                    pd.util.hash_pandas_object(part.iloc[start : start + block], index=False).to_numpy().tobytes()
                )
        except TypeError:
            return None
    return digest.hexdigest()


def _partitions_of(kept: Any) -> Callable[[], Iterator[pd.DataFrame]]:
    """A function that gives a table's partitions in order, each loaded when it is reached: those of a
    PartitionedTable, or the whole table as one."""
    if isinstance(kept, PartitionedTable):
        return lambda: partitions(kept)
    table = loaded(kept)
    return lambda: iter([table])


def _csv_of_partitions(parts: Callable[[], Iterator[pd.DataFrame]]) -> Iterator[str]:
    """csv_chunks of the whole table, a partition at a time (each row's text depends on that row only)."""
    for k, part in enumerate(parts()):
        yield from csv_chunks(part, header=k == 0)


def _table_file(
    relative: str,
    parts: Callable[[], Iterator[pd.DataFrame]],
    previous_dir: Path | None,
    previous: dict[str, dict[str, str]],
    digests: dict[str, dict[str, str]],
    parquet: bool = False,
) -> Path | Iterator[str] | bytes:
    """The previous file, when it holds exactly this table (its partitions, see _partitions_of) and nobody
    changed it since; else the CSV text (or, with `parquet`, the Parquet bytes of the table, whole)."""
    content = table_digest(parts)
    if content is not None and parquet:
        import pyarrow

        content = f"{content}/pyarrow-{pyarrow.__version__}"
    unchanged = _unchanged_previous(relative, content, previous_dir, previous, digests)
    if unchanged is not None:
        return unchanged
    if not parquet:
        return _hashed(_csv_of_partitions(parts), relative, content, digests)
    (table,) = parts()
    data = to_parquet_bytes(table)
    if content is not None:
        digests[relative] = {"content": content, "sha256": hashlib.sha256(data).hexdigest()}
    return data


def _unchanged_previous(
    relative: str,
    content: str | None,
    previous_dir: Path | None,
    previous: dict[str, dict[str, str]],
    digests: dict[str, dict[str, str]],
) -> Path | None:
    """The previous reports' file, if it was made from the same content and nobody changed it since
    (its digests then go into `digests` again); else None."""
    before = previous.get(relative)
    before = before if isinstance(before, dict) else {}
    if content is None or previous_dir is None or before.get("content") != content:
        return None
    if _file_sha256(previous_dir / relative) != before.get("sha256"):
        return None
    digests[relative] = before
    return previous_dir / relative


def to_parquet_bytes(table: pd.DataFrame) -> bytes:
    """The table as Parquet, with its columns and dtypes (categories as dictionaries, strings as strings),
    no index; the same table gives the same bytes with the same pyarrow."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Text held as Python objects (an empty table's columns among them) is written as text, not as
    # Parquet's typeless null column.
    texts = [c for c in table.columns if table[c].dtype == object and table[c].map(_is_text).all()]
    table = table.astype(dict.fromkeys(texts, "str")) if texts else table
    buffer = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), buffer, compression="zstd")
    return buffer.getvalue().to_pybytes()


def _is_text(value: object) -> bool:
    return isinstance(value, str) or value is None or (isinstance(value, float) and value != value)


def _hashed(pieces: Iterable[str], relative: str, content: str | None, digests: dict) -> Iterator[str]:
    """The pieces as they are written; once all are written, the file's hash goes into `digests`."""
    file_hash = hashlib.sha256()
    for piece in pieces:
        file_hash.update(piece.encode("utf-8"))
        yield piece
    if content is not None:
        digests[relative] = {"content": content, "sha256": file_hash.hexdigest()}


def _file_sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _read_digests(out_dir: Path | None) -> dict[str, dict[str, str]]:
    if out_dir is None:
        return {}
    try:
        digests = json.loads((out_dir / DIGESTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return digests if isinstance(digests, dict) else {}


def write_evaluation(evaluation, out_dir: Path) -> Path:
    """Write an Evaluation (pipeline.measuring.evaluate) as CSV tables and an HTML page, atomically."""

    def files() -> Iterator[tuple[str, str]]:
        for name in ["span_scores", "misses", "false_alarms", "gold_spans", "label_scores", "frame_scores"]:
            table = getattr(evaluation, name)
            if not table.empty:
                yield f"{name}.csv", to_csv_text(table)
        yield (
            "index.html",
            _environment()
            .get_template("evaluation.html")
            .render(evaluation=evaluation, chart=evaluation_chart(evaluation), version=__version__),
        )

    return publish_folder(out_dir, files)


def read_snapshot(out_dir: Path) -> dict | None:
    """The snapshot the last run left in `out_dir`, or None (first run, or an unreadable file)."""
    path = Path(out_dir) / SNAPSHOT_FILE
    try:
        snapshot = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return snapshot if isinstance(snapshot, dict) and {"entries", "outlets", "term_hits"} <= set(snapshot) else None


def evaluation_chart(evaluation) -> str:
    """The label chart of a labelled-text evaluation (label_chart_svg), else nothing."""
    table = evaluation.label_scores
    return label_chart_svg(label_summary(table)) if evaluation.kind == "labels" and len(table) else ""


def label_chart_svg(summary: pd.DataFrame) -> str:
    """Labels as rows (label_summary): a bar from chance (0.5) to the lexicon's AUC, the whole lexicon and
    the baselines as markers."""
    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["svg.hashsalt"] = "mediabias"
    rows = summary.iloc[::-1]
    names = [f"{r.label} ({r.category})" for r in rows.itertuples()]
    figure, axis = plt.subplots(figsize=(9, 1.3 + 0.32 * len(rows)))
    beats = rows["beats_baselines"].to_numpy(dtype=bool)
    places = np.arange(len(rows))
    axis.barh(places, rows["auc_lexicon"] - 0.5, left=0.5, color=np.where(beats, "#2166ac", "#d6604d"), height=0.6)
    markers = [
        ("all_categories", "D", "#222222", "whole lexicon"),
        ("length", "|", "#1b7837", "length (words)"),
        ("subjectivity", "x", "#762a83", "TextBlob subjectivity"),
    ]
    for score, marker, color, name in markers:
        axis.scatter(rows[f"auc_{score}"], places, marker=marker, color=color, s=40, zorder=3, label=name)
    axis.axvline(0.5, color="#444", linewidth=0.8, linestyle="--", label="chance (0.5)")
    handles, _ = axis.get_legend_handles_labels()
    handles = [
        Patch(color="#2166ac", label="lexicon (label's category): above both baselines"),
        Patch(color="#d6604d", label="lexicon (label's category): not above both"),
        *handles,
    ]
    values = rows[[f"auc_{s}" for s in ("lexicon", "all_categories", "length", "subjectivity")]].to_numpy(float)
    finite = values[np.isfinite(values)]
    low, high = (min(0.4, finite.min() - 0.05), max(0.8, finite.max() + 0.05)) if finite.size else (0.0, 1.0)
    axis.set_xlim(max(0.0, low), min(1.0, high))
    axis.set_xlabel("ROC AUC (0.5 = chance, 1 = every labelled text scores above every other)", fontsize=9)
    axis.set_title("ROC AUC per label (category in brackets)", fontsize=10)
    axis.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    axis.set_yticks(places, names)
    axis.tick_params(labelsize=9)
    axis.spines[["top", "right"]].set_visible(False)
    return _svg_of(figure)
