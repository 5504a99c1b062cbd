"""Turn scraped article text into clean text: repair encoding, drop page chrome, extract the title.

Cleaning works line by line, because scrapers keep one page element per line. A line is removed
by the first rule that fires, and every removed line is returned with that rule so a person can
audit it. The rules, in order:

  pattern       matches a pattern of the editable `lexicons/boilerplate.txt`
  date_line     only dates, times, weekdays, months (Gregorian or Hijri) and time zones
  repeated_line not a sentence and occurs more than once in the article (related-story links)
  duplicate_line a sentence already seen earlier in the same article
  cross_article occurs in at least 3 articles and half of the articles of the same outlet (site footers)
  title         the headline before the body: moved to the `title` column
  tag_list      a comma-separated list of short items without sentence punctuation
  headline      a Title Case line without sentence punctuation (related-story lists)
  off_topic     a short line without sentence punctuation whose words mostly do not occur in the
                article's sentences ("Listen Live", "Scroll to Top"); short subheadings whose words do
                occur ("Bolton urged Trump") are kept

Only the pattern rule depends on the boilerplate file; the others look at the data alone. The rules
run on articles whose `clean` is "chrome" (scraped pages, by default); an article with `clean`
"none" (a .jsonl/.csv record, by default: already extracted text) keeps every line, its encoding
and whitespace repaired, and takes no part in the cross-article counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ftfy
import ftfy.badness
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from pipeline.reading.corpus import TEXT_BLOCK, TextColumn
from pipeline.schema import REMOVED_LINE_COLUMNS, REMOVED_LINE_DTYPES, WORD, Problem
from pipeline.support.dataframes import concat_tables, rows_kept
from pipeline.support.memory import return_freed_memory

MIN_PROSE_WORDS = 8
CROSS_ARTICLE_MIN_ARTICLES = 3
# Articles cleaned at a time: their texts are held as Python strings only while cleaned.
CLEAN_BLOCK_ARTICLES = 5_000

_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_PHRASE_WORD = re.compile(r"\w+")
_DATE_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+")
_SPACE_RUN = re.compile(" {2,}")
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun"
_HIJRI_MONTHS = (
    "muharram safar rabi awwal al ul akhir thani jumada jumadi ula rajab shaban sha'ban ramadan "
    "ramadhan shawwal dhu qadah qi'dah hijjah"
)
_TIME_WORDS = "am pm gmt utc est edt cet cest bst ist ah ad updated published posted last on at"
_DATE_WORDS = frozenset(f"{_MONTHS} {_WEEKDAYS} {_HIJRI_MONTHS} {_TIME_WORDS}".split())
_UNICODE_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
# Zero-width characters and soft hyphens: invisible, and they split a word in two for matching.
INVISIBLE_CHARACTERS = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# An acute accent between letters is an apostrophe typed on the wrong key ("parliament´s").
_ACCENT_AS_APOSTROPHE = re.compile(r"(?<=[^\W\d_])\u00b4(?=[^\W\d_])")


@dataclass(frozen=True)
class BoilerplatePattern:
    """One line of boilerplate.txt: a whole-line phrase (`phrase_key`) or a regex searched in the line."""

    pattern: str
    source: str
    line: int
    phrase_key: str = ""
    regex: re.Pattern | None = None

    def matches(self, line: str) -> bool:
        if self.regex is not None:
            return bool(self.regex.search(line))
        return phrase_key(line) == self.phrase_key


def phrase_key(text: str) -> str:
    """A line reduced to its lower-case words: what a phrase pattern is compared with."""
    return " ".join(_PHRASE_WORD.findall(text.lower()))


def parse_boilerplate(lines: Sequence[str], source: str) -> tuple[list[BoilerplatePattern], list[Problem]]:
    """Parse boilerplate lines; a bad regex is a problem with file and line, the rest still load.

    Format, one pattern a line: `# comment`; a plain phrase matches a whole line, ignoring case,
    spaces and punctuation; `re: REGEX` is searched in the line, ignoring case.
    """
    patterns, problems = [], []
    for line_no, raw in enumerate(lines, start=1):
        text = raw.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        if text.startswith("re:"):
            expression = text[3:].strip()
            try:
                regex = re.compile(expression, re.IGNORECASE)
            except re.error as error:
                problems.append(Problem("lexicon", source, line_no, f"regex {expression!r} is invalid: {error}"))
                continue
            patterns.append(BoilerplatePattern(text, source, line_no, regex=regex))
        elif phrase_key(text):
            patterns.append(BoilerplatePattern(text, source, line_no, phrase_key=phrase_key(text)))
        else:
            problems.append(Problem("lexicon", source, line_no, f"phrase {text!r} has no words"))
    return patterns, problems


def normalize_text(text: str) -> str:
    """Repair mojibake and normalize Unicode and whitespace; keep curly quotes as they are.

    ftfy runs only on text it judges broken, and never straightens quotes, so “ ” ‘ ’ stay
    distinguishable from the straight apostrophe. Repeated until nothing changes (a repair can
    reveal more mojibake), so normalizing normalized text changes nothing.
    """
    for _ in range(4):
        normalized = _normalize_once(text)
        if normalized == text:
            break
        text = normalized
    return text


def _mojibake_marks() -> frozenset[str] | None:
    """Characters of which every match of ftfy's badness regex (ftfy.is_bad) has at least one.

    Each alternative of the regex has elements it cannot match without; from each, the element
    whose characters are all non-ASCII and as rare in news text as possible is taken (curly
    quotes and dashes are common, Ã and box drawing are not). A text without any of these
    characters cannot be judged bad, so the costly regex (a millisecond per article) is skipped.
    None when the regex has a shape this does not understand: then the regex always runs.
    """
    try:
        parsed = re._parser.parse(ftfy.badness.BADNESS_RE.pattern, ftfy.badness.BADNESS_RE.flags)
        ((operator, (_, branches)),) = parsed.data
    except (AttributeError, TypeError, ValueError, re.error):
        return None
    if operator is not re._constants.BRANCH:
        return None
    marks: set[str] = set()
    for branch in branches:
        required = [s for s in map(_characters_of, branch.data) if s and all(ord(c) > 127 for c in s)]
        if not required:
            return None
        marks |= min(required, key=lambda s: (len(s & _COMMON_IN_NEWS), len(s)))
    return frozenset(marks)


_COMMON_IN_NEWS = frozenset("“”‘’—–…•·\u00a0")


def _characters_of(item: tuple) -> set[str] | None:
    """The characters a parsed regex element (a literal or a plain set) matches; None for anything else."""
    operator, argument = item
    if operator is re._constants.LITERAL:
        return {chr(argument)}
    if operator is not re._constants.IN:
        return None
    characters: set[str] = set()
    for kind, value in argument:
        if kind is re._constants.LITERAL:
            characters.add(chr(value))
        elif kind is re._constants.RANGE:
            characters.update(map(chr, range(value[0], value[1] + 1)))
        else:  # a negated set or a category: not a plain list of characters
            return None
    return characters


_MOJIBAKE_MARKS = _mojibake_marks()


def might_be_mojibake(text: str) -> bool:
    """False only for text that ftfy.is_bad would certainly pass (see _mojibake_marks)."""
    return _MOJIBAKE_MARKS is None or not _MOJIBAKE_MARKS.isdisjoint(text)


def _normalize_once(text: str) -> str:
    if might_be_mojibake(text) and ftfy.is_bad(text):
        text = ftfy.fix_text(text, uncurl_quotes=False)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = INVISIBLE_CHARACTERS.sub("", text)
    text = _UNICODE_SPACES.sub(" ", text)
    text = _ACCENT_AS_APOSTROPHE.sub("\u2019", text)
    # A run of spaces never holds a line break: collapsed in the whole text at once, as line by line.
    return "\n".join(line.strip() for line in _SPACE_RUN.sub(" ", text).split("\n"))


def words_of(text: str) -> list[str]:
    """Words as counted everywhere in the pipeline: letters/digits, joined by inner hyphens or apostrophes."""
    return WORD.findall(text)


def ends_like_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def is_prose(line: str, words: list[str] | None = None) -> bool:
    """A line that reads as running text: ends like a sentence, or is long, lower case and not a list.

    `words` are the line's words_of, when already known."""
    if ends_like_sentence(line):
        return True
    words = words_of(line) if words is None else words
    return len(words) >= MIN_PROSE_WORDS and not is_title_case(line, words) and not is_tag_list(line)


def is_date_line(line: str) -> bool:
    if not _DIGIT.search(line):  # a date line has a number: most lines are out at C speed
        return False
    tokens = _DATE_TOKEN.findall(line.lower())
    has_number = any(t.isdigit() for t in tokens)
    return has_number and len(tokens) <= 12 and all(t.isdigit() or t in _DATE_WORDS for t in tokens)


def is_tag_list(line: str) -> bool:
    items = [item.strip() for item in line.split(",")]
    if len(items) < 4 or ends_like_sentence(line) or not all(items):
        return False
    return sum(len(words_of(item)) for item in items) / len(items) <= 3


def content_words(line: str, words: list[str] | None = None) -> list[str]:
    lowered = (w.lower() for w in (words_of(line) if words is None else words))
    return [w for w in lowered if w not in ENGLISH_STOP_WORDS and not w.isdigit()]


def is_title_case(line: str, words: list[str] | None = None) -> bool:
    words = [
        w
        for w in (words_of(line) if words is None else words)
        if w.lower() not in ENGLISH_STOP_WORDS and not w[0].isdigit()
    ]
    if len(words) < 4:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.8


def share_of_words_in(line: str, vocabulary: set[str], words: list[str] | None = None) -> float:
    words = content_words(line, words)
    return sum(w in vocabulary for w in words) / len(words) if words else 0.0


def _line_key(line: str) -> str:
    """Key under which two lines count as the same: case, spacing and numbers (comment counts) ignored."""
    return _NUMBER.sub("0", " ".join(line.lower().split()))


def classify_lines(
    lines: Sequence[str],
    patterns: Sequence[BoilerplatePattern] = (),
    shared_keys: frozenset[str] = frozenset(),
) -> list[tuple[str, str]]:
    """Return one (rule, detail) per line; rule "" keeps the line, "blank" marks an empty one.

    `shared_keys` are line keys found across many articles of the same outlet (see clean_articles).
    """
    decisions: list[tuple[str, str]] = [("blank", "") if not line else ("", "") for line in lines]
    keys = [_line_key(line) for line in lines]
    words = [words_of(line) for line in lines]  # each line's words, found once for every rule below
    prose = [bool(line) and is_prose(line, line_words) for line, line_words in zip(lines, words, strict=True)]
    counts = Counter(k for k, line in zip(keys, lines, strict=True) if line)
    vocabulary = {w for k, line in enumerate(lines) if prose[k] for w in content_words(line, words[k])}
    boilerplate = _PatternIndex(patterns)
    seen: set[str] = set()
    body_started = False
    title_found = False
    for i, line in enumerate(lines):
        if not line:
            continue
        decision = _first_rule(line, keys[i], prose[i], counts, seen, boilerplate, shared_keys)
        if not decision[0] and not title_found and not body_started and _is_title(line, words[i], vocabulary):
            decision, title_found = ("title", "headline before the body, moved to the title column"), True
        if not decision[0]:
            decision = _layout_rule(line, words[i], vocabulary)
        decisions[i] = decision
        seen.add(keys[i])
        body_started = body_started or (not decision[0] and ends_like_sentence(line))
    return decisions


class _PatternIndex:
    """Finds the first boilerplate pattern (in file order) that matches a line: phrases by a dict
    lookup of the line's phrase key, so that only the regexes are tried one by one."""

    def __init__(self, patterns: Sequence[BoilerplatePattern]):
        self.patterns = list(patterns)
        self.first_with_key: dict[str, int] = {}
        for k, pattern in enumerate(self.patterns):
            if pattern.regex is None:
                self.first_with_key.setdefault(pattern.phrase_key, k)
        self.regexes = [(k, pattern) for k, pattern in enumerate(self.patterns) if pattern.regex is not None]

    def first_match(self, line: str) -> BoilerplatePattern | None:
        phrase_at = (
            self.first_with_key.get(phrase_key(line), len(self.patterns)) if self.first_with_key else len(self.patterns)
        )
        for k, pattern in self.regexes:
            if k > phrase_at:
                break
            if pattern.regex.search(line):
                return pattern
        return self.patterns[phrase_at] if phrase_at < len(self.patterns) else None


def _first_rule(line, key, prose, counts, seen, boilerplate: _PatternIndex, shared_keys) -> tuple[str, str]:
    pattern = boilerplate.first_match(line)
    if pattern:
        return "pattern", f"{pattern.pattern!r} ({pattern.source}:{pattern.line})"
    if is_date_line(line):
        return "date_line", "only dates, times and time zones"
    if counts[key] > 1 and not prose:
        return "repeated_line", f"not a sentence, and occurs {counts[key]} times in the article"
    if key in seen and prose:
        return "duplicate_line", "same sentence as an earlier line of the article"
    if key in shared_keys:
        return "cross_article", "occurs in many articles of the same outlet"
    return "", ""


def _is_title(line: str, words: list[str], vocabulary: set[str]) -> bool:
    # A headline shares at least a word with its article; page chrome usually shares none.
    return len(words) >= 4 and not ends_like_sentence(line) and share_of_words_in(line, vocabulary, words) > 0


def _layout_rule(line: str, words: list[str], vocabulary: set[str]) -> tuple[str, str]:
    if ends_like_sentence(line):
        return "", ""
    if is_tag_list(line):
        return "tag_list", "comma-separated short items without sentence punctuation"
    if is_title_case(line, words):
        return "headline", "Title Case line without sentence punctuation"
    if len(words) < MIN_PROSE_WORDS and share_of_words_in(line, vocabulary, words) <= 0.5:
        return "off_topic", "short line without sentence punctuation; most of its words are not in the article"
    return "", ""


class _LineKeyCounts:
    """In how many articles of each outlet each line key occurs, counted a few articles at a time."""

    def __init__(self):
        self.articles: Counter[str] = Counter()
        self.keys: dict[str, Counter[str]] = {}

    def add(self, outlets: Sequence[str], texts: Sequence[str]) -> None:
        for outlet, text in zip(outlets, texts, strict=True):
            self.articles[outlet] += 1
            self.keys.setdefault(outlet, Counter()).update({_line_key(x) for x in text.split("\n") if x})

    def shared(self) -> dict[str, frozenset[str]]:
        shared: dict[str, frozenset[str]] = {}
        for outlet, n_articles in sorted(self.articles.items()):
            if n_articles < CROSS_ARTICLE_MIN_ARTICLES:
                continue
            threshold = max(CROSS_ARTICLE_MIN_ARTICLES, n_articles / 2)
            shared[outlet] = frozenset(k for k, n in self.keys[outlet].items() if n >= threshold)
        return shared


def _clean_normalized(
    normalized: str, patterns: Sequence[BoilerplatePattern], shared_keys: frozenset[str]
) -> tuple[str, str, list[tuple[int, str, str, str]]]:
    lines = normalized.split("\n")
    decisions = classify_lines(lines, patterns, shared_keys)
    kept = [line for line, (rule, _) in zip(lines, decisions, strict=True) if not rule]
    titles = [line for line, (rule, _) in zip(lines, decisions, strict=True) if rule == "title"]
    removed = [
        (i + 1, line, rule, detail)
        for i, (line, (rule, detail)) in enumerate(zip(lines, decisions, strict=True))
        if rule and rule != "blank"
    ]
    return "\n".join(kept), (titles[0] if titles else ""), removed


def title_from_url(url: str) -> str:
    """A readable title from the last part of a URL, for pages scraped without their headline."""
    slug = url.rstrip("/").rsplit("/", 1)[-1] if "//" in url else ""
    slug = re.sub(r"\.\w{2,5}$", "", slug)
    words = [w for w in re.split(r"[-_+]+", slug) if w]
    if len(words) < 2:
        return ""
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:]


def clean_articles(
    articles: pd.DataFrame,
    patterns: Sequence[BoilerplatePattern] = (),
    map_items: Callable[[Callable, list], list] | None = None,
    block: int = CLEAN_BLOCK_ARTICLES,
    *,
    use_up_raw_texts: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Clean every article, `block` articles at a time; return (articles, removed_lines, problems).

    The articles come back with `text` (clean, one paragraph a line) in place of `raw_text` and
    `clean` (how to clean it, see the module docstring; "chrome" when there is no such column), `title`
    (the source's title, else the headline found in the text, else one made from the URL),
    `title_source` ("source", "text", "url" or "none") and `n_removed_lines`. Articles with no text
    left are dropped and listed as problems. `map_items(function, items)` applies a module-level
    function to every item, in order (the default is a plain loop; pipeline.engine.parallel.map_items
    spreads it over processes). With `use_up_raw_texts`, the `raw_text` column is taken out of
    `articles` and each block's raw texts are let go once cleaned (those of a chunk of the column
    as it was read, see corpus.read_corpus), so that the corpus's raw and clean texts are never all
    held at once.
    """
    map_items = map_items or (lambda function, items: [function(item) for item in items])
    blocks = range(0, len(articles), block)
    chrome = articles["clean"].ne("none").tolist() if "clean" in articles.columns else [True] * len(articles)
    raw_texts = articles.pop("raw_text") if use_up_raw_texts else articles["raw_text"]
    raw_blocks = [raw_texts.iloc[start : start + block] for start in blocks]
    del raw_texts
    # First pass: normalize, and count the lines each outlet repeats. Only the texts normalization
    # changed are kept (as a table column, outside Python's heap): the rest are the raw texts.
    key_counts, changed = _LineKeyCounts(), []
    for start, raw_block in zip(blocks, raw_blocks, strict=True):
        raw = raw_block.tolist()
        normalized = map_items(_normalized_if_changed, raw)
        outlets = articles["outlet"].iloc[start : start + block].tolist()
        texts = [r if n is None else n for r, n in zip(raw, normalized, strict=True)]
        counted = [k for k, with_chrome in enumerate(chrome[start : start + block]) if with_chrome]
        key_counts.add([outlets[k] for k in counted], [texts[k] for k in counted])
        changed.append(pd.Series(normalized, dtype="str"))
    shared = key_counts.shared()
    # Second pass: clean, a block at a time, so no more than a block of texts is ever held as Python strings.
    texts, titles, sources, removed_counts, removed_tables, problems = TextColumn(TEXT_BLOCK), [], [], [], [], []
    has_text = []
    for k, start in enumerate(blocks):
        part = articles.iloc[start : start + block]
        normalized = [raw if pd.isna(new) else new for raw, new in zip(raw_blocks[k], changed[k], strict=True)]
        raw_blocks[k] = changed[k] = None  # this block's raw texts are let go when nothing else holds them
        cleaned_texts = map_items(
            _clean_one,
            [
                (text, patterns, shared.get(outlet, frozenset()), with_chrome)
                for text, outlet, with_chrome in zip(
                    normalized, part["outlet"], chrome[start : start + block], strict=True
                )
            ],
        )
        del normalized
        removed_rows = []
        for article, (text, found_title, removed) in zip(part.itertuples(index=False), cleaned_texts, strict=True):
            title, source = _choose_title(article.title, found_title, article.url)
            texts.append(text)
            has_text.append(bool(text.strip()))
            titles.append(title)
            sources.append(source)
            removed_counts.append(len(removed))
            removed_rows.extend((article.article_id, article.outlet, *row) for row in removed)
            if not has_text[-1]:
                problems.append(
                    Problem(
                        "clean",
                        article.file,
                        article.record,
                        f"no article text left after cleaning ({len(removed)} lines removed as page "
                        "chrome; see removed_lines.csv)"
                        if removed
                        else "no article text left after cleaning (only spaces and invisible characters)",
                    )
                )
        if removed_rows:
            removed_tables.append(pd.DataFrame(removed_rows, columns=REMOVED_LINE_COLUMNS).astype(REMOVED_LINE_DTYPES))
        del part, cleaned_texts, removed_rows
        return_freed_memory()
    cleaned = articles.drop(columns=["raw_text", "clean"], errors="ignore").assign(
        text=texts.series().array, title=titles, title_source=sources, n_removed_lines=removed_counts
    )
    if not all(has_text):  # selecting rows copies every column: only when some must go
        cleaned = cleaned.loc[has_text]
    cleaned = cleaned.reset_index(drop=True)
    removed_lines = concat_tables(removed_tables, REMOVED_LINE_COLUMNS, REMOVED_LINE_DTYPES)
    return cleaned, removed_lines, problems


def drop_repeated_articles(
    articles: pd.DataFrame, column: str, removed_lines: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None, list[Problem]]:
    """Articles of one outlet whose `column` (raw_text as read, or text once cleaned) is that of an
    earlier article of the outlet (by file, then record): dropped, each reported, with their removed
    lines. A page scraped twice would count twice in every score, and as two articles in every
    interval and test between outlets; before cleaning, its lines would also count twice towards the
    lines an outlet repeats (the cross_article rule). The same text in two outlets is kept: each
    outlet chose to publish it."""
    if len(articles) < 2:
        return articles, removed_lines, []
    order = np.lexsort((articles["record"].to_numpy(), articles["file"].astype(str).to_numpy()))
    # Hashed a block at a time: the whole column as Python strings at once would double the corpus.
    keys = np.concatenate(
        [
            pd.util.hash_pandas_object(
                articles[["outlet", column]].iloc[start : start + TEXT_BLOCK], index=False
            ).to_numpy()
            for start in range(0, len(articles), TEXT_BLOCK)
        ]
    )
    outlets, texts = articles["outlet"], articles[column]
    seen: dict[int, list[int]] = {}
    dropped, problems = [], []
    for row in order.tolist():
        earlier = next(
            (
                k
                for k in seen.get(keys[row], [])
                if outlets.iat[k] == outlets.iat[row] and texts.iat[k] == texts.iat[row]
            ),
            None,
        )
        if earlier is None:
            seen.setdefault(keys[row], []).append(row)
            continue
        dropped.append(row)
        problems.append(
            _repeated_problem(articles, row, earlier, "text after cleaning" if column == "text" else "text")
        )
    if not dropped:
        return articles, removed_lines, problems
    if removed_lines is not None:
        gone = set(articles["article_id"].take(dropped).astype(str))
        removed_lines = removed_lines[~removed_lines["article_id"].astype(str).isin(gone).to_numpy()]
        removed_lines = removed_lines.reset_index(drop=True)
    keep = np.ones(len(articles), dtype=bool)
    keep[dropped] = False
    return rows_kept(articles, keep), removed_lines, problems


def in_article_order(articles: pd.DataFrame, removed_lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The articles and their removed lines by article id (as text; an article's lines in their order),
    whatever order the manifest lists the files in. Every per-article table is then in the same order
    as the tables made from it, which are by article id, so that a run can compute them a partition of
    articles at a time (pipeline.engine.driver) and join the partitions as they are."""

    def by_id(table: pd.DataFrame) -> pd.DataFrame:
        if table["article_id"].astype(str).is_monotonic_increasing:  # a sort would copy every text for nothing
            return table.reset_index(drop=True)
        return table.sort_values("article_id", kind="stable", key=lambda ids: ids.astype(str)).reset_index(drop=True)

    return by_id(articles), by_id(removed_lines)


def _repeated_problem(articles: pd.DataFrame, row: int, earlier: int, what: str) -> Problem:
    file, record = str(articles["file"].iat[row]), int(articles["record"].iat[row])
    same_file = str(articles["file"].iat[earlier]) == file
    return Problem(
        "clean",
        file,
        record,
        f"the same {what} as {articles['article_id'].iat[earlier]}, of the same outlet: skipped, so that it is "
        "not counted twice; "
        + ("remove one of the two records from the file" if same_file else "remove one of them from the manifest"),
    )


def _normalized_if_changed(text: str) -> str | None:
    """normalize_text's result, or None when it is the text itself: what is already normal (most
    articles) is neither sent back from a worker process nor held twice."""
    normalized = normalize_text(text)
    return None if normalized == text else normalized


def _clean_one(item: tuple[str, Sequence[BoilerplatePattern], frozenset[str], bool]) -> tuple[str, str, list]:
    """_clean_normalized's result for (normalized text, patterns, shared keys, with the page-chrome rules),
    or the text with its empty lines dropped when not."""
    text, patterns, shared_keys, with_chrome = item
    if with_chrome:
        return _clean_normalized(text, patterns, shared_keys)
    return "\n".join(line for line in text.split("\n") if line), "", []


def _choose_title(given: str, found: str, url: str) -> tuple[str, str]:
    if given:
        return normalize_text(given).replace("\n", " "), "source"
    if found:
        return found, "text"
    from_url = title_from_url(url)
    return (from_url, "url") if from_url else ("", "none")
