"""The tables the stages pass along and the reports show: their columns and dtypes, documented once, with
the rule that decides which lexicon hits count (counted), the Problem every stage reports, and Tables,
everything a report shows. Every stage module takes its tables' columns from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

# The voice of a hit: in the outlet's own words, inside quotation marks, or in indirect speech credited to
# a source ("X said that ...", "according to X, ..."; pipeline.text.speech).
NARRATIVE, QUOTE, REPORTED = "narrative", "quote", "reported"
# A word as counted in n_words: hyphenated compounds count once.
WORD = re.compile(r"\w+(?:[-'’]\w+)*")

# Per article, what does not depend on the lexicons: each sentence's (start, end, polarity, subjectivity).
SentenceScores = list[tuple[int, int, float, float]]


def counted(hits: pd.DataFrame) -> pd.Series:
    """Which hits count as the outlet's loaded language: in its own words (narrative voice) and not negated.

    This is the rule every score, rate and evaluation uses; quoted and negated hits are shown beside it.
    """
    return ~hits["negated"].astype(bool) & (hits["voice"] == NARRATIVE)


def narrative_words(table: pd.DataFrame) -> pd.Series:
    """Words in the outlet's own voice (outside quotation marks and reported speech), of a table with
    n_words, n_quoted_words and n_reported_words: what the loaded rates are per."""
    return table["n_words"] - table["n_quoted_words"] - table["n_reported_words"]


@dataclass(frozen=True)
class Problem:
    stage: str
    source: str
    line: int
    reason: str
    severity: str = "error"


# ---- reading.corpus ----
# One row per article read.
#   article_id  str  file name for one-article files, "file:N" for record N of a .jsonl/.csv file
#   file        str  path of the source file, relative to the corpus folder
#   record      int  1-based record number inside a .jsonl/.csv file, 0 for one-article files
#   outlet      str  outlet name (record field, else manifest)
#   published   str  publication date as given (ISO 8601 expected; read by publication_dates)
#   url         str  source address, may be empty
#   title       str  title given by the source (HTML <title>, record field or manifest), may be empty
#   raw_text    str  article text as read, before cleaning
#   encoding    str  the encoding the bytes were decoded with
#   clean       str  how its text is to be cleaned: "chrome" or "none" (see CLEANING); cleaning drops it
# Extra manifest columns are kept after these.
ARTICLE_COLUMNS = [
    "article_id",
    "file",
    "record",
    "outlet",
    "published",
    "url",
    "title",
    "raw_text",
    "encoding",
    "clean",
]
# One row per problem found anywhere in the run.
#   stage   str  "corpus", "clean", "lexicon" ...: which stage found it
#   source  str  file the problem is in
#   line    int  line (or record) number in that file, 0 when it concerns the whole file
#   reason  str  what is wrong and, where possible, what would be accepted
#   severity str  "error" (the item was skipped) or "warning" (it was used; check it)
PROBLEM_COLUMNS = ["stage", "source", "line", "reason", "severity"]

# ---- reading.clean ----
# One row per removed line.
#   article_id  str  the article the line was removed from
#   outlet      str  its outlet
#   line_no     int  1-based line number in the article's raw text
#   text        str  the line as it was (after encoding repair)
#   rule        str  the rule that removed it (see the module docstring)
#   detail      str  why, in words (for `pattern`: the pattern and where it is defined)
REMOVED_LINE_COLUMNS = ["article_id", "outlet", "line_no", "text", "rule", "detail"]
# Held until the reports are written: the same outlets, rules, reasons and chrome lines recur across
# articles, so as categories they take a small part of the memory of strings.
REMOVED_LINE_DTYPES = {
    **dict.fromkeys(["article_id", "outlet", "text", "rule", "detail"], "category"),
    "line_no": "int64",
}

# ---- measuring.score ----
# One row per sentence.
# (article_id and outlet are categories, the integers 32-bit: SENTENCE_DTYPES)
#   article_id      str    the article
#   outlet          str    its outlet
#   sentence_id     int    1-based position of the sentence in the article
#   start, end      int    character span of the sentence in the article's clean text
#   n_words         int    words in the sentence (hyphenated compounds count once)
#   n_quoted_words  int    of those, words inside quotation marks
#   n_reported_words int   of those, other words of reported speech ("he said that ...", pipeline.text.speech)
#   polarity        float  TextBlob polarity in [-1, 1] (negative .. positive), 0 when no opinion word
#   subjectivity    float  TextBlob subjectivity in [0, 1] (factual .. opinionated)
#   n_hits          int    lexicon hits in the outlet's own words (narrative voice, not negated)
#   loaded_weight   float  sum of the weights of those hits
#   text            str    the sentence
SENTENCE_COLUMNS = [
    "article_id",
    "outlet",
    "sentence_id",
    "start",
    "end",
    "n_words",
    "n_quoted_words",
    "n_reported_words",
    "polarity",
    "subjectivity",
    "n_hits",
    "loaded_weight",
    "text",
]
# One row per article with sentences (measuring.statistics.article_totals), by article id: the sums its
# scores are made of, which the intervals and the tests between outlets resample and shuffle, the
# article being the unit (its sentences are not independent of each other).
#   article_id, outlet
#   n_sentences            int    its sentences
#   polarity, subjectivity float  sums over its sentences
#   polarity_squares, subjectivity_squares  float  sums of their squares (for effect sizes)
#   n_hits                 int    lexicon hits in its own words (SENTENCE_COLUMNS' n_hits, summed)
#   own_words              int    its words in its own voice (narrative_words, summed)
ARTICLE_TOTAL_COLUMNS = [
    "article_id",
    "outlet",
    "n_sentences",
    "polarity",
    "polarity_squares",
    "subjectivity",
    "subjectivity_squares",
    "n_hits",
    "own_words",
]
# Repeated strings as categories and integers in 32 bits: a large corpus has millions of sentences and
# hits, and every later stage's peak includes them.
SENTENCE_DTYPES = {
    "article_id": "category",
    "outlet": "category",
    **dict.fromkeys(
        ["sentence_id", "start", "end", "n_words", "n_quoted_words", "n_reported_words", "n_hits"], "int32"
    ),
    **dict.fromkeys(["polarity", "subjectivity", "loaded_weight"], "float64"),
    "text": "str",
}
# One row per lexicon hit (HIT_DTYPES).
#   article_id, outlet, sentence_id  where the hit is
#   term          str    the lexicon entry that fired, as written in the lexicon
#   matched       str    the text it matched, as written in the article
#   category      str    the entry's category
#   weight        float  the entry's weight (1 mild .. 3 strong)
#   voice         str    "narrative" (the outlet's own words), "quote" (inside quotation marks) or
#                        "reported" (indirect speech credited to a source: "X said that ...")
#   negated       bool   a negator precedes it in the same clause ("not a massacre"); not counted
#   start, end    int    character span of `matched` in the sentence: sentence[start:end] == matched
#   lexicon, lexicon_line  file and line of the entry, to find it for tuning
HIT_COLUMNS = [
    "article_id",
    "outlet",
    "sentence_id",
    "term",
    "matched",
    "category",
    "weight",
    "voice",
    "negated",
    "start",
    "end",
    "lexicon",
    "lexicon_line",
]
# Every string column a category, the integers 32-bit (see SENTENCE_DTYPES).
HIT_DTYPES = {
    **dict.fromkeys(["article_id", "outlet", "term", "matched", "category", "voice", "lexicon"], "category"),
    **dict.fromkeys(["sentence_id", "start", "end", "lexicon_line"], "int32"),
    "weight": "float64",
    "negated": "bool",
}
# Summary columns shared by the article, outlet and corpus tables; one loaded_per_1k_<category>
# column per lexicon category follows them (narrative voice, not negated).
#   n_sentences           int    sentences scored
#   n_words               int    words in them
#   n_quoted_words        int    of those, words inside quotation marks
#   n_reported_words      int    of those, other words of reported speech
#   polarity              float  mean sentence polarity in [-1, 1]; every sentence counts once
#   subjectivity          float  mean sentence subjectivity in [0, 1]
#   n_hits                int    hits in the outlet's own words: narrative voice, not negated
#   n_quoted_hits         int    hits inside quotes, not negated
#   n_reported_hits       int    hits in reported speech, not negated
#   n_negated_hits        int    negated hits (either voice), never counted as loaded
#   loaded_per_1k         float  n_hits per 1,000 of the outlet's own words (outside quotes and reported speech)
#   loaded_weight_per_1k  float  sum of n_hits' weights per 1,000 of the outlet's own words
#   quoted_per_1k         float  n_quoted_hits per 1,000 words inside quotes (0 when nothing is quoted)
#   reported_per_1k       float  n_reported_hits per 1,000 words of reported speech (0 when none)
# The outlet table (outlets.csv) has n_articles after `outlet`, and after the rates the 95% intervals
# over the outlet's articles (measuring.statistics.interval_over_articles; nan with one article, or
# when its articles all score the same): ci_low_polarity, ci_high_polarity, ci_low_subjectivity,
# ci_high_subjectivity, ci_low_loaded_per_1k, ci_high_loaded_per_1k.
SUMMARY_COLUMNS = [
    "n_sentences",
    "n_words",
    "n_quoted_words",
    "n_reported_words",
    "polarity",
    "subjectivity",
    "n_hits",
    "n_quoted_hits",
    "n_reported_hits",
    "n_negated_hits",
    "loaded_per_1k",
    "loaded_weight_per_1k",
    "quoted_per_1k",
    "reported_per_1k",
]

# Columns of the articles table that no manifest can give: those above but the manifest's, those
# the cleaning and the scores add (pipeline.reading.clean, pipeline.measuring.score; a loaded_per_1k_<category> each).
# A manifest column with one of these names is renamed manifest_<name> (see _manifest_columns);
# a test reads a run's articles.csv as a manifest to check that none is missing.
PIPELINE_COLUMNS = frozenset(
    [
        "article_id",
        "record",
        "raw_text",
        "encoding",
        "manifest_line",
        "text",
        "title_source",
        "n_removed_lines",
        *SUMMARY_COLUMNS,
    ]
)
PIPELINE_COLUMN_PREFIXES = ("loaded_per_1k_",)

# ---- measuring.statistics ----
# One row per outlet and metric.
#   outlet      str    the outlet
#   metric      str    polarity, subjectivity, loaded_per_1k, loaded_weight_per_1k, quoted_per_1k or
#                      loaded_per_1k_<category>
#   outlet_value float the outlet's value
#   corpus_value float the value over the whole corpus (all outlets' sentences pooled)
#   difference  float  outlet_value - corpus_value
CONTRAST_COLUMNS = ["outlet", "metric", "outlet_value", "corpus_value", "difference"]
# One row per outlet and lexicon term that fired in it.
#   outlet, term, category, weight   the entry
#   n_hits      int    hits in the outlet's own words (narrative voice, not negated)
#   n_quoted    int    hits inside quotes (not negated)
#   n_reported  int    hits in reported speech (not negated)
#   n_negated   int    negated hits (either voice)
#   per_1k      float  n_hits per 1,000 of the outlet's own words (outside quotes and reported speech)
#   rank        int    1 = the outlet's most used term in its own words (ties: more quoted, heavier, then term)
TERM_COLUMNS = [
    "outlet",
    "term",
    "category",
    "weight",
    "n_hits",
    "n_quoted",
    "n_reported",
    "n_negated",
    "per_1k",
    "rank",
]

# ---- framing.annotations ----
# Sentence-level annotations: one row per actor mention, other name, label or frame cue (statements:
# framing.statements).
#   article_id, outlet, sentence_id   where (sentence_id in 32 bits)
#   kind      str   "actor" (an actors.csv alias), "name" (a name no alias matched: text.speech.names_in),
#                   "label", "frame", or "statement" (a quote or reported statement: key is its actors.csv
#                   actor or name, term its verb, matched its speaker as written, voice quote or reported,
#                   referent its source type, start and end its words' span in the article)
#   key       str   the actor, the name (a person's without titles), the concept or the frame
#   term      str   the lexicon entry (alias, label, cue) as written; for names "person", "organisation",
#                   or "initial" (one word that opens its sentence: a name only if written elsewhere too)
#   matched   str   the sentence's words
#   value     float connotation for labels (-1..1), else 1 (held as a category of the few values)
#   voice     str   the voice of the words: narrative, quote or reported (as a hit's)
#   referent  str   for labels: "" when the use refers to its concept; else the actor its noun phrase
#                   names instead ("ISIS terror group": Islamic State; framing.annotations.label_referent)
#   start, end  int   character span of `matched` in the sentence
#   polarity  float for actors and names: TextBlob polarity of the clause around the mention (0 otherwise)
ANNOTATION_COLUMNS = [
    "article_id",
    "outlet",
    "sentence_id",
    "kind",
    "key",
    "term",
    "matched",
    "value",
    "voice",
    "referent",
    "start",
    "end",
    "polarity",
]
# A corpus has tens of annotations per article and few distinct strings in these columns: stored as
# categories (sorted, so that ordering and grouping are the strings' own), they take a byte or four
# per row instead of an eight-byte reference, and load from the cache at once.
ANNOTATION_DTYPES = {
    **dict.fromkeys(["article_id", "outlet", "kind", "key", "term", "matched", "voice", "referent"], "category"),
    **dict.fromkeys(["sentence_id", "start", "end"], "int32"),
    "value": "category",  # a label's connotation, else 1: a byte a row instead of eight
    "polarity": "float32",
}
# tables/actor_mentions.csv, one row per mention of an actor (framing.mentions), in text order.
#   outlet, article_id, sentence_id   where
#   actor      str    the actor: of actors.csv, or found in the corpus (a name merged with its other forms)
#   matched    str    the words as written
#   start, end int    character span of `matched` in the sentence
#   voice      str    narrative, quote or reported
#   polarity   float  TextBlob polarity of the clause around the mention (its words up to , ; : ( ) or a
#                     dash), in [-1, 1]: the tone about the actor, not of the whole sentence
MENTION_COLUMNS = ["outlet", "article_id", "sentence_id", "actor", "matched", "start", "end", "voice", "polarity"]
MENTION_DTYPES = {
    **dict.fromkeys(["outlet", "article_id", "actor", "matched", "voice"], "str"),
    **dict.fromkeys(["sentence_id", "start", "end"], "int64"),
    "polarity": "float64",
}
# tables/actors.csv, one row per outlet and actor.
#   outlet, actor
#   mentions       int    mentions of any alias
#   sentences      int    sentences that mention the actor
#   polarity       float  mean polarity around the actor in those sentences in [-1, 1] (each sentence: the mean
#                         over its mentions' clauses; actor_mentions.csv), with its 95% interval
#   polarity_low, polarity_high  over the articles that mention the actor (statistics.interval_over_articles;
#                         nan with one article)
#   loaded_per_1k  float  hits in the outlet's own words per 1,000 of its own words, in those sentences
#   quoted         int    quotes and reported statements whose speaker is the actor (statements.csv)
#   few            bool   fewer than FEW_SENTENCES sentences: the tone, its interval and the rate rest on too
#                         little to compare
ACTOR_COLUMNS = [
    "outlet",
    "actor",
    "mentions",
    "sentences",
    "polarity",
    "polarity_low",
    "polarity_high",
    "loaded_per_1k",
    "quoted",
    "few",
]
# tables/labels.csv, one row per outlet, concept and label used.
#   outlet, concept, label      the label is the lexicon entry (labels.csv) as written
#   n            int    uses that refer to the concept
#   n_quoted     int    of those, inside quotes
#   n_reported   int    of those, in reported speech
#   connotation  float  the label's connotation in [-1, 1]
#   forms        str    the words as written, most used first: "assassination 2; assassinate 1"
#   n_elsewhere  int    uses not counted in n: their noun phrase names another actor than the concept's
#                       (labels.csv refers_to)
#   elsewhere    str    whom those refer to: "Islamic State 1; Iran 1"
LABEL_COLUMNS = [
    "outlet",
    "concept",
    "label",
    "n",
    "n_quoted",
    "n_reported",
    "connotation",
    "forms",
    "n_elsewhere",
    "elsewhere",
]
# tables/attribution.csv, one row per outlet, speaker and verb class (framing.statements, from the statements).
#   outlet, speaker (the statement's actor, "(unnamed source)" for an anonymous one, or "(speaker not
#   found)"), verb_class (neutral, doubting, disparaging, conceding)
#   n       int  statements introduced so (a verb that introduces a quote and reported words: once)
#   verbs   str  "said 3; told 1"
ATTRIBUTION_COLUMNS = ["outlet", "speaker", "verb_class", "n", "verbs"]
# tables/statements.csv, one row per quote or reported statement (framing.statements, text.speech).
#   outlet, article_id, sentence_id   where it is (the sentence the verb or the quote is in)
#   kind         str  "quote" (inside quotation marks) or "reported" (indirect speech: "X said that ...")
#   speaker      str  the speaker as the article writes it ("he", "an unnamed senior Iraqi official"); ""
#                     when no speaker is written (a quote no verb introduces)
#   actor        str  who that is: the actors.csv actor whose alias is the speaker's name, else the name
#                     as written ("NBC News", "John Bolton"; a pronoun resolved); "" for an anonymous source
#   source_type  str  "person", "organisation", "anonymous", or "" when it cannot be told
#   verb, verb_class  str  the reporting verb as in attribution.csv, and its class ("" for none)
#   text         str  the words spoken (a quote with its quotation marks), on one line
STATEMENT_COLUMNS = [
    "outlet",
    "article_id",
    "sentence_id",
    "kind",
    "speaker",
    "actor",
    "source_type",
    "verb",
    "verb_class",
    "text",
]
STATEMENT_DTYPES = {**dict.fromkeys(STATEMENT_COLUMNS, "str"), "sentence_id": "int64"}
# tables/sources.csv, one row per outlet and source: who the outlet quotes ("Who is quoted").
#   outlet, source   the source as in attribution.csv's speaker column
#   source_type      its type (the most frequent of its statements')
#   n_quotes, n_reported  int  its quotes and reported statements
#   verbs            str  "said 3; claimed 1": the verbs that introduce them
#   written_as       str  how the outlet names the source: "he; President Rouhani"
SOURCE_COLUMNS = ["outlet", "source", "source_type", "n_quotes", "n_reported", "verbs", "written_as"]
# tables/frames.csv, one row per event, outlet and frame dimension (Policy Frames Codebook).
#   event_id, outlet, frame
#   n_sentences  int    sentences cueing the frame
#   share        float  their share of the outlet's sentences in the event, in [0, 1], with its 95% Wilson score interval
#   share_low, share_high
#   primary      bool   the outlet's most cued frame in the event
FRAME_COLUMNS = ["event_id", "outlet", "frame", "n_sentences", "share", "share_low", "share_high", "primary"]
# tables/article_frames.csv, one row per article and frame dimension it cues (no row for a frame it never cues).
#   article_id, outlet, frame
#   n_sentences  int    the article's sentences cueing the frame (>= 1)
#   share        float  their share of the article's sentences, in (0, 1]
ARTICLE_FRAME_COLUMNS = ["article_id", "outlet", "frame", "n_sentences", "share"]
# tables/event_contrasts.csv, one row per event, outlet and metric: the outlet against the rest of the event.
#   event_id, outlet, metric ("polarity", "subjectivity" or "loaded_per_1k")
#   outlet_value, rest_value, difference   over the sentences of the outlet's and the other outlets'
#                  articles in the event (means of a sentence's score; hits per 1,000 own words)
#   effect_size    float  Cohen's d (in standard deviations of a sentence's score) for polarity and
#                  subjectivity; rate ratio outlet / rest for loaded_per_1k
#   p_value        float  two-sided permutation test over articles: the outlet labels of the event's
#                  articles are shuffled (nan when the event has one outlet)
#   p_adjusted     float  the same, adjusted for testing every outlet of the event (Westfall-Young
#                  max-T; statistics.group_permutation_tests): what the findings and pages use
#   ci_low, ci_high  float  95% interval of outlet_value over the outlet's articles in the event
#                  (statistics.interval_over_articles; nan with one article)
#   n_articles, n_articles_rest, n_sentences, n_sentences_rest  int
EVENT_CONTRAST_COLUMNS = [
    "event_id",
    "outlet",
    "metric",
    "outlet_value",
    "rest_value",
    "difference",
    "effect_size",
    "p_value",
    "p_adjusted",
    "ci_low",
    "ci_high",
    "n_articles",
    "n_articles_rest",
    "n_sentences",
    "n_sentences_rest",
]
# tables/distinctive_terms.csv: the words most typical of each outlet against all others.
#   outlet, term, n_outlet, n_rest, log_odds, z   (log-odds ratio, informative Dirichlet prior; top 25 by z)
DISTINCTIVE_COLUMNS = ["outlet", "term", "n_outlet", "n_rest", "log_odds", "z"]

# ---- framing.events ----
# One row per article.
#   article_id, outlet, published  the article
#   event_id     str    "E1", "E2", ... numbered by earliest publication date (or the manifest's `event`;
#                       automatic numbers skip the ids manifest events have)
#   event_label  str    the event's most characteristic terms (highest mean TF-IDF)
#   similarity   float  cosine similarity in [0, 1] of the article to its event's centroid
#   n_articles   int    articles in the event (1: the article is alone in its event)
EVENT_COLUMNS = ["article_id", "outlet", "published", "event_id", "event_label", "similarity", "n_articles"]
# One row per pair of aligned sentences (each sentence used once).
#   event_id                   the event
#   outlet_a, article_a, sentence_a, text_a   one sentence
#   outlet_b, article_b, sentence_b, text_b   the other, from a different outlet
#   similarity   float  TF-IDF cosine similarity in [0, 1]
ALIGNMENT_COLUMNS = [
    "event_id",
    "outlet_a",
    "article_a",
    "sentence_a",
    "text_a",
    "outlet_b",
    "article_b",
    "sentence_b",
    "text_b",
    "similarity",
]

# One row per sentence of a shared statement: sentences of different outlets in one event that tell the
# same fact in like words (framing.events.shared_statements). `statement` numbers an event's statements,
# those told by most outlets first; `n_outlets` how many tell it; `similarity` the mean cosine similarity
# of the sentence to the statement's other sentences; `shared` the word stems they have in common.
SHARED_STATEMENT_COLUMNS = [
    "event_id",
    "statement",
    "n_outlets",
    "outlet",
    "article_id",
    "sentence_id",
    "text",
    "similarity",
    "shared",
]

# One row per article's headline (measuring.score.headline_scores): title_source is where the title came
# from (source: the manifest or the page's <title>/og:title/<h1>; text: the headline line of the text;
# url: made from the URL; none); polarity and subjectivity are TextBlob's for the title as one sentence;
# n_hits and entries the lexicon entries it holds, not negated ("assassination (dysphemism)").
HEADLINE_COLUMNS = [
    "article_id",
    "outlet",
    "published",
    "title",
    "title_source",
    "polarity",
    "subjectivity",
    "n_hits",
    "entries",
]

# ---- tuning.tune ----
# One row per lexicon entry.
#   lexicon, line, term, category, weight   the entry and where it is defined
#   n_hits     int   all hits
#   narrative  int   hits in the outlets' own words, not negated (what the scores count)
#   quote      int   hits inside quotes, not negated
#   reported   int   hits in reported speech, not negated
#   negated    int   negated hits
#   n_outlets  int   outlets it fired in
#   by_outlet  str   "Outlet A 3; Outlet B 1": hits per outlet, most first
LEXICON_STATS_COLUMNS = [
    "lexicon",
    "line",
    "term",
    "category",
    "weight",
    "n_hits",
    "narrative",
    "quote",
    "reported",
    "negated",
    "n_outlets",
    "by_outlet",
]
SUGGESTION_COLUMNS = ["outlet", "term", "kind", "n_outlet", "n_rest", "log_odds", "z", "example_1", "example_2"]


@dataclass
class Tables:
    """Everything a report shows; each DataFrame has the columns documented by the stage that made it."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    hits: pd.DataFrame
    outlets: pd.DataFrame
    corpus: pd.DataFrame
    contrasts: pd.DataFrame
    terms: pd.DataFrame
    removed_lines: pd.DataFrame
    problems: pd.DataFrame
    categories: list[str]
    lexicon_stats: pd.DataFrame = field(default_factory=pd.DataFrame)
    suggestions: pd.DataFrame = field(default_factory=pd.DataFrame)
    snapshot: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    alignments: pd.DataFrame = field(default_factory=pd.DataFrame)
    shared_statements: pd.DataFrame = field(default_factory=pd.DataFrame)
    headlines: pd.DataFrame = field(default_factory=pd.DataFrame)
    actors: pd.DataFrame = field(default_factory=pd.DataFrame)
    actor_mentions: pd.DataFrame = field(default_factory=pd.DataFrame)
    labels: pd.DataFrame = field(default_factory=pd.DataFrame)
    attribution: pd.DataFrame = field(default_factory=pd.DataFrame)
    statements: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    frames: pd.DataFrame = field(default_factory=pd.DataFrame)
    article_frames: pd.DataFrame = field(default_factory=pd.DataFrame)
    event_contrasts: pd.DataFrame = field(default_factory=pd.DataFrame)
    distinctive_terms: pd.DataFrame = field(default_factory=pd.DataFrame)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    annotations: pd.DataFrame = field(default_factory=pd.DataFrame)
    event_details: dict = field(default_factory=dict)
    # Warnings about the run's cache (damaged, foreign, unwritable): printed, not in the tables, which
    # depend on the inputs alone.
    cache_problems: list = field(default_factory=list)

    def csv_tables(self) -> dict[str, pd.DataFrame]:
        return {
            "outlets.csv": self.outlets,
            "articles.csv": self.articles,
            "sentences.csv": self.sentences,
            "hits.csv": self.hits,
            "terms.csv": self.terms,
            "outlet_vs_corpus.csv": self.contrasts,
            "removed_lines.csv": self.removed_lines,
            "problems.csv": self.problems,
            "lexicon_stats.csv": self.lexicon_stats,
            "suggestions.csv": self.suggestions,
            "events.csv": self.events,
            "alignments.csv": self.alignments,
            "shared_statements.csv": self.shared_statements,
            "headlines.csv": self.headlines,
            "actors.csv": self.actors,
            "actor_mentions.csv": self.actor_mentions,
            "labels.csv": self.labels,
            "attribution.csv": self.attribution,
            "statements.csv": self.statements,
            "sources.csv": self.sources,
            "frames.csv": self.frames,
            "article_frames.csv": self.article_frames,
            "event_contrasts.csv": self.event_contrasts,
            "distinctive_terms.csv": self.distinctive_terms,
            "coverage.csv": self.coverage,
        }
