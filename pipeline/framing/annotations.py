"""How outlets tell the same event: actors, labels, attribution verbs and frame cues, outlet by outlet."""

from __future__ import annotations

import bisect
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.framing.events import events_of_rows
from pipeline.framing.statements import attribution_counts, attribution_table_of_parts, statements_of
from pipeline.measuring import score
from pipeline.measuring.statistics import (
    ARTICLE_RATIOS,
    POLARITY_RANGE,
    cohens_d,
    group_permutation_tests,
    interval_over_articles,
    log_odds_against_rest,
    share_interval,
    total_counts,
)
from pipeline.reading.lexicons import FRAME_DIMENSIONS, Entry, FramingLexicons
from pipeline.schema import (
    ACTOR_COLUMNS,
    ANNOTATION_COLUMNS,
    ANNOTATION_DTYPES,
    ARTICLE_FRAME_COLUMNS,
    ATTRIBUTION_COLUMNS,
    DISTINCTIVE_COLUMNS,
    EVENT_CONTRAST_COLUMNS,
    FRAME_COLUMNS,
    LABEL_COLUMNS,
    NARRATIVE,
    QUOTE,
    REPORTED,
    counted,
    narrative_words,
)
from pipeline.support.dataframes import (
    concat_column,
    counts_added,
    counts_listed,
    in_one_piece,
    joined_frames,
    plain_strings,
    rows_counted,
)
from pipeline.support.memory import return_freed_memory
from pipeline.text.candidates import candidate_counts
from pipeline.text.match import Match, Matcher, Words
from pipeline.text.segment import QuoteIndex, SpanIndex
from pipeline.text.speech import NATIONALITIES, PERSON, ArticleNames, person_name
from pipeline.text.speech import reported_spans as speech_spans

# An actor's tone and rate in fewer sentences than this are flagged: too little to compare.
FEW_SENTENCES = 5
# Events that get a page (and the details it shows): the widest first (widest_events).
EVENT_PAGES = 100


def _actor_matches(found: list[Match], text: str) -> list[Match]:
    """Actor aliases written in capitals (US, PMF) only match capitals, so "us" the pronoun is no actor."""
    return [
        m for m in found if not (m.entry.term.isupper() and len(m.entry.term) > 1) or text[m.start : m.end].isupper()
    ]


def annotate(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    framing: FramingLexicons,
    words_by_article: dict[str, tuple[Words, SpanIndex, SpanIndex]] | None = None,
) -> pd.DataFrame:
    """Find actors, labels and frame cues in every sentence (ANNOTATION_COLUMNS), each with its voice, and
    for labels whether they refer to their concept (label_referent).

    `words_by_article` holds articles' (Words, quotes, reported speech) already built by score_articles
    (others are built here).
    """
    matchers = {
        kind: Matcher(getattr(framing, name))
        for kind, name in [("actor", "actors"), ("label", "labels"), ("frame", "frames")]
    }
    reporting, actor_matcher = Matcher(framing.attribution), Matcher(framing.actors)
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    known_words = words_by_article or {}
    # Plain lists and positions per article: a pandas group per article costs more than its matching.
    article_ids = sentences["article_id"].tolist()
    outlets, sentence_ids = sentences["outlet"].tolist(), sentences["sentence_id"].tolist()
    starts, ends, sentence_texts = sentences["start"].tolist(), sentences["end"].tolist(), sentences["text"].tolist()
    polarities = sentences["polarity"].tolist()
    positions_of: dict[str, list[int]] = {}
    for position, article_id in enumerate(article_ids):
        positions_of.setdefault(article_id, []).append(position)
    rows = []
    for article_id in sorted(positions_of):
        positions = positions_of[article_id]
        article_text = texts[article_id]
        spans = [(starts[p], ends[p]) for p in positions]
        if article_id in known_words:
            words, quoted, reported, spoken = known_words[article_id]
        else:
            words, quoted = Words(article_text, spans), QuoteIndex(article_text)
            spoken = score.article_speech(article_text, spans, quoted.spans, reporting.find_in_sentences(words))
            reported = SpanIndex(speech_spans(spoken))
        found = {kind: matcher.find_in_sentences(words) for kind, matcher in matchers.items()}
        names = ArticleNames(article_text, spans)
        for s, source, actor in statements_of(article_text, spans, spoken, actor_matcher, names):
            position = positions[s.sentence]
            base = (article_id, outlets[position], sentence_ids[position])
            verb = s.verb.entry.term if s.verb is not None else ""
            rows.append(
                (*base, "statement", actor, verb, source.written, 1.0, s.kind, source.source_type, s.start, s.end, 0.0)
            )
        for k, position in enumerate(positions):
            text, offset = sentence_texts[position], starts[position]
            base = (article_id, outlets[position], sentence_ids[position])
            # A sentence outside every quote and reported statement is the outlet's own words throughout.
            end = offset + len(text)
            own_words = not quoted.overlaps(offset, end) and not reported.overlaps(offset, end)

            def voice(m: Match) -> str:
                return NARRATIVE if own_words else score.voice_at(offset + m.start, quoted, reported)  # noqa: B023

            actors = _actor_matches(found["actor"][k], text)
            tone = _ClauseTone(text, polarities[position])
            for m in actors:
                rows.append(_annotation(base, "actor", m, text, 1.0, voice(m), polarity=tone.around(m.start, m.end)))
            for m in _name_matches(text, offset, names.of(k), actors):
                rows.append(_annotation(base, "name", m, text, 1.0, voice(m), polarity=tone.around(m.start, m.end)))
            for m in found["label"][k]:
                referent = label_referent(text, m, actors, framing.referents_of(m.entry.category))
                rows.append(_annotation(base, "label", m, text, m.entry.weight, voice(m), referent))
            for m in found["frame"][k]:
                rows.append(_annotation(base, "frame", m, text, 1.0, voice(m)))
    # sentence_id in 32 bits: tens of annotations per article, so the column is large.
    return pd.DataFrame(rows, columns=ANNOTATION_COLUMNS).astype(ANNOTATION_DTYPES)


def _annotation(
    base: tuple, kind: str, m: Match, text: str, value: float, voice: str, referent: str = "", polarity: float = 0.0
) -> tuple:
    """One ANNOTATION_COLUMNS row; `base` is (article_id, outlet, sentence_id)."""
    matched = sys.intern(text[m.start : m.end])
    return (*base, kind, m.entry.category, m.entry.term, matched, value, voice, referent, m.start, m.end, polarity)


def _name_matches(text: str, offset: int, names: list[tuple[int, int, str]], actors: list[Match]) -> list[Match]:
    """The sentence's names (text.speech.names_in, article offsets; the sentence starts at `offset`) that no
    actors.csv alias covers, as Matches (sentence offsets) whose entry's category is the name (a person's
    without titles) and whose term its type ("initial": one word opening the sentence, a name only if the
    corpus writes it elsewhere too)."""
    found = []
    for start, end, kind in ((a - offset, b - offset, kind) for a, b, kind in names):
        if any(a.start < end and start < a.end for a in actors):
            continue
        written = text[start:end]
        name = re.sub(r"['’]s$", "", person_name(written) if kind == PERSON else written)
        if not name or name.lower() in NATIONALITIES:
            continue
        # One word that opens the sentence, a quote or a clause may be any word written with a capital.
        before = text[:start].rstrip()
        one_word_opening = " " not in written and (not before.strip("“‘\"'(") or before[-1] in "“‘\"':(")
        found.append(Match(start, end, Entry("initial" if one_word_opening else kind, name, 1.0, "", "", 0, ())))
    return found


class _ClauseTone:
    """The polarity of the clause around a span of one sentence: its words up to , ; : ( ) or a dash."""

    def __init__(self, text: str, sentence_polarity: float):
        self.text = text
        self._breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
        # A sentence without a break is one clause: its polarity is the sentence's, already scored.
        self._known: dict[tuple[int, int], float] = {(0, len(text)): sentence_polarity}

    def around(self, start: int, end: int) -> float:
        k = bisect.bisect_left(self._breaks, start)
        clause = (self._breaks[k - 1] + 1 if k else 0, next((b for b in self._breaks[k:] if b >= end), len(self.text)))
        if clause not in self._known:
            self._known[clause] = score.score_sentence(self.text[clause[0] : clause[1]])[0]
        return self._known[clause]


# At most this many words between an actor and the label it modifies: "ISIS terror group", "the Iranian
# missile strikes", "(known as ISIS or Daesh) terror group".
MODIFIER_WORDS = 2
# At most this many words of a noun phrase after "of", "by" or "against": "the assassination of Iranian
# General Qassem Soleimani".
OF_PHRASE_WORDS = 6
_GAP = re.compile(r"[\s\w’'()-]*")
_CLAUSE_BREAK = re.compile(r"[,;:()—–]")
_OF = re.compile(r"\s+(?:of|by|against)\s")
# Words that end a noun phrase: between them and a label, an actor is the subject of a clause, not a modifier.
_PREPOSITIONS = frozenset(
    ["in", "on", "at", "from", "to", "into", "with", "for", "over", "under", "near", "inside", "outside", "across"]
)
_NOT_MODIFIERS = frozenset(
    [
        "that",
        "which",
        "who",
        "whom",
        "and",
        "but",
        "or",
        "as",
        "when",
        "if",
        "said",
        "says",
        "say",
        "told",
        "to",
        "has",
        "have",
        "had",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "do",
        "does",
        "did",
        "not",
    ]
)


def label_referent(text: str, label: Match, actors: list[Match], referents: tuple[str, ...]) -> str:
    """Whom a label use refers to, for a concept about `referents` (labels.csv's refers_to): "" when it is
    the concept, or when its noun phrase names none of the actors; else the actor its noun phrase names
    ("ISIS terror group": Islamic State; "the Iranian missile strikes": Iran). Offsets are the sentence's."""
    if not referents:
        return ""
    in_phrase = [a for a in actors if _in_noun_phrase(text, a, label)]
    if not in_phrase or any(a.entry.category in referents for a in in_phrase):
        return ""
    return in_phrase[-1].entry.category


def _in_noun_phrase(text: str, actor: Match, label: Match) -> bool:
    """An actor right before the label (at most MODIFIER_WORDS words between, no clause break and no verb),
    or in the noun phrase after it behind "of", "by" or "against"."""
    # Words are split off only up to one more than may stand between: most actors are far from the label.
    if actor.end <= label.start:
        gap = text[actor.end : label.start]
        words = gap.split(None, MODIFIER_WORDS)
        return len(words) <= MODIFIER_WORDS and bool(_GAP.fullmatch(gap)) and not _NOT_MODIFIERS & set(words)
    if actor.start >= label.end:
        gap = text[label.end : actor.start]
        of = _OF.match(gap)
        if not of:
            return False
        rest = gap[of.end() :].split(None, OF_PHRASE_WORDS)
        # "the killing of a top Iranian commander": a country's adjective there describes whom, not who
        adjective = text[actor.start : actor.end].lower() in NATIONALITIES
        return (
            len(rest) <= OF_PHRASE_WORDS
            and not adjective
            and bool(_GAP.fullmatch(gap))
            and not (_NOT_MODIFIERS | _PREPOSITIONS) & set(rest)
        )
    return False


@dataclass(frozen=True)
class ActorMentions:
    """What the actors table needs that no loaded-language lexicon changes, so that it can be cached.

    `mentioned`: one row per (group, actor, sentence) with the sentence's article_id, sentence_id and
    own (unquoted) words, each group's rows together and the groups in the summary's order;
    `summary`: per group and actor (index), the ACTOR_COLUMNS except loaded_per_1k.
    """

    by: tuple[str, ...]
    mentioned: pd.DataFrame
    summary: pd.DataFrame


def actor_mentions(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    statements: pd.DataFrame | None = None,
    by: tuple[str, ...] = (),
) -> ActorMentions:
    """The lexicon-free part of the actors table: mentions, tone around them with its interval, and
    statements per outlet and actor (of `statements`, the statements table, those whose speaker is the
    actor; none without it). `mentions` is the actor mentions table (framing.mentions): a sentence's
    tone about an actor is the mean polarity around its mentions there.

    `by` names columns of `mentions` and `statements` to group by first (e.g. event_id); they lead the result.
    """
    return actor_mentions_of_parts([mentioned_sentences(sentences, mentions, statements, by)], by)


@dataclass(frozen=True)
class MentionedSentences:
    """What ActorMentions is made of, of some articles (a partition of them, or all).

    `mentioned`: ActorMentions' rows, in its order, with each sentence's tone about the actor
    (`polarity`); `n_mentions`: per group (as the summary's index names it), its mentions;
    `quoted`: per group and speaking actor, its statements.
    """

    mentioned: pd.DataFrame
    n_mentions: dict[tuple, int]
    quoted: dict[tuple, int]


def mentioned_sentences(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    statements: pd.DataFrame | None = None,
    by: tuple[str, ...] = (),
) -> MentionedSentences:
    """Per group and sentence that mentions its actor (see actor_mentions): the rows the actors table
    sums, of the articles of `sentences`."""
    keys = [*by, "outlet"]
    group_keys = [*keys, "key"]
    # Sentences are found by row number, not by merging on article ids: a merge of millions of mentions
    # on ids as strings peaks at many times the annotations' size.
    mentions = mentions[[*keys, "actor", "article_id", "sentence_id", "polarity"]].rename(columns={"actor": "key"})
    mention_polarity = mentions["polarity"].to_numpy(dtype=float)
    statements = pd.DataFrame(columns=[*keys, "actor"]) if statements is None else statements
    spoken = statements.loc[statements["actor"] != "", [*keys, "actor"]]
    quoted_counts = {key: int(n) for key, n in spoken.groupby([*keys, "actor"], sort=True).size().items()}
    del spoken
    # One row per group and sentence the table has, in the sentences' order within each group, whatever
    # the annotations' order: found on integers (each mention's group and sentence row), because
    # dropping duplicates and sorting the mentions' columns copies them several times over. Each
    # temporary goes once used.
    # Groups are counted on the same integers: grouping millions of mentions by their columns copies them too.
    rows = sentence_rows(sentences, mentions)
    mentions = mentions[group_keys]  # their sentences found: the ids' columns, a row per mention, go
    groups = _sort_codes(mentions, group_keys)
    mentioned_groups, mentions_per_group = np.unique(groups, return_counts=True)
    by_group_and_row = np.lexsort((rows, groups))  # stable: the first mention first
    if (rows < 0).any():  # mentions of sentences the table lacks; copied only then
        by_group_and_row = by_group_and_row[rows[by_group_and_row] >= 0]
    run_starts = np.flatnonzero(_run_starts(groups[by_group_and_row], rows[by_group_and_row]))
    first = by_group_and_row[run_starts]
    # A sentence's tone about an actor: the mean around its mentions there, whatever their order.
    sentence_polarity = (
        np.add.reduceat(mention_polarity[by_group_and_row], run_starts) if len(run_starts) else np.empty(0)
    )
    sentence_polarity /= np.diff(np.append(run_starts, len(by_group_and_row)))
    del by_group_and_row, run_starts, mention_polarity
    row, group_of_row = rows[first], groups[first]
    del rows, groups
    starts = np.flatnonzero(_run_starts(group_of_row))
    n_mentions = mentions_per_group[np.searchsorted(mentioned_groups, group_of_row[starts])]
    del group_of_row, mentioned_groups, mentions_per_group
    # Built in the small types kept (one row per actor and sentence is millions of rows in a large
    # corpus, held in memory and in the cache).
    mentioned = mentions.take(first).reset_index(drop=True)
    del mentions, first
    article_codes, article_ids = pd.factorize(sentences["article_id"], sort=True)
    mentioned["article_id"] = pd.Categorical.from_codes(
        article_codes[row], categories=article_ids
    ).remove_unused_categories()
    del article_codes
    mentioned["sentence_id"] = sentences["sentence_id"].to_numpy()[row].astype(np.int32, copy=False)
    own_words = narrative_words(sentences).to_numpy()
    mentioned["own_words"] = own_words[row].astype(np.int32, copy=False)
    mentioned["polarity"] = sentence_polarity
    del own_words, row
    index = _group_index(mentioned, group_keys, starts)
    return MentionedSentences(mentioned, dict(zip(index, (int(n) for n in n_mentions), strict=True)), quoted_counts)


def actor_mentions_of_parts(parts: Iterable[MentionedSentences], by: tuple[str, ...] = ()) -> ActorMentions:
    """ActorMentions of the articles of all `parts` (of partitions of articles, in article id order)."""
    group_keys = [*by, "outlet", "key"]
    n_mentions, quoted_counts, frames = Counter(), Counter(), []
    for part in parts:
        n_mentions.update(part.n_mentions)
        quoted_counts.update(part.quoted)
        frames.append(part.mentioned)
    del parts
    mentioned = frames[0] if len(frames) == 1 else _joined_by_group(frames, group_keys)
    del frames
    polarity = mentioned.pop("polarity").to_numpy()
    starts = np.flatnonzero(_run_starts(_sort_codes(mentioned, group_keys)))
    # The groups' keys as grouping names them, from one row of each: the same index as grouping every row.
    index = _group_index(mentioned, group_keys, starts)
    polarity_of_group = np.split(polarity, starts[1:]) if len(starts) else []
    article_of_row = mentioned["article_id"].cat.codes.to_numpy()
    articles_of_group = np.split(article_of_row, starts[1:]) if len(starts) else []
    rows = []
    for group_key, values, articles in zip(index, polarity_of_group, articles_of_group, strict=True):
        # Over the articles that mention the actor: each article's sentences about it, summed.
        _, article_of_value = np.unique(articles, return_inverse=True)
        low, high = interval_over_articles(
            np.bincount(article_of_value, weights=values),
            np.bincount(article_of_value).astype(float),
            bounds=POLARITY_RANGE,
        )
        rows.append(
            (n_mentions[group_key], len(values), float(values.mean()), low, high, quoted_counts.get(group_key, 0))
        )
    summary = pd.DataFrame(
        rows,
        columns=["mentions", "sentences", "polarity", "polarity_low", "polarity_high", "quoted"],
        index=index,
    )
    return ActorMentions(by, mentioned, summary)


def _joined_by_group(frames: list[pd.DataFrame], group_keys: list[str]) -> pd.DataFrame:
    """Parts' mentioned sentences (each part's groups in order, a group's rows in article order) as
    one table with each group's rows together, in article order. Joined a column at a time, each
    part's column let go once joined: the parts, the joined table and its sorted copy do not meet.
    The frames are used up: they are left without columns."""
    frames = [frame for frame in frames if len(frame)] or frames[:1]
    order = np.argsort(_sort_codes(joined_frames([frame[group_keys] for frame in frames]), group_keys), kind="stable")
    columns = {}
    for column in list(frames[0].columns):
        joined = in_one_piece(concat_column([frame.pop(column) for frame in frames]))
        columns[column] = joined.take(order).reset_index(drop=True)
        del joined
    return pd.DataFrame(columns, copy=False)


def _group_index(mentioned: pd.DataFrame, group_keys: list[str], starts: np.ndarray) -> pd.Index:
    """The index grouping `mentioned` by `group_keys` gives, from the first row of each group (`starts`)."""
    return mentioned[group_keys].iloc[starts].groupby(group_keys, sort=True, observed=True).size().index


def _run_starts(*sorted_keys: np.ndarray) -> np.ndarray:
    """True where a row begins a run of equal keys (rows sorted by them): the first row, and each row
    where any key differs from the row before."""
    if not len(sorted_keys[0]):
        return np.zeros(0, dtype=bool)
    changes = np.zeros(len(sorted_keys[0]), dtype=bool)
    changes[0] = True
    for key in sorted_keys:
        changes[1:] |= key[1:] != key[:-1]
    return changes


def _sort_codes(table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One integer per row that orders the rows as sorting by `columns` would (a category by its codes),
    in 32 bits when every combination fits."""
    coded = []
    for column in columns:
        values = table[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            coded.append((values.cat.codes.to_numpy(), len(values.cat.categories)))
        else:
            codes, uniques = pd.factorize(values, sort=True)
            coded.append((codes, len(uniques)))
    fits = math.prod(n + 1 for _, n in coded) <= np.iinfo(np.int32).max
    combined = np.zeros(len(table), dtype=np.int32 if fits else np.int64)
    for codes, n in coded:
        combined *= n + 1
        combined += np.where(codes < 0, n, codes)  # a missing value (-1) sorts last
    return combined


def sentence_rows(sentences: pd.DataFrame, rows: pd.DataFrame, block: int = 1_000_000) -> np.ndarray:
    """The position in `sentences` of each row's (article_id, sentence_id), -1 where there is none.

    Rows are looked up `block` at a time: a lookup makes five temporary arrays as long as its rows,
    too much to hold at once for millions of annotations.
    """
    sentence_articles, ids = pd.factorize(sentences["article_id"])
    ids = pd.Index(ids)
    place = (sentence_articles.astype(np.int64) << 32) | sentences["sentence_id"].to_numpy(dtype=np.int64)
    order = np.argsort(place, kind="stable")
    place = place[order]
    # Row numbers in 32 bits while they fit: a large corpus has millions of annotations to look up.
    found = np.full(len(rows), -1, dtype=np.int32 if len(place) <= np.iinfo(np.int32).max else np.int64)
    if not len(place):
        return found
    articles = rows["article_id"]
    if isinstance(articles.dtype, pd.CategoricalDtype):  # look each category up once
        code_of_category = np.append(ids.get_indexer(articles.cat.categories), -1)
        codes = articles.cat.codes.to_numpy()
    for first in range(0, len(rows), block):
        part = slice(first, first + block)
        if isinstance(articles.dtype, pd.CategoricalDtype):
            article_codes = code_of_category[codes[part]]  # code -1 (missing) takes the appended -1
        else:
            article_codes = ids.get_indexer(articles.iloc[part])
        wanted = (article_codes.astype(np.int64) << 32) | rows["sentence_id"].iloc[part].to_numpy(dtype=np.int64)
        at = np.minimum(np.searchsorted(place, wanted), len(place) - 1)
        hit = (article_codes >= 0) & (place[at] == wanted)
        found[part][hit] = order[at[hit]]
    return found


def actor_rates(mentions: ActorMentions, hits: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and actor: mentions, tone of the sentences that mention it, loaded language there, quotes (ACTOR_COLUMNS).

    From its lexicon-free part (actor_mentions) and the hits: adds loaded terms per 1,000 own words.
    """
    mentioned = mentions.mentioned
    # Each group's rows are together and in the summary's order (see ActorMentions): summed in place,
    # because grouping millions of rows by their columns copies them.
    sizes = mentions.summary["sentences"].to_numpy(np.intp)
    starts = np.cumsum(sizes) - sizes
    n_hits = _group_sums(_counted_hits_in(mentioned, hits).astype(float), starts)
    own_words = _group_sums(mentioned["own_words"].to_numpy(np.int64), starts)  # may pass 32 bits
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(own_words > 0, n_hits * 1000 / own_words, 0.0)
    table = mentions.summary.assign(loaded_per_1k=rates.astype(float), few=sizes < FEW_SENTENCES).reset_index()
    table = table.rename(columns={"key": "actor"}).astype(
        {"mentions": "int64", "sentences": "int64", "quoted": "int64"}
    )
    return plain_strings(table[[*mentions.by, *ACTOR_COLUMNS]])


def _group_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sums of `values` over the runs of rows that begin at `starts`."""
    return np.add.reduceat(values, starts) if len(starts) else values[:0]


def _counted_hits_in(mentioned: pd.DataFrame, hits: pd.DataFrame, block: int = 1_000_000) -> np.ndarray:
    """For each row of `mentioned` (article_id as a category, sentence_id), the hits in its sentence that
    count: narrative voice, not negated.

    Sentences are found by key, not by merging millions of mentions with the hits: the merge would
    copy the mentions and the counted hits.
    """
    own_words = counted(hits).to_numpy(dtype=bool)
    articles = mentioned["article_id"].cat.categories
    # -1 for an article no mention is in (a Categorical of such values is deprecated in pandas).
    hit_articles = articles.get_indexer(hits["article_id"].array[own_words]).astype(np.int64)
    hit_keys = (hit_articles << 32) | hits["sentence_id"].to_numpy(dtype=np.int64)[own_words]
    hit_keys = np.sort(hit_keys[hit_articles >= 0])
    # A block of mentions at a time: each lookup's keys and positions are 64-bit arrays of every row.
    codes, sentence_ids = mentioned["article_id"].cat.codes.to_numpy(), mentioned["sentence_id"].to_numpy()
    counted_hits = np.empty(len(mentioned), dtype=np.int64)
    for first in range(0, len(mentioned), block):
        part = slice(first, first + block)
        keys = (codes[part].astype(np.int64) << 32) | sentence_ids[part].astype(np.int64)
        counted_hits[part] = np.searchsorted(hit_keys, keys, side="right") - np.searchsorted(
            hit_keys, keys, side="left"
        )
    return counted_hits


# What label_table reads of the annotations.
LABEL_READS = ["article_id", "outlet", "kind", "key", "term", "matched", "voice", "referent", "value"]


def label_uses(annotations: pd.DataFrame) -> pd.DataFrame:
    """The annotations label_table counts: the uses of labels, with the columns it reads."""
    return annotations.loc[(annotations["kind"] == "label").to_numpy(), LABEL_READS]


def label_table_of_parts(parts: Iterable[pd.DataFrame], by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The labels table of the label_counts of partitions of articles, each added in turn."""
    counts = counts_added(parts, [*by, *LABEL_COUNTED])
    if counts is None:
        counts = label_counts(pd.DataFrame(columns=[*by, *LABEL_READS]), by)
    return label_table_of_counts(counts, by)


def label_counts(annotations: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The uses of labels of `annotations`, counted (`n`) per outlet, concept, label, form as written,
    voice, referent and connotation (and the columns of `by` first), in order of first use: what
    label_table is made of, and the counts of parts of the annotations add up."""
    labels = annotations.loc[(annotations["kind"] == "label").to_numpy(), [*by, *LABEL_COUNTED]]
    return rows_counted(labels, [*by, *LABEL_COUNTED])


# What label_counts counts the uses of labels by.
LABEL_COUNTED = ["outlet", "key", "term", "matched", "voice", "referent", "value"]


def label_table(annotations: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per outlet, concept and label: how often the outlet uses that word for the thing, by voice, and
    the uses that refer to someone else (LABEL_COLUMNS).

    `by` names columns to group by first (e.g. event_id); they lead the result.
    """
    return label_table_of_counts(label_counts(annotations, by), by)


def label_table_of_counts(counts: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """label_table of the label_counts of the annotations."""
    keys = [*by, "outlet", "key", "term"]
    own = (counts["referent"] == "").to_numpy()
    n = counts["n"].to_numpy()
    labels = counts.assign(
        own=np.where(own, n, 0),
        quoted=np.where(own & (counts["voice"] == QUOTE).to_numpy(), n, 0),
        reported=np.where(own & (counts["voice"] == REPORTED).to_numpy(), n, 0),
    )
    table = (
        labels.groupby(keys, sort=True, observed=True)
        .agg(
            n=("own", "sum"), n_quoted=("quoted", "sum"), n_reported=("reported", "sum"), connotation=("value", "first")
        )
        .join(_forms(labels[own], keys).rename("forms"))
        .join(_elsewhere(labels[~own], keys))
        .reset_index()
        .rename(columns={"key": "concept", "term": "label"})
    )
    table = table.fillna({"forms": "", "elsewhere": "", "n_elsewhere": 0})
    table = table.astype(
        {"n": "int64", "n_quoted": "int64", "n_reported": "int64", "n_elsewhere": "int64", "connotation": "float64"}
    )
    return plain_strings(table[[*by, *LABEL_COLUMNS]])


def _elsewhere(counts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: how many uses refer to someone else, and to whom ("Islamic State 1; Iran 1")."""
    listed = counts_listed(counts, keys, "referent", weight="n")
    return listed.rename(columns={"n": "n_elsewhere", "listed": "elsewhere"})


def _forms(counts: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per group: its matched forms (lower case) with their counts, most frequent first: "killed 3; killing 1"."""
    return counts_listed(counts.assign(form=counts["matched"].str.lower()), keys, "form", weight="n")["listed"]


def frame_table(sentences: pd.DataFrame, annotations: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per event, outlet and frame: the share of sentences cueing it, with intervals; the primary frame (FRAME_COLUMNS)."""
    return frame_table_of_parts([frame_counts(sentences, annotations, events)])


@dataclass(frozen=True)
class FrameCounts:
    """What the frames table is made of, of some articles (a partition of them, or all): per (event_id,
    outlet), its sentences; per (event_id, outlet, frame), its sentences that cue the frame."""

    sentences: Counter
    cued: Counter


def frame_counts(sentences: pd.DataFrame, annotations: pd.DataFrame, events: pd.DataFrame) -> FrameCounts:
    """The sentences of each event and outlet, and those of them that cue each frame (see frame_table)."""
    # Counted on integer codes: each sentence's event looked up by article, each cue's sentence by row
    # number, because merges of millions of sentences and cues on article ids copy them.
    event_of = events_of_rows(sentences["article_id"], events)
    outlet_codes, outlet_names = pd.factorize(sentences["outlet"], sort=True)
    n_outlets = max(len(outlet_names), 1)
    group_of_sentence = np.where(event_of.codes >= 0, event_of.codes.astype(np.int64) * n_outlets + outlet_codes, -1)
    groups, sizes = _value_counts(group_of_sentence[group_of_sentence >= 0])
    is_frame = (annotations["kind"] == "frame").to_numpy()
    frames = annotations["key"].astype("category").cat
    n_frames = max(len(frames.categories), 1)
    cue_rows = sentence_rows(sentences, annotations.loc[is_frame, ["article_id", "sentence_id"]])
    cue_codes = frames.codes.to_numpy()[is_frame]
    # A sentence counts once per frame, however many of its cues name it.
    found = cue_rows >= 0
    cued_sentences, _ = _value_counts(cue_rows[found].astype(np.int64) * n_frames + cue_codes[found])
    cue_groups = group_of_sentence[cued_sentences // n_frames]
    in_group = cue_groups >= 0
    cued, cue_counts = _value_counts(cue_groups[in_group] * n_frames + cued_sentences[in_group] % n_frames)

    def named(group: int) -> tuple[str, str]:
        return str(event_of.categories[group // n_outlets]), str(outlet_names[group % n_outlets])

    return FrameCounts(
        Counter({named(group): n for group, n in zip(groups.tolist(), sizes.tolist(), strict=True)}),
        Counter(
            {
                (*named(group), str(frames.categories[frame])): n
                for group, frame, n in zip(
                    (cued // n_frames).tolist(), (cued % n_frames).tolist(), cue_counts.tolist(), strict=True
                )
            }
        ),
    )


def frame_table_of_parts(parts: Iterable[FrameCounts]) -> pd.DataFrame:
    """The frames table of the articles of all `parts` (of partitions of articles)."""
    sentences_of, cued_counts = Counter(), Counter()
    for part in parts:
        sentences_of.update(part.sentences)
        cued_counts.update(part.cued)
    rows = []
    for (event_id, outlet), n in sorted(sentences_of.items()):
        shares = {}
        for frame in FRAME_DIMENSIONS:
            k = cued_counts.get((event_id, outlet, frame), 0)
            low, high = share_interval(k, int(n), name=f"{event_id}/{outlet}/{frame}")
            shares[frame] = (k, k / n if n else 0.0, low, high)
        primary = max(FRAME_DIMENSIONS, key=lambda f: (shares[f][0], -FRAME_DIMENSIONS.index(f)))
        for frame in FRAME_DIMENSIONS:
            k, share, low, high = shares[frame]
            rows.append((event_id, outlet, frame, k, share, low, high, frame == primary and k > 0))
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def article_frame_table(sentences: pd.DataFrame, annotations: pd.DataFrame) -> pd.DataFrame:
    """Per article and frame it cues: the sentences cueing it and their share of the article's (ARTICLE_FRAME_COLUMNS).

    Rows by article id, then in FRAME_DIMENSIONS order; a sentence counts once per frame, however many
    of its cues name it.
    """
    article_codes, article_ids = pd.factorize(sentences["article_id"], sort=True)
    sentences_of_article = np.bincount(article_codes, minlength=len(article_ids))
    outlet_of_article = np.empty(len(article_ids), dtype=object)
    outlet_of_article[article_codes[::-1]] = sentences["outlet"].to_numpy()[::-1]  # each article's first sentence
    is_frame = (annotations["kind"] == "frame").to_numpy()
    frames = annotations["key"].astype("category").cat
    frame_of_code = np.append(pd.Index(FRAME_DIMENSIONS).get_indexer(frames.categories.astype(str)), -1)
    cue_frames = frame_of_code[frames.codes.to_numpy()[is_frame]]  # code -1 (missing) takes the appended -1
    cue_rows = sentence_rows(sentences, annotations.loc[is_frame, ["article_id", "sentence_id"]]).astype(np.int64)
    found = (cue_rows >= 0) & (cue_frames >= 0)
    n_frames = len(FRAME_DIMENSIONS)
    cued_sentences, _ = _value_counts(cue_rows[found] * n_frames + cue_frames[found])
    pairs, counts = _value_counts(
        article_codes[cued_sentences // n_frames].astype(np.int64) * n_frames + cued_sentences % n_frames
    )
    articles, frame_codes = pairs // n_frames, pairs % n_frames
    table = pd.DataFrame(
        {
            "article_id": pd.Series(np.asarray(article_ids, dtype=object)[articles], dtype=object),
            "outlet": pd.Series(outlet_of_article[articles], dtype=object),
            "frame": pd.Series(np.array(FRAME_DIMENSIONS, dtype=object)[frame_codes], dtype=object),
            "n_sentences": counts.astype(np.int64),
            "share": counts / sentences_of_article[articles],
        },
        columns=ARTICLE_FRAME_COLUMNS,
    )
    # By the ids as strings, whatever order the categories of `article_id` have.
    return table.sort_values("article_id", kind="stable").reset_index(drop=True)


def _value_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, sorted, and how often each occurs: np.unique(values, return_counts=True)
    by sorting, which is quicker than numpy's hashing for millions of integers."""
    values = np.sort(values)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else np.array([], dtype=int)
    return values[starts], np.diff(np.r_[starts, len(values)])


def event_contrasts(totals: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Within each event, each outlet against the others (EVENT_CONTRAST_COLUMNS), from the article
    totals (statistics.article_totals): the articles are what is shuffled and what the intervals
    count, since the sentences of one article are not independent of each other.

    A sentence's loaded hits are its `n_hits` (the hits table's narrative, not negated rows).
    """
    in_events = totals.merge(events[["article_id", "event_id"]], on="article_id", how="inner")
    rows = []
    for event_id, group in in_events.groupby("event_id", sort=True):
        outlets = sorted(group["outlet"].unique())
        codes = pd.Index(outlets).get_indexer(group["outlet"])
        sentences = group["n_sentences"].to_numpy(dtype=float)
        for metric, ratio in ARTICLE_RATIOS.items():
            numerators = group[ratio.numerator].to_numpy(dtype=float)
            denominators = group[ratio.denominator].to_numpy(dtype=float)
            squares = group[ratio.squares].to_numpy(dtype=float) if ratio.squares else None
            _, p_values, adjusted = group_permutation_tests(
                codes, numerators, denominators, ratio.scale, name=f"{event_id}/{metric}"
            )
            for k, outlet in enumerate(outlets):
                mine = codes == k
                rows.append(
                    (
                        event_id,
                        outlet,
                        metric,
                        *_outlet_and_rest(numerators, denominators, squares, ratio.scale, mine),
                        p_values[k],
                        adjusted[k],
                        *interval_over_articles(numerators[mine], denominators[mine], ratio.scale, ratio.bounds),
                        int(mine.sum()),
                        int((~mine).sum()),
                        int(sentences[mine].sum()),
                        int(sentences[~mine].sum()),
                    )
                )
    # By event, outlet, then metric in ARTICLE_RATIOS order.
    table = pd.DataFrame(rows, columns=EVENT_CONTRAST_COLUMNS)
    order = table["metric"].map({metric: k for k, metric in enumerate(ARTICLE_RATIOS)})
    return (
        table.assign(_order=order)
        .sort_values(["event_id", "outlet", "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _outlet_and_rest(
    numerators: np.ndarray, denominators: np.ndarray, squares: np.ndarray | None, scale: float, mine: np.ndarray
) -> tuple[float, float, float, float]:
    """The outlet's value, the rest's, their difference and the effect size: Cohen's d for a mean
    (`squares` given), else the ratio of the rates; nan where a side has no denominator (no own words)."""
    outlet_den, rest_den = denominators[mine].sum(), denominators[~mine].sum()
    outlet_value = numerators[mine].sum() * scale / outlet_den if outlet_den else np.nan
    rest_value = numerators[~mine].sum() * scale / rest_den if rest_den else np.nan
    if squares is not None:
        effect = cohens_d(
            (outlet_den, numerators[mine].sum(), squares[mine].sum()),
            (rest_den, numerators[~mine].sum(), squares[~mine].sum()),
        )
    else:
        effect = outlet_value / rest_value if rest_value else np.nan
    return outlet_value, rest_value, outlet_value - rest_value, effect


def distinctive_terms(sentences: pd.DataFrame, top: int = 25) -> pd.DataFrame:
    """Per outlet, the words and two-word phrases most typical of it against all other outlets (DISTINCTIVE_COLUMNS)."""
    return distinctive_terms_of_parts([outlet_term_counts(sentences)], top)


def outlet_term_counts(sentences: pd.DataFrame) -> dict[str, Counter]:
    """Per outlet, how often its sentences use each candidate term (candidate_counts): the counts of
    sentences add up."""
    # One outlet's texts at a time, taken by row number: iterating a grouping of the text column first
    # copies the whole column in group order.
    rows_of = sentences.groupby("outlet", sort=True).indices
    counts = {}
    for outlet in sorted(rows_of):
        counts[str(outlet)] = candidate_counts(sentences["text"].take(rows_of[outlet]))
        return_freed_memory()  # else each outlet's words pile up in the C heap
    return counts


def distinctive_terms_of_parts(parts: Iterable[dict[str, Counter]], top: int = 25) -> pd.DataFrame:
    """distinctive_terms of the sentences whose outlet_term_counts are `parts`, each added in turn."""
    counts: dict[str, Counter] = {}
    for part in parts:
        for outlet, outlet_counts in part.items():
            counts.setdefault(outlet, Counter()).update(outlet_counts)
        del part
    counts = dict(sorted(counts.items()))
    total = total_counts(counts.values())
    rows = []
    for outlet, outlet_counts in counts.items():
        scored = log_odds_against_rest(outlet_counts, total)
        scored = scored[scored["z"] > 0].sort_values(["z", "group"], ascending=[False, False], kind="stable").head(top)
        rows.extend(
            (outlet, term, int(n_outlet), int(n_rest), log_odds, z)
            for term, n_outlet, n_rest, log_odds, z in zip(
                scored.index, scored["group"], scored["rest"], scored["log_odds"], scored["z"], strict=True
            )
        )
    return pd.DataFrame(rows, columns=DISTINCTIVE_COLUMNS)


def headline_findings(
    event_outlets: list[str],
    labels: pd.DataFrame,
    contrasts: pd.DataFrame,
    attribution: pd.DataFrame,
    frames: pd.DataFrame,
    term_hits: pd.DataFrame | None = None,
) -> list[dict]:
    """Plain-word findings for one event, each from the numbers of the event's tables and pointing at its evidence.

    `term_hits` (outlet, term, n) counts each outlet's counted hits in the event per lexicon term. Each
    difference between outlets says whether it could be chance (its permutation p-value, adjusted for
    comparing every outlet of the event). Returns dicts with
    `text`, `anchor` (the section of the event page holding the numbers) and, but for frames, `evidence`:
    which sentences the finding rests on (kind label, hits, tone or statements, with the outlet and the
    label, terms or verb classes), for the report to show them.
    """
    term_hits = pd.DataFrame(columns=["outlet", "term", "n"]) if term_hits is None else term_hits
    findings = []
    # Only the outlets' own uses: a label in a quote or in reported speech is the source's word.
    own = labels.assign(n_own=labels["n"] - labels["n_quoted"] - labels["n_reported"])
    own = own[own["n_own"] > 0]
    for concept, group in own.groupby("concept", sort=True):
        users = set(group["outlet"])
        outlets_using = {label: set(rows["outlet"]) for label, rows in group.groupby("label")}
        for row in group.sort_values(["connotation", "n_own", "label"], ascending=[True, False, True]).itertuples(
            index=False
        ):
            never = [o for o in event_outlets if o in users and o not in outlets_using[row.label]]
            if never and row.outlet not in never and abs(row.connotation) >= 0.5:
                times = "once" if row.n_own == 1 else f"{row.n_own} times"
                findings.append(
                    {
                        "text": f"{row.outlet} calls {concept} “{row.forms.split(' ')[0]}” ({row.label}) {times} in its own "
                        f"words; {_join(never)}, which also name{'s' if len(never) == 1 else ''} {concept}, never do"
                        + ("es" if len(never) == 1 else "")
                        + f" (connotation {row.connotation:+.1f}).",
                        "anchor": "labels",
                        "evidence": {"kind": "label", "outlet": row.outlet, "concept": concept, "label": row.label},
                    }
                )
                break
    # An outlet with no words in its own voice in the event has no rate: it is neither highest nor lowest.
    loaded = contrasts[(contrasts["metric"] == "loaded_per_1k") & contrasts["outlet_value"].notna()].sort_values(
        ["outlet_value", "outlet"], ascending=[False, True]
    )
    if len(loaded) >= 2:
        top = loaded.iloc[0].outlet
        mine = term_hits[term_hits["outlet"] == top].sort_values(["n", "term"], ascending=[False, True])
        findings.append(
            {
                "text": _loaded_finding(loaded, term_hits),
                "anchor": "statistics",
                "evidence": {"kind": "hits", "outlet": top, "terms": list(mine["term"].head(3))},
            }
        )
    polarity = contrasts[contrasts["metric"] == "polarity"].sort_values(["outlet_value", "outlet"])
    if len(polarity) >= 2:
        low, high = polarity.iloc[0], polarity.iloc[-1]
        findings.append(
            {
                "text": f"{low.outlet} is the most negative in tone (mean polarity {low.outlet_value:+.3f} over all its "
                "sentences in this event, quotes and reported speech included"
                + (f", Cohen's d {low.effect_size:+.2f}" if not math.isnan(low.effect_size) else "")
                + f"; {high.outlet} the most positive, {high.outlet_value:+.3f}), "
                + _reliability(low, len(polarity))
                + ".",
                "anchor": "statistics",
                "evidence": {"kind": "tone", "outlet": low.outlet},
            }
        )
    doubting = attribution[attribution["verb_class"].isin(["doubting", "disparaging"])]
    for outlet, group in doubting.groupby("outlet", sort=True):
        speakers = "; ".join(f"{r.speaker} ({r.verbs})" for r in group.itertuples(index=False))
        findings.append(
            {
                "text": f"{outlet} introduces statements with doubting or disparaging verbs {int(group['n'].sum())} "
                f"time{'s' if group['n'].sum() != 1 else ''}: {speakers}.",
                "anchor": "attribution",
                "evidence": {"kind": "statements", "outlet": outlet, "verb_classes": ["doubting", "disparaging"]},
            }
        )
    frame_finding = _frame_finding(frames[frames["primary"]])
    if frame_finding:
        findings.append({"text": frame_finding, "anchor": "frames"})
    return findings


def _reliability(contrast, n_outlets: int) -> str:
    """A contrast's permutation p-value (event_contrasts' row), adjusted for comparing every outlet of
    the event, in plain words, with the articles shuffled."""
    if math.isnan(contrast.p_adjusted):  # e.g. the other outlets write nothing in their own voice here
        return "with no test of the difference possible"
    p = contrast.p_adjusted
    # Three places where two would round a p below 0.05 up to "0.05" beside "unlikely to be chance".
    shown = f"{p:.3f}" if 0.045 <= p < 0.05 else f"{p:.2f}"
    test = f"permutation p = {shown}, over {contrast.n_articles + contrast.n_articles_rest} articles"
    if n_outlets > 2:
        test += f", adjusted for comparing {n_outlets} outlets"
    if p < 0.05:
        return f"a difference unlikely to be chance alone ({test})"
    return f"but the difference could be chance ({test})"


def _loaded_finding(loaded: pd.DataFrame, term_hits: pd.DataFrame) -> str:
    """Which outlet's own words are the most loaded, whether that could be chance, which terms carry it, and
    whether it still holds without the outlet's most frequent term."""
    top, runner_up, bottom = loaded.iloc[0], loaded.iloc[1], loaded.iloc[-1]
    text = (
        f"{top.outlet} has the highest rate of loaded language in its own words ({top.outlet_value:.1f} per 1,000 "
        f"words; the other outlets {top.rest_value:.1f}; the lowest {bottom.outlet}, {bottom.outlet_value:.1f}), "
        + _reliability(top, len(loaded))
    )
    mine = term_hits[term_hits["outlet"] == top.outlet].sort_values(["n", "term"], ascending=[False, True])
    total = int(mine["n"].sum())
    if total and top.outlet_value > 0:
        terms = ", ".join(f"“{r.term}” {r.n}" for r in mine.head(3).itertuples(index=False))
        text += f". Its {total} hits are led by {terms}"
        largest = mine.iloc[0]
        without = top.outlet_value * (total - largest.n) / total  # the same words, one entry fewer
        if without <= runner_up.outlet_value:
            text += (
                f"; without “{largest.term}” its rate would be {without:.1f}, not above {runner_up.outlet}'s "
                f"{runner_up.outlet_value:.1f}"
            )
    return text + "."


def _frame_finding(primary: pd.DataFrame) -> str:
    """Whether the outlets lead with the same frame: agreement when most of them do."""
    if len(primary) < 2:
        return ""
    by_frame = primary.groupby("frame", sort=True)["outlet"].apply(list)
    common = max(by_frame.index, key=lambda frame: (len(by_frame[frame]), -list(by_frame.index).index(frame)))
    sharing = primary[primary["frame"] == common]
    others = primary[primary["frame"] != common]
    shares = ", ".join(f"{r.outlet} {r.share:.0%}" for r in sharing.itertuples(index=False))
    if others.empty:
        return f"All outlets lead with the same frame, {common} ({shares} of their sentences)."
    rest = "; ".join(f"{r.outlet} leads with {r.frame} ({r.share:.0%})" for r in others.itertuples(index=False))
    if len(sharing) * 2 > len(primary):
        return f"Most outlets lead with the same frame, {common} ({shares} of their sentences); {rest}."
    parts = [f"{r.outlet}: {r.frame} ({r.share:.0%} of sentences)" for r in primary.itertuples(index=False)]
    return "The outlets lead with different frames. " + "; ".join(parts) + "."


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def widest_events(events: pd.DataFrame, limit: int = EVENT_PAGES) -> list[str]:
    """The `limit` events covered by the most outlets, then with the most articles (then by id)."""
    if events.empty:
        return []
    sizes = events.groupby("event_id").agg(n_outlets=("outlet", "nunique"), n_articles=("article_id", "size"))
    ranked = sizes.reset_index().sort_values(
        ["n_outlets", "n_articles", "event_id"], ascending=[False, False, True], kind="stable"
    )
    return list(ranked["event_id"].head(limit))


@dataclass(frozen=True)
class EventFraming:
    """The lexicon-free part of event_details, for the events that get pages: cached between runs."""

    event_ids: list[str]
    outlets: dict[str, list[str]]
    labels: dict[str, pd.DataFrame]
    attribution: dict[str, pd.DataFrame]
    actors: ActorMentions


def event_framing(
    sentences: pd.DataFrame,
    annotations: pd.DataFrame,
    statements: pd.DataFrame,
    mentions: pd.DataFrame,
    events: pd.DataFrame,
    limit: int = EVENT_PAGES,
) -> EventFraming:
    """Labels, attribution and actor mentions of the `limit` events that widest_events ranks first,
    in one grouped pass over all of them."""
    part = framing_in_events(sentences, annotations, statements, mentions, events, limit)
    return event_framing_of_parts([part], events, limit)


@dataclass(frozen=True)
class FramingInEvents:
    """What EventFraming is made of, of some articles (a partition of them, or all): per event that
    gets a page, the uses of labels counted (label_counts) and the statements a verb introduces
    counted (attribution_counts), and its actors' mentioned sentences."""

    labels: pd.DataFrame
    attribution: pd.DataFrame
    actors: MentionedSentences


def framing_in_events(
    sentences: pd.DataFrame,
    annotations: pd.DataFrame,
    statements: pd.DataFrame,
    mentions: pd.DataFrame,
    events: pd.DataFrame,
    limit: int = EVENT_PAGES,
) -> FramingInEvents:
    """Of the articles of `sentences`, the rows event_framing counts (of the `limit` widest events)."""
    members_of = events[events["event_id"].isin(set(widest_events(events, limit)))]
    # The words spoken are not counted, and are most of the statements' memory.
    statements = statements[[column for column in statements.columns if column != "text"]]
    statements_in_events = _in_events(statements, members_of)
    by_event = ("event_id",)
    return FramingInEvents(
        label_counts(_in_events(label_uses(annotations), members_of), by_event),
        attribution_counts(statements_in_events, by_event),
        mentioned_sentences(sentences, _in_events(mentions, members_of), statements_in_events, by_event),
    )


def event_framing_of_parts(
    parts: Iterable[FramingInEvents], events: pd.DataFrame, limit: int = EVENT_PAGES
) -> EventFraming:
    """EventFraming of the articles of all `parts` (of partitions of articles, in article id order)."""
    parts = list(parts)
    chosen = set(widest_events(events, limit))
    members_of = events[events["event_id"].isin(chosen)]
    by_event = ("event_id",)
    return EventFraming(
        event_ids=sorted(chosen),
        outlets={event_id: sorted(m["outlet"].unique()) for event_id, m in members_of.groupby("event_id", sort=True)},
        labels=_split(label_table_of_parts((part.labels for part in parts), by_event)),
        attribution=_split(attribution_table_of_parts((part.attribution for part in parts), by_event)),
        actors=actor_mentions_of_parts([part.actors for part in parts], by_event),
    )


def _in_events(table: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The rows of a table with an article_id that belong to the events of `members`, with their event_id."""
    event_id = events_of_rows(table["article_id"], members)
    in_event = event_id.codes >= 0
    return (table if in_event.all() else table[in_event]).assign(event_id=event_id[in_event])


def event_details(
    framing: EventFraming, hits: pd.DataFrame, frames: pd.DataFrame, contrasts: pd.DataFrame, events: pd.DataFrame
) -> dict[str, dict]:
    """Per event with a page: its outlets, actor, label and attribution tables restricted to its articles,
    frames, contrasts and the findings."""
    actors_of = _split(actor_rates(framing.actors, hits))
    term_hits_of = _event_term_hits(hits, events[events["event_id"].isin(framing.event_ids)])
    frames_of, contrasts_of = _split(frames, keep_column=True), _split(contrasts, keep_column=True)
    details = {}
    for event_id in framing.event_ids:
        outlets = framing.outlets[event_id]
        labels = framing.labels.get(event_id, _empty(LABEL_COLUMNS))
        attribution = framing.attribution.get(event_id, _empty(ATTRIBUTION_COLUMNS))
        event_frames = frames_of.get(event_id, frames.iloc[0:0])
        event_contrasts_ = contrasts_of.get(event_id, contrasts.iloc[0:0])
        details[event_id] = {
            "outlets": outlets,
            "actors": actors_of.get(event_id, _empty(ACTOR_COLUMNS)),
            "labels": labels,
            "attribution": attribution,
            "frames": event_frames,
            "contrasts": event_contrasts_,
            "findings": headline_findings(
                outlets, labels, event_contrasts_, attribution, event_frames, term_hits_of.get(event_id)
            ),
        }
    return details


def _event_term_hits(hits: pd.DataFrame, members: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per event, each outlet's counted hits per lexicon term (outlet, term, n)."""
    own = hits[counted(hits)][["article_id", "outlet", "term"]].astype("str")
    joined = own.merge(members[["article_id", "event_id"]].astype("str"), on="article_id")
    counts = joined.groupby(["event_id", "outlet", "term"], sort=True).size().rename("n").reset_index()
    return _split(counts)


def _split(table: pd.DataFrame, keep_column: bool = False, column: str = "event_id") -> dict[str, pd.DataFrame]:
    """The table's rows per value of `column`: with their own index and without the column unless kept."""
    if keep_column:
        return {value: part for value, part in table.groupby(column, sort=False)}
    return {
        value: part.drop(columns=column).reset_index(drop=True) for value, part in table.groupby(column, sort=False)
    }


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)
