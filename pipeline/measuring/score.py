"""Score clean articles: sentence sentiment (TextBlob) and lexicon hits, summed up per article and outlet."""

from __future__ import annotations

import bisect
import hashlib
import sys
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pipeline.reading.lexicons import IGNORE_CATEGORY, Lexicon
from pipeline.schema import (
    HEADLINE_COLUMNS,
    HIT_COLUMNS,
    HIT_DTYPES,
    NARRATIVE,
    QUOTE,
    REPORTED,
    SENTENCE_COLUMNS,
    SENTENCE_DTYPES,
    WORD,
    SentenceScores,
    counted,
    narrative_words,
)
from pipeline.support.dataframes import keyed_by_strings
from pipeline.support.versions import code_version
from pipeline.text import speech
from pipeline.text.match import Match, Matcher, Words, is_negated
from pipeline.text.segment import QuoteIndex, SpanIndex, split_sentences
from pipeline.text.sentiment import sentiment


def score_sentence(text: str) -> tuple[float, float]:
    """TextBlob's (polarity, subjectivity) of one sentence (pipeline.text.sentiment gives TextBlob's exact
    numbers, faster); the pattern lexicon needs no download."""
    polarity, subjectivity = sentiment(text)
    return float(polarity), float(subjectivity)


def sentence_cache_key(text: str) -> str:
    """The key under which an article text's SentenceScores are cached: its content and the code that
    splits and scores it (with the syntok and TextBlob versions)."""
    return hashlib.sha256(f"{code_version(sentence_scores)}\0{text}".encode()).hexdigest()[:40]


def sentence_scores(text: str) -> SentenceScores:
    """Split a clean text into sentences and score each with TextBlob: the costly, lexicon-free part."""
    return [(start, end, *score_sentence(text[start:end])) for start, end in split_sentences(text)]


def score_articles(
    articles: pd.DataFrame,
    lexicon: Lexicon,
    known: dict[str, SentenceScores] | None = None,
    words_by_article: dict[str, tuple[Words, QuoteIndex, SpanIndex, list[speech.Speech]]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split each article's clean `text` into sentences and score them; return (sentences, hits).

    Each hit is marked with its voice (inside a quote or not, quotes followed across sentences)
    and whether it is negated. `known` maps sentence_cache_key(text) to sentence scores computed
    earlier (a cache); articles found there are not split or scored again. `words_by_article`,
    if given, receives each article's (Words, quotes, reported speech, its quotes and reported statements),
    for other lexicons to match in and the statements to be attributed.
    """
    matcher, reporting = Matcher(lexicon), Matcher(Lexicon(lexicon.reporting))
    known = {} if known is None else known
    sentence_rows, hit_rows = [], []
    for article in articles.itertuples(index=False):
        quoted = QuoteIndex(article.text)
        scored = known.get(sentence_cache_key(article.text)) or sentence_scores(article.text)
        spans = [(start, end) for start, end, _, _ in scored]
        words = Words(article.text, spans)
        found = matcher.find_in_sentences(words)
        spoken = article_speech(article.text, spans, quoted.spans, reporting.find_in_sentences(words))
        reported = SpanIndex(speech.reported_spans(spoken))
        if words_by_article is not None:
            words_by_article[article.article_id] = (words, quoted, reported, spoken)
        for sentence_id, (start, end, polarity, subjectivity) in enumerate(scored, start=1):
            text = words.sentences[sentence_id - 1]
            n_words, n_quoted_words, n_reported_words = _word_counts(text, start, quoted, reported)
            hits = [
                (m, voice_at(start + m.start, quoted, reported), is_negated(text, m.start, lexicon.negators))
                for m in found[sentence_id - 1]
                if m.entry.category != IGNORE_CATEGORY
            ]
            own_words = [m for m, voice, negated in hits if voice == NARRATIVE and not negated]  # schema.counted
            sentence_rows.append(
                (
                    article.article_id,
                    article.outlet,
                    sentence_id,
                    start,
                    end,
                    n_words,
                    n_quoted_words,
                    n_reported_words,
                    polarity,
                    subjectivity,
                    len(own_words),
                    sum(m.entry.weight for m in own_words),
                    text,
                )
            )
            hit_rows.extend(
                (
                    article.article_id,
                    article.outlet,
                    sentence_id,
                    m.entry.term,
                    sys.intern(text[m.start : m.end]),  # one string per distinct form: tables of millions of hits
                    m.entry.category,
                    m.entry.weight,
                    voice,
                    negated,
                    m.start,
                    m.end,
                    m.entry.source,
                    m.entry.line,
                )
                for m, voice, negated in hits
            )
    sentences = pd.DataFrame(sentence_rows, columns=SENTENCE_COLUMNS).astype(SENTENCE_DTYPES)
    return sentences, pd.DataFrame(hit_rows, columns=HIT_COLUMNS).astype(HIT_DTYPES)


def article_speech(
    text: str, spans: list[tuple[int, int]], quotes: list[tuple[int, int]], verbs: list[list[Match]]
) -> list[speech.Speech]:
    """Every quote and reported statement of an article (text.speech), from the reporting verbs found in
    each sentence (sentence offsets)."""
    return speech.speeches(text, spans, quotes, speech.reporting_verbs(verbs, spans, quotes))


def voice_spans(text: str, lexicon: Lexicon) -> tuple[SpanIndex, SpanIndex]:
    """The quotes and the reported speech of one clean text, as score_articles finds them."""
    quoted = QuoteIndex(text)
    spans = split_sentences(text)
    verbs = Matcher(Lexicon(lexicon.reporting)).find_in_sentences(Words(text, spans))
    return quoted, SpanIndex(speech.reported_spans(article_speech(text, spans, quoted.spans, verbs)))


def voice_at(position: int, quoted: SpanIndex, reported: SpanIndex) -> str:
    """A quote's words are the speaker's even inside reported speech; the rest of reported speech is reported."""
    return QUOTE if position in quoted else REPORTED if position in reported else NARRATIVE


def _word_counts(sentence: str, offset: int, quoted: SpanIndex, reported: SpanIndex) -> tuple[int, int, int]:
    """(words, words inside quotes, other words of reported speech) of a sentence starting at `offset`
    in its article."""
    end = offset + len(sentence)
    if not quoted.overlaps(offset, end) and not reported.overlaps(offset, end):
        return len(WORD.findall(sentence)), 0, 0
    # Words counted by where they start (voice_at), a span at a time rather than a word at a time.
    starts = [offset + m.start() for m in WORD.finditer(sentence)]

    def words_in(a: int, b: int) -> int:
        return bisect.bisect_left(starts, b) - bisect.bisect_left(starts, a)

    quotes = quoted.within(offset, end)
    in_quotes = sum(words_in(a, b) for a, b in quotes)
    in_reported = 0
    for a, b in reported.within(offset, end):
        in_reported += words_in(a, b) - sum(words_in(max(a, qa), min(b, qb)) for qa, qb in quotes if qa < b and a < qb)
    return len(starts), in_quotes, in_reported


def _per_1k(counts: pd.Series, words: pd.Series) -> pd.Series:
    return (counts * 1000 / words.where(words > 0)).fillna(0.0)


def summarize(sentences: pd.DataFrame, hits: pd.DataFrame, by: str, categories: Sequence[str]) -> pd.DataFrame:
    """One row per value of `by` (article_id or outlet) with SUMMARY_COLUMNS and per-category rates."""
    return summary_of_sums(summary_sums(sentences, hits, by, categories), categories).reset_index()


def summary_sums(
    sentences: pd.DataFrame, hits: pd.DataFrame, by: str, categories: Sequence[str], exact: bool = False
) -> pd.DataFrame:
    """Per value of `by` (the index, as strings), what its summary is made of: sentences, words, the
    sums of the sentences' polarity and subjectivity, hits by voice, the counted hits' weight
    (`loaded_weight`) and per category (`n_hits_<category>`). With `exact`, the sums of floats are
    exact (exact_sums), so that the sums of parts of the sentences (with their hits) add up to the
    same sums however the rows were cut (summed_sums)."""
    grouped = sentences.groupby(by, sort=True)
    sums = pd.DataFrame(
        {
            "n_sentences": grouped.size(),
            "n_words": grouped["n_words"].sum(),
            "n_quoted_words": grouped["n_quoted_words"].sum(),
            "n_reported_words": grouped["n_reported_words"].sum(),
            # Not exact, summed as pandas takes a mean (sum over count): the mean, to the bit.
            "polarity": _sums(grouped, "polarity", exact),
            "subjectivity": _sums(grouped, "subjectivity", exact),
        }
    )
    sums = keyed_by_strings(sums)  # the hits' categories are not the sentences'
    hits = hits[[by, "negated", "voice", "category", "weight"]]  # each selection below copies every column
    negated = hits["negated"].astype(bool)
    own_words = hits[counted(hits)]

    def count(frame: pd.DataFrame) -> pd.Series:
        return keyed_by_strings(frame.groupby(by).size()).reindex(sums.index, fill_value=0).astype("int64")

    sums["n_hits"] = count(own_words)
    sums["n_quoted_hits"] = count(hits[~negated & (hits["voice"] == QUOTE)])
    sums["n_reported_hits"] = count(hits[~negated & (hits["voice"] == REPORTED)])
    sums["n_negated_hits"] = count(hits[negated])
    weights = keyed_by_strings(_sums(own_words.groupby(by), "weight", exact))
    sums["loaded_weight"] = weights.reindex(sums.index, fill_value=0 if exact else 0.0)
    for category in categories:
        sums[f"n_hits_{category}"] = count(own_words[own_words["category"] == category])
    return sums


def _sums(grouped, column: str, exact: bool) -> pd.Series:
    if not exact:
        return grouped[column].sum()
    values, groups = grouped.obj[column].to_numpy(dtype=float), grouped.ngroup().to_numpy()
    grouped_rows = ~np.isnan(groups)  # a row whose key is missing is in no group, as pandas groups it
    sums = exact_sums(values[grouped_rows], groups[grouped_rows].astype(np.int64), grouped.ngroups)
    return pd.Series(sums, grouped.size().index, object)


# exact_sums' unit: every float is a whole number of 2**-EXACT_SCALE (the smallest, 2**-1074, is a
# 53-bit mantissa's last bit below the smallest exponent).
EXACT_SCALE = 1074 + 53


def exact_sums(values: np.ndarray, groups: np.ndarray, n_groups: int) -> list[int]:
    """Per group code in range(n_groups), the sum of its finite `values` without rounding, as a whole
    number of 2**-EXACT_SCALE (as_float gives it back, rounded once). Sums of parts of the values add
    up to the sum of all of them, whatever the cut."""
    finite = np.isfinite(values)  # as pandas' sums skip missing values
    if not finite.all():
        values, groups = values[finite], groups[finite]
    mantissas, exponents = np.frexp(values)
    whole = np.ldexp(mantissas, 53).astype(np.int64)  # every float is whole * 2**(exponent - 53)
    # Summed by group and exponent in 64 bits: halves of 27 bits, so that a sum of millions cannot overflow.
    halves = pd.DataFrame({"group": groups, "exponent": exponents, "high": whole >> 26, "low": whole & (2**26 - 1)})
    summed = halves.groupby(["group", "exponent"], sort=True)[["high", "low"]].sum()
    totals = [0] * n_groups
    for (group, exponent), high, low in zip(summed.index, summed["high"], summed["low"], strict=True):
        totals[group] += ((int(high) << 26) + int(low)) << (int(exponent) - 53 + EXACT_SCALE)
    return totals


def as_float(exact_sum: int) -> float:
    """An exact_sums sum as the float nearest to it (Python's division of integers rounds once)."""
    return exact_sum / (1 << EXACT_SCALE)


def summed_sums(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The summary_sums (exact) or outlet_sums of parts of the sentences, of different groups' rows,
    added up per group, in order of the groups; the exact sums, as the floats nearest to them."""
    joined = pd.concat(list(parts))
    grouped = joined.groupby(level=0, sort=True)
    columns = {}
    for column in joined.columns:
        if joined[column].dtype == object:  # exact sums, Python integers: added up without rounding
            columns[column] = grouped[column].agg(lambda sums: as_float(sum(sums.tolist()))).astype(float)
        else:
            columns[column] = grouped[column].sum()
    return pd.DataFrame(columns).rename_axis(joined.index.name)


def summary_of_sums(sums: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """SUMMARY_COLUMNS and per-category rates of each group of summary_sums (its index)."""
    summary = sums[["n_sentences", "n_words", "n_quoted_words", "n_reported_words"]].copy()
    summary["polarity"] = sums["polarity"] / sums["n_sentences"]
    summary["subjectivity"] = sums["subjectivity"] / sums["n_sentences"]
    for column in ("n_hits", "n_quoted_hits", "n_reported_hits", "n_negated_hits"):
        summary[column] = sums[column]
    own_voice_words = narrative_words(summary)
    summary["loaded_per_1k"] = _per_1k(summary["n_hits"], own_voice_words)
    summary["loaded_weight_per_1k"] = _per_1k(sums["loaded_weight"], own_voice_words)
    summary["quoted_per_1k"] = _per_1k(summary["n_quoted_hits"], summary["n_quoted_words"])
    summary["reported_per_1k"] = _per_1k(summary["n_reported_hits"], summary["n_reported_words"])
    for category in categories:
        summary[f"loaded_per_1k_{category}"] = _per_1k(sums[f"n_hits_{category}"], own_voice_words)
    return summary


def headline_scores(articles: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """One row per article (HEADLINE_COLUMNS): its title, where the title came from, and the title scored
    as one sentence: TextBlob polarity and subjectivity, and the lexicon entries it holds.

    Headlines are where framing is sharpest, and cleaning moves them out of the scored text."""
    matcher = Matcher(lexicon)
    rows = []
    for article in articles.sort_values("article_id", kind="stable").itertuples(index=False):
        title = str(article.title or "")
        polarity, subjectivity = score_sentence(title) if title else (0.0, 0.0)
        found = [m for m in matcher.find(title) if m.entry.category != IGNORE_CATEGORY] if title else []
        kept = [m for m in found if not is_negated(title, m.start, lexicon.negators)]
        entries = "; ".join(f"{title[m.start : m.end]} ({m.entry.category})" for m in kept)
        rows.append(
            (
                article.article_id,
                article.outlet,
                article.published,
                title,
                article.title_source,
                polarity,
                subjectivity,
                len(kept),
                entries,
            )
        )
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def article_scores(
    articles: pd.DataFrame, sentences: pd.DataFrame, hits: pd.DataFrame, categories: Sequence[str]
) -> pd.DataFrame:
    """One row per scored article: its metadata, then SUMMARY_COLUMNS and per-category rates."""
    metadata = [c for c in articles.columns if c not in ("raw_text", "text")]
    summary = summarize(sentences, hits, "article_id", categories)
    return articles[metadata].merge(summary, on="article_id", how="inner").sort_values("article_id", kind="stable")


def outlet_scores(
    articles: pd.DataFrame, sentences: pd.DataFrame, hits: pd.DataFrame, categories: Sequence[str]
) -> pd.DataFrame:
    """One row per outlet: `outlet`, `n_articles`, then SUMMARY_COLUMNS and per-category rates.

    Rates pool the outlet's sentences and words, so a long article weighs more than a short one.
    """
    return outlet_scores_of_parts([outlet_sums(sentences, hits, categories)], categories)


def outlet_sums(sentences: pd.DataFrame, hits: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """Per outlet, its summary_sums and its articles (`n_articles`): those of partitions of articles add up."""
    sums = summary_sums(sentences, hits, "outlet", categories, exact=True)
    n_articles = keyed_by_strings(sentences.groupby("outlet")["article_id"].nunique())
    return sums.assign(n_articles=n_articles.reindex(sums.index).astype("int64"))


def outlet_scores_of_parts(parts: Iterable[pd.DataFrame], categories: Sequence[str]) -> pd.DataFrame:
    """outlet_scores of the outlet_sums of partitions of articles."""
    sums = summed_sums(parts)
    summary = summary_of_sums(sums, categories)
    summary.insert(0, "n_articles", sums["n_articles"])
    return summary.rename_axis("outlet").reset_index()


def corpus_scores(sentences: pd.DataFrame, hits: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """The corpus as a whole, as one row shaped like the outlet table (`outlet` = "All outlets")."""
    return outlet_scores_of_parts([corpus_sums(sentences, hits, categories)], categories)


def corpus_sums(sentences: pd.DataFrame, hits: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """The outlet_sums of the corpus as one outlet, "All outlets" (corpus_scores of them: outlet_scores_of_parts)."""
    label = "All outlets"
    return outlet_sums(sentences.assign(outlet=label), hits.assign(outlet=label), categories)
