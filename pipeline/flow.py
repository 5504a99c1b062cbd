"""The method: every table the reports show, each computed by one stage from the tables it names.

Each stage below is named for the table it returns and its parameters name the tables it reads, in data
order: read the lexicons and the corpus, clean it, split, score and match each article, sum up per
outlet, compare outlets on the same events, tune. The columns of every table are in pipeline.schema.
The driver (pipeline.engine.driver) runs them; the options of `@stage` say how (cached, in a second
process, per article), never what is computed. `mediabias graph` prints this graph.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.engine.driver import UNKEYED, Flow, Settings, run, stage
from pipeline.engine.parallel import CHUNK_ARTICLES, PARTITION_ARTICLES
from pipeline.framing import annotations as framing
from pipeline.framing import events as grouping
from pipeline.framing import mentions
from pipeline.framing import statements as speakers
from pipeline.measuring import score, statistics, timeline
from pipeline.reading import clean, corpus, lexicons
from pipeline.schema import SENTENCE_COLUMNS, STATEMENT_COLUMNS, Tables
from pipeline.support.stored import TableStore
from pipeline.text import candidates
from pipeline.tuning import tune

# What the stages that count or score sentences without reading them read: neither the lexicon hits'
# columns, so that a lexicon edit takes them from the cache, nor the texts, most of the sentences'
# memory, which a large run then does not load (support.stored).
SENTENCE_PLACES = tuple(c for c in SENTENCE_COLUMNS if c not in ("n_hits", "loaded_weight", "text"))
# What the stages that score sentences read of them: every column but their texts.
SENTENCE_SCORES = tuple(c for c in SENTENCE_COLUMNS if c != "text")
# What the outlet and corpus scores sum of the sentences and of the hits.
SENTENCE_SUMMED = ("outlet", "article_id", "n_words", "n_quoted_words", "n_reported_words", "polarity", "subjectivity")
HITS_SUMMED = ("outlet", "article_id", "negated", "voice", "category", "weight")
# What alignment and shared statements read of the sentences.
EVENT_SENTENCES = tuple(grouping.EVENT_SENTENCE_COLUMNS)
# What the actors' tone reads of the actor mentions: not the words as written, the largest of its columns.
MENTION_TONE = ("outlet", "article_id", "sentence_id", "actor", "polarity")
# What the frames read of the annotations: where each cue is and its frame.
FRAME_CUES = ("article_id", "sentence_id", "kind", "key")
# What the tables of who says what read of the statements: not the words spoken, most of their memory.
STATEMENT_PLACES = tuple(c for c in STATEMENT_COLUMNS if c != "text")

# ---- Reading ----


@stage(("lexicon", "lexicon_problems"), by_content=True)
def lexicon(lexicon_dir):
    """The loaded-language lexicons and the boilerplate patterns (reading.lexicons.read_lexicons)."""
    return lexicons.read_lexicons(lexicon_dir)


@stage(("framing_lexicons", "framing_problems"), by_content=True)
def framing_lexicons(lexicon_dir):
    """Actors, labels, attribution verbs and frame cues (reading.lexicons.read_framing_lexicons)."""
    return lexicons.read_framing_lexicons(lexicon_dir)


@stage(by_content=True)
def boilerplate(lexicon):
    return lexicon.boilerplate


@stage(by_content=True)
def categories(lexicon):
    return lexicon.categories


@stage(by_content=True)
def covered_terms(lexicon):
    return tune.covered_terms(lexicon)


@stage(by_content=True)
def reporting_verbs(lexicon):
    return tune.reporting_verbs(lexicon)


@stage(("clean_articles", "removed_lines", "corpus_problems", "clean_problems", "n_read"), cached=True, in_child=True)
def clean_articles(corpus_dir, boilerplate, spread):
    """The corpus's articles with clean text, the lines cleaning removed, and the problems of both."""
    articles, corpus_problems = corpus.read_corpus(corpus_dir)
    n_read = len(articles)
    articles, _, scraped_twice = clean.drop_repeated_articles(articles, "raw_text")
    cleaned, removed_lines, clean_problems = clean.clean_articles(articles, boilerplate, spread, use_up_raw_texts=True)
    cleaned, removed_lines, alike = clean.drop_repeated_articles(cleaned, "text", removed_lines)
    cleaned, removed_lines = clean.in_article_order(cleaned, removed_lines)
    return cleaned, removed_lines, corpus_problems, scraped_twice + clean_problems + alike, n_read


@stage()
def article_list(clean_articles):
    """The clean articles without their texts: all a later stage needs of them."""
    return clean_articles.drop(columns="text")


# ---- Per article: sentences, sentiment, lexicon hits, framing annotations ----


@stage(
    ("sentences", "hits", "annotations"),
    per_article=True,
    depends={"annotations": ("clean_articles", "framing_lexicons")},
)
def scored_articles(clean_articles, lexicon, framing_lexicons, known_sentence_scores):
    """Of a chunk of articles: sentences with their sentiment, lexicon hits, framing annotations
    (measuring.score.score_articles, framing.annotations.annotate); no annotations when the framing
    lexicons are None (their annotations are known)."""
    words: dict = {}
    sentences, hits = score.score_articles(clean_articles, lexicon, known_sentence_scores, words)
    if framing_lexicons is None:
        return sentences, hits, None
    return sentences, hits, framing.annotate(clean_articles, sentences, framing_lexicons, words)


@stage(cached=True)
def actor_names(annotations, framing_lexicons):
    """The names the corpus writes that make actors, merged by alias (framing.mentions.actor_names)."""
    return mentions.actor_names(annotations, framing_lexicons)


@stage(
    cached=True,
    reads={"sentences": ("article_id", "sentence_id", "start", "end", "text")},
    by_partition=("annotations", "sentences"),
)
def statements(annotations, sentences, framing_lexicons, actor_names):
    """Every quote and reported statement with its speaker and the speaker's actor (framing.statements)."""
    return speakers.statement_table(annotations, sentences, framing_lexicons, actor_names)


# ---- Scores per article, outlet and corpus ----


@stage(reads={"sentences": SENTENCE_SCORES}, by_partition=("sentences",))
def article_totals(sentences):
    """Per article, the sums of its sentences' scores: what intervals and tests over articles resample."""
    return statistics.article_totals(sentences)


@stage(
    reads={"sentences": SENTENCE_SUMMED, "hits": HITS_SUMMED},
    by_partition=("sentences", "hits"),
    combine=score.outlet_scores_of_parts,
)
def outlet_scores(sentences, hits, categories):
    """Per outlet, its summary (score.outlet_scores: each partition's sums per outlet, added up)."""
    return score.outlet_sums(sentences, hits, categories)


@stage()
def outlets(outlet_scores, article_totals):
    return outlet_scores.merge(statistics.outlet_intervals(article_totals), on="outlet", how="left")


@stage(
    reads={"sentences": SENTENCE_SUMMED, "hits": HITS_SUMMED},
    by_partition=("sentences", "hits"),
    combine=score.outlet_scores_of_parts,
)
def corpus_scores(sentences, hits, categories):
    """The corpus as one outlet (score.corpus_scores: each partition's sums, added up)."""
    return score.corpus_sums(sentences, hits, categories)


@stage()
def terms(hits, outlets):
    return statistics.term_counts(hits, outlets)


@stage()
def problems(corpus_problems, lexicon_problems, framing_problems, clean_problems):
    found = corpus.problems_frame(lexicon_problems + framing_problems + clean_problems)
    table = pd.concat([corpus_problems, found], ignore_index=True)
    return table.sort_values(["stage", "source", "line"], kind="stable").reset_index(drop=True)


# ---- Framing tables that need no events (beside the events, in a second process) ----


@stage(
    cached=True,
    beside=True,
    reads={"annotations": tuple(framing.LABEL_READS)},
    by_partition=("annotations",),
    combine=framing.label_table_of_parts,
)
def labels(annotations):
    """Per outlet, concept and label, its uses (framing.label_table: each partition's uses of labels,
    counted, the counts added up)."""
    return framing.label_counts(annotations)


@stage(
    cached=True,
    beside=True,
    reads={"statements": STATEMENT_PLACES},
    by_partition=("statements",),
    combine=speakers.attribution_table_of_parts,
)
def attribution(statements):
    """Per outlet, speaker and verb class, how statements are introduced (speakers.attribution_table:
    each partition's statements counted by speaker and verb, the counts added up)."""
    return speakers.attribution_counts(statements)


@stage(
    cached=True,
    beside=True,
    reads={"statements": STATEMENT_PLACES},
    by_partition=("statements",),
    combine=speakers.sources_of_parts,
)
def sources(statements):
    """Who each outlet quotes: per source, its quotes and reported statements and their verbs
    (speakers.sources_by_outlet: each partition's statements counted, the counts added up)."""
    return speakers.source_counts(statements)


@stage(cached=True, beside=True, by_partition=("annotations",))
def actor_mentions(annotations, actor_names):
    """Every mention of an actor, of actors.csv or found in the corpus, with the tone around it (framing.mentions)."""
    return mentions.mention_table(annotations, actor_names)


@stage(
    cached=True,
    beside=True,
    # Not a selection of the actor mentions' columns: made beside it, they would leave its key unknown
    # until they are, and the cache unread (engine.driver).
    reads={"sentences": SENTENCE_PLACES, "statements": STATEMENT_PLACES},
    by_partition=("sentences", "actor_mentions", "statements"),
    combine=framing.actor_mentions_of_parts,
)
def actor_sentences(sentences, actor_mentions, statements):
    """The lexicon-free part of the actors table: per outlet and actor, its sentences, tone and statements
    (framing.actor_mentions: each partition's mentioned sentences, combined)."""
    return framing.mentioned_sentences(sentences, actor_mentions, statements)


@stage(
    cached=True,
    beside=True,
    reads={"sentences": ("article_id", "outlet", "text")},
    by_partition=("sentences",),
    combine=framing.distinctive_terms_of_parts,
)
def distinctive_terms(sentences):
    """Per outlet, its most typical words and phrases (framing.distinctive_terms: each partition's
    counts, added up)."""
    return framing.outlet_term_counts(sentences)


@stage(
    cached=True,
    beside=True,
    reads={"sentences": ("article_id", "text")},
    by_partition=("sentences",),
    combine=candidates.names_of_parts,
)
def names(sentences):
    """Words capitalized mid-sentence: never suggested as lexicon terms (each partition's counts, added up)."""
    return candidates.written_counts(sentences["text"])


@stage(
    cached=True,
    beside=True,
    reads={
        "sentences": ("outlet", "article_id", "sentence_id", "text"),
        "hits": ("outlet", "article_id", "sentence_id", "start", "end"),
    },
    by_partition=("sentences", "hits"),
    combine=tune.suggested_terms_of_parts,
)
def suggested_terms(sentences, hits, names, covered_terms, reporting_verbs):
    """Terms no entry covers that one outlet uses more than the others (tune.suggested_terms_of_parts:
    each partition's counts per outlet of the words outside the hits, added up, then ranked)."""
    return tune.uncovered_counts(sentences, hits, names)


@stage(
    cached=True,
    beside=True,
    reads={"sentences": ("outlet", "text")},
    by_partition=("sentences",),
    combine=tune.suggestions_of_parts,
)
def suggestions(sentences, suggested_terms):
    """The suggested terms, candidates for the lexicons, each with the first two sentences that use it
    (tune.suggestions_of_parts: each partition's first two, the first two of all)."""
    return tune.suggestion_examples(sentences, suggested_terms)


# ---- Events: the same story told by several outlets ----


@stage(
    cached=True,
    reads={"sentences": ("article_id", "text")},
    by_partition=("sentences",),
    combine=grouping.events_of_parts,
)
def events(article_list, sentences, event_threshold, event_window_days):
    """Articles grouped into events (grouping.group_events: each partition's term counts, added up)."""
    return grouping.term_counts(sentences)


@stage(
    cached=True,
    reads={"sentences": EVENT_SENTENCES},
    by_partition=("sentences",),
    combine=grouping.alignments_of_parts,
)
def alignments(sentences, events):
    """Sentences of different outlets of an event that report the same fact (grouping.align_statements,
    of each partition's sentences in events, joined)."""
    return grouping.sentences_in_events(sentences, events)


@stage(
    cached=True,
    reads={"sentences": EVENT_SENTENCES},
    by_partition=("sentences",),
    combine=grouping.shared_statements_of_parts,
)
def shared_statements(sentences, events):
    """The statements several outlets of an event tell (grouping.shared_statements, of each partition's
    sentences in events, joined)."""
    return grouping.sentences_in_events(sentences, events)


@stage(
    cached=True,
    reads={"sentences": ("article_id", "outlet", "sentence_id"), "annotations": FRAME_CUES},
    by_partition=("sentences", "annotations"),
    combine=framing.frame_table_of_parts,
)
def frames(sentences, annotations, events):
    """Per event, outlet and frame, the share of sentences cueing it (framing.frame_table: each partition's
    counts, summed)."""
    return framing.frame_counts(sentences, annotations, events)


@stage(
    cached=True,
    reads={
        "sentences": SENTENCE_PLACES,
        "annotations": tuple(framing.LABEL_READS),
        "statements": STATEMENT_PLACES,
        "actor_mentions": MENTION_TONE,
    },
    by_partition=("sentences", "annotations", "statements", "actor_mentions"),
    combine=framing.event_framing_of_parts,
)
def event_framing(sentences, annotations, statements, actor_mentions, events):
    """Labels, attribution and actors of the events that get pages (framing.event_framing: each
    partition's rows in those events, combined)."""
    return framing.framing_in_events(sentences, annotations, statements, actor_mentions, events)


@stage()
def event_contrasts(article_totals, events):
    return framing.event_contrasts(article_totals, events)


@stage()
def actors(actor_sentences, hits):
    return framing.actor_rates(actor_sentences, hits)


@stage(reads={"sentences": SENTENCE_SCORES}, by_partition=("sentences", "annotations"))
def article_frames(sentences, annotations):
    return framing.article_frame_table(sentences, annotations)


@stage()
def event_details(event_framing, hits, frames, event_contrasts, events):
    return framing.event_details(event_framing, hits, frames, event_contrasts, events)


# ---- Tuning and the run's record ----


@stage()
def lexicon_stats(lexicon, hits):
    return tune.lexicon_stats(lexicon, hits)


@stage(reads={"sentences": SENTENCE_SCORES}, by_partition=("sentences", "hits", "article_list"))
def articles(article_list, sentences, hits, categories):
    return score.article_scores(article_list, sentences, hits, categories)


@stage(cached=True)
def headlines(article_list, lexicon):
    return score.headline_scores(article_list, lexicon)


@stage()
def coverage(articles):
    return timeline.coverage_table(articles)


@stage()
def contrasts(outlets, corpus_scores):
    return statistics.outlet_vs_corpus(outlets, corpus_scores)


@stage()
def snapshot(lexicon, outlets, terms, framing_lexicons, labels):
    return tune.run_snapshot(lexicon, outlets, terms, framing_lexicons, labels)


@stage()
def changes(previous_snapshot, snapshot):
    return tune.changes_since(previous_snapshot, snapshot)


@stage()
def provenance(corpus_dir, lexicon_dir, lexicon, n_read, article_list, corpus_fingerprint):
    return run_provenance(corpus_dir, lexicon_dir, lexicon.file_hashes, n_read, len(article_list), corpus_fingerprint)


FLOW = Flow.of_module(sys.modules[__name__])
# The flow's tables that a report shows, by their names in Tables.
REPORTED = {"corpus": "corpus_scores"} | {
    name: name for name in Tables.__dataclass_fields__ if name not in ("corpus", "cache_problems")
}


def analyze(
    corpus_dir: Path,
    lexicon_dir: Path,
    previous_snapshot: dict | None = None,
    event_threshold: float = grouping.EVENT_DISTANCE_THRESHOLD,
    event_window_days: int = grouping.EVENT_WINDOW_DAYS,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    timings: dict | None = None,
    chunk_articles: int = CHUNK_ARTICLES,
    partition_articles: int = PARTITION_ARTICLES,
    cache_dir: Path | None = None,
    on_start=None,
    on_scored=None,
    stages_computed: list | None = None,
    store: TableStore | None = None,
) -> Tables:
    """Read, clean and score the corpus; return every table the reports show.

    `previous_snapshot` is the snapshot of the last run (report.read_snapshot), for the "Since the last
    run" section. Articles share an event when every pair is closer than `event_threshold` (cosine
    distance) and published at most `event_window_days` apart. The rest says how to run, never what:
    the per-article stage runs in chunks of `chunk_articles` on `jobs` local processes, or on a Dask
    cluster with `engine="dask"` (`scheduler` = its address, else a local cluster); `on_start(n)` is
    called with the number of articles about to be scored and `on_scored(k)` as k more are done;
    `timings` receives the seconds each stage took and `stages_computed` the names of the stages not
    taken from the cache; with `cache_dir`, what a run computed is reused
    by the next whose inputs and code are the same (pipeline.engine.driver); with `store`
    (support.stored.table_store), the large tables are kept on disk there (the per-article tables in
    partitions of `partition_articles` articles, which the stages marked `by_partition` read one at a
    time), and those among the returned tables are StoredTables or PartitionedTables
    (support.stored.loaded gives the table). Problems of every stage
    are in `Tables.problems`; nothing is printed.
    """
    use_the_system_allocator_for_tables()
    inputs, keys = flow_inputs(corpus_dir, lexicon_dir, previous_snapshot, event_threshold, event_window_days)
    settings = Settings(
        jobs, engine, scheduler, chunk_articles, cache_dir, timings, on_start, on_scored, store, partition_articles
    )
    result = run(FLOW, inputs, keys, REPORTED.values(), settings)
    if stages_computed is not None:
        stages_computed.extend(result.computed)
    tables = {field: result.tables[name] for field, name in REPORTED.items()}
    return Tables(**tables, cache_problems=result.cache_problems)


def flow_inputs(
    corpus_dir: Path,
    lexicon_dir: Path,
    previous_snapshot: dict | None = None,
    event_threshold: float = grouping.EVENT_DISTANCE_THRESHOLD,
    event_window_days: int = grouping.EVENT_WINDOW_DAYS,
) -> tuple[dict, dict]:
    """The flow's inputs and the keys of the folders among them: the corpus's is its fingerprint; the
    lexicon folder has none, since each stage that reads it is keyed by what it read."""
    corpus_dir, lexicon_dir = Path(corpus_dir), Path(lexicon_dir)
    fingerprint = corpus.corpus_fingerprint(corpus_dir)
    inputs = {
        "corpus_dir": corpus_dir,
        "lexicon_dir": lexicon_dir,
        "corpus_fingerprint": fingerprint,
        "previous_snapshot": previous_snapshot,
        "event_threshold": event_threshold,
        "event_window_days": event_window_days,
    }
    return inputs, {"corpus_dir": fingerprint[0], "lexicon_dir": UNKEYED}


def run_provenance(
    corpus_dir: Path, lexicon_dir: Path, file_hashes, n_read: int, n_scored: int, fingerprint: tuple[str, int]
) -> dict:
    """What produced a run, so a published finding can be reproduced: versions, inputs' hashes, options, date."""
    import datetime
    import importlib.metadata
    import platform

    corpus_hash, n_files = fingerprint
    return {
        "mediabias_version": __version__,
        "run_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "options": {"corpus": str(corpus_dir), "lexicons": str(lexicon_dir)},
        "corpus_sha256": corpus_hash,
        "corpus_files": n_files,
        "articles_read": n_read,
        "articles_scored": n_scored,
        "lexicon_files_sha256": dict(file_hashes),
        "python": platform.python_version(),
        "textblob": importlib.metadata.version("textblob"),
    }


def use_the_system_allocator_for_tables() -> None:
    """Let the tables' string storage (pyarrow) allocate with the C library instead of its own pool,
    which keeps what a stage frees for later: a stage's temporary copies then do not add to the next
    stage's peak."""
    try:
        import pyarrow
    except ImportError:  # pandas then keeps strings as Python objects
        return
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
