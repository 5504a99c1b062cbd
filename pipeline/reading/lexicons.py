"""Read and validate the lexicon folder: loaded-language term lists and the boilerplate patterns.

A term lexicon is any `*.csv` in the folder (other than the files reserved for other stages) with
the columns `term,category,weight,note`:

  term      the word or phrase; several words match across any spacing or hyphen; `*` at the end
            of a word makes it a prefix (`terror*` matches terrorist, terrorism)
  category  what kind of loaded language it is (letters, digits, `_`); becomes a report column
  weight    how loaded: 1 = mildly, 2 = clearly, 3 = strongly (fractions allowed, 0 < weight <= 3);
            empty means 1
  note      why the term is loaded (free text, shown to people tuning the lexicon)

Category `ignore` marks a phrase that contains a loaded term but is not loaded ("claimed
responsibility"): it wins the longest match, so the term inside it is not counted, and is dropped.

A bad line is a problem with its file and line number; the other lines still load.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.errors import LexiconError
from pipeline.reading.clean import INVISIBLE_CHARACTERS, BoilerplatePattern, parse_boilerplate
from pipeline.reading.corpus import UnreadableText, decode_bytes
from pipeline.schema import Problem

LEXICON_COLUMNS = ["term", "category", "weight", "note"]
BOILERPLATE_FILE = "boilerplate.txt"
NEGATORS_FILE = "negators.txt"
DEFAULT_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "hardly",
        "deny",
        "denies",
        "denied",
        "denying",
    ]
)
# Files in the lexicon folder that other stages read with their own columns.
ATTRIBUTION_FILE = "attribution.csv"
RESERVED_FILES = frozenset({"actors.csv", "labels.csv", "frames.csv", ATTRIBUTION_FILE})
MAX_WEIGHT = 3.0
# Files whose content shapes a run (hashed for provenance).
LEXICON_SUFFIXES = (".csv", ".txt", ".yml", ".yaml", ".dic")
# Entries of this category are matched, so they shadow shorter terms inside them, but never counted.
IGNORE_CATEGORY = "ignore"
# A lexicon is edited by hand: far below this. A larger file is refused unread, so a run stays bounded.
MAX_LEXICON_BYTES = 10_000_000
# Nested categories of a YAML dictionary: a few levels in practice; deeper is refused, not recursed into.
MAX_YAML_DEPTH = 20
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")
# Match tokens: letters and digits, with inner apostrophes; hyphens and all else separate tokens.
# A word of a lexicon term or of the text it is matched in.
TOKEN = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class TermPart:
    """One word of a term, normalized; `prefix` when the word ended with `*`."""

    text: str
    prefix: bool


@dataclass(frozen=True)
class Entry:
    """One lexicon line."""

    term: str
    category: str
    weight: float
    note: str
    source: str
    line: int
    parts: tuple[TermPart, ...]


@dataclass(frozen=True)
class Lexicon:
    """All term entries, in file-name then line order, and the boilerplate patterns.

    `reporting` holds the verbs of attribution.csv (category: the verb class): they decide which words
    are reported speech (pipeline.text.speech), and so which hits are the outlet's own.
    """

    entries: tuple[Entry, ...]
    boilerplate: tuple[BoilerplatePattern, ...] = ()
    negators: frozenset[str] = DEFAULT_NEGATORS
    file_hashes: tuple[tuple[str, str], ...] = ()
    reporting: tuple[Entry, ...] = ()

    @property
    def categories(self) -> list[str]:
        """The loaded-language categories, sorted (the `ignore` category is not one)."""
        return sorted({e.category for e in self.entries if e.category != IGNORE_CATEGORY})


def normalize_token(token: str) -> str:
    """The form words are compared in: lower case, one apostrophe, possessive 's dropped."""
    token = token.lower().replace("’", "'")
    return token[:-2] if token.endswith("'s") and len(token) > 2 else token


def without_invisible(term: str, column: str, source: str, line: int) -> tuple[str, list[Problem]]:
    """A term without the invisible characters (zero-width space, joiners, word joiner, byte-order mark,
    soft hyphen) that article text is cleaned of, so that it matches; a warning names those removed."""
    found = sorted(set(INVISIBLE_CHARACTERS.findall(term)))
    if not found:
        return term, []
    term = INVISIBLE_CHARACTERS.sub("", term)
    codes = ", ".join(f"U+{ord(c):04X}" for c in found)
    what = "an invisible character" if len(found) == 1 else "invisible characters"
    return term, [Problem("lexicon", source, line, f"{column} {term!r} contains {what} ({codes}), removed", "warning")]


def term_parts(term: str) -> tuple[TermPart, ...]:
    """Split a term into normalized words; a word directly followed by `*` becomes a prefix."""
    return tuple(TermPart(normalize_token(m.group()), term[m.end() : m.end() + 1] == "*") for m in TOKEN.finditer(term))


def parse_term_lexicon(text: str, source: str) -> tuple[list[Entry], list[Problem]]:
    """Parse one term-lexicon CSV; return its entries and one problem per bad line."""
    problems: list[Problem] = []
    rows = _csv_rows(text, source, problems)
    header = [h.strip().lower() for h in next(rows, (1, []))[1]]
    missing = [c for c in ("term", "category") if c not in header]
    if missing:
        return [], [
            Problem(
                "lexicon",
                source,
                1,
                f"missing column(s) {', '.join(missing)}; a lexicon has the columns {','.join(LEXICON_COLUMNS)}",
            )
        ]
    problems += [
        Problem("lexicon", source, 1, f"unknown column {c!r} ignored; expected {','.join(LEXICON_COLUMNS)}")
        for c in header
        if c not in LEXICON_COLUMNS
    ]
    entries = []
    for line_no, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if row[0].lstrip().startswith("#"):
            continue
        if len(row) > len(header):
            problems.append(Problem("lexicon", source, line_no, _too_many_fields(row, header)))
            continue
        fields = dict(zip(header, (cell.strip() for cell in row), strict=False))
        fields["term"], invisible = without_invisible(fields.get("term", ""), "term", source, line_no)
        problems.extend(invisible)
        entry, problem = _entry(fields, source, line_no)
        if problem:
            problems.append(Problem("lexicon", source, line_no, problem))
        else:
            entries.append(entry)
    return entries, problems


def _csv_rows(text: str, source: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """A lexicon CSV's rows with the line each ends on. A row the csv module refuses (a field over its
    size limit) is a problem and reading goes on; so is a quote never closed, which would make the
    rest of the file one field."""
    lines = list(io.StringIO(text.lstrip("\ufeff"), newline=""))
    reader = csv.reader(lines)
    first_line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(
                Problem("lexicon", source, reader.line_num, f"not a CSV line: {error}; the line is skipped")
            )
        else:
            if reader.line_num == len(lines) and _quote_left_open(lines[first_line - 1 :]):
                problems.append(
                    Problem(
                        "lexicon",
                        source,
                        first_line,
                        'a quote (") opened on this line is never closed, so the rest of the file would be one field; '
                        "it is skipped",
                    )
                )
                return
            yield reader.line_num, row
        first_line = reader.line_num + 1


def _quote_left_open(row_lines: list[str]) -> bool:
    """Whether the last row of a CSV, these lines, opens a quoted field that never closes (the csv
    module then reads to the end of the file as that field)."""
    try:
        list(csv.reader(row_lines, strict=True))
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _too_many_fields(row: list[str], header: list[str]) -> str:
    return f"{len(row)} fields, the header has {len(header)} (quote a note that contains commas)"


def _entry(fields: dict[str, str], source: str, line_no: int) -> tuple[Entry | None, str]:
    term = fields.get("term", "")
    parts = term_parts(term)
    if not parts:
        return None, f"empty term {term!r}: a term needs at least one letter or digit"
    category = fields.get("category", "").lower().replace("-", "_")
    if not _CATEGORY.match(category):
        return None, f"category {fields.get('category', '')!r} must be letters, digits and _ (e.g. emotive)"
    raw_weight = fields.get("weight", "") or "1"
    try:
        weight = float(raw_weight)
    except ValueError:
        return None, f"weight {raw_weight!r} is not a number; use 1 (mild), 2 (clear) or 3 (strong)"
    if not 0 < weight <= MAX_WEIGHT:
        return None, f"weight {raw_weight!r} is outside 0 < weight <= {MAX_WEIGHT:g}"
    return Entry(term, category, weight, fields.get("note", ""), source, line_no, parts), ""


def category_name(raw: str) -> str:
    """A dictionary's category label as a lexicon category: lower case, `_` for anything else."""
    name = re.sub(r"[^a-z0-9]+", "_", raw.lower()).strip("_")
    return name if _CATEGORY.match(name) else f"c_{name}"


def _dictionary_entry(term: str, category: str, source: str, line: int) -> tuple[Entry | None, list[Problem]]:
    term, problems = without_invisible(term, "term", source, line)
    parts = term_parts(term)
    if not parts:
        return None, [
            *problems,
            Problem("lexicon", source, line, f"empty term {term!r}: a term needs at least one letter or digit"),
        ]
    return Entry(term, category, 1.0, f"from {source}", source, line, parts), problems


# libyaml's parser when PyYAML has it: about ten times faster than the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_KINDS = {
    yaml.MappingStartEvent: "a mapping",
    yaml.SequenceStartEvent: "a list",
    yaml.ScalarEvent: "a single value",
}


_TOO_DEEP = f"nested more than {MAX_YAML_DEPTH} levels deep; categories nest a few levels"


@dataclass
class _YamlLevel:
    """An open mapping or list while reading a YAML dictionary; `path` None inside a part that is skipped."""

    path: list[str] | None
    is_mapping: bool
    key: str | None = None
    expects_key: bool = True


def parse_yaml_dictionary(text: str, source: str) -> tuple[list[Entry], list[Problem]]:
    """Read a quanteda-style YAML dictionary: categories map to lists of terms, nested categories
    join their names with `_` (`negative: {violence: [...]}` -> negative_violence). Weight 1.

    The file is read as a stream of YAML events, never built as a whole, and skipped with one
    problem when it holds an alias (`*name`: a dictionary never needs one, and aliases of aliases
    expand exponentially, the "billion laughs") or nests deeper than MAX_YAML_DEPTH.
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    levels: list[_YamlLevel] = []
    seen_root = False

    def refuse(event: yaml.Event, reason: str) -> tuple[list[Entry], list[Problem]]:
        return [], [Problem("lexicon", source, event.start_mark.line + 1, f"{reason}; the file is skipped")]

    try:
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, yaml.AliasEvent):
                return refuse(event, f"alias *{event.anchor} is not read in a dictionary; write its terms out")
            if isinstance(event, yaml.CollectionEndEvent):
                levels.pop()
                _yaml_value_done(levels)
                continue
            if not isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                continue
            if not levels:
                if seen_root or not isinstance(event, yaml.MappingStartEvent):
                    found = "holds several documents" if seen_root else f"is {_YAML_KINDS[type(event)]}"
                    return refuse(event, f"the file {found}; a YAML dictionary maps category names to lists of terms")
                seen_root = True
                levels.append(_YamlLevel([], True))
                continue
            parent = levels[-1]
            if parent.is_mapping and parent.expects_key and not isinstance(event, yaml.ScalarEvent):
                problems.append(
                    Problem(
                        "lexicon",
                        source,
                        event.start_mark.line + 1,
                        f"a category name is a single word, not {_YAML_KINDS[type(event)]}; this category is skipped",
                    )
                )
                parent.key = None
            if isinstance(event, yaml.CollectionStartEvent):
                if len(levels) >= MAX_YAML_DEPTH:
                    return refuse(event, _TOO_DEEP)
                levels.append(_YamlLevel(_yaml_path(parent), isinstance(event, yaml.MappingStartEvent)))
            elif parent.is_mapping and parent.expects_key:
                parent.key, parent.expects_key = str(event.value), False
            else:
                path = _yaml_path(parent)
                if path is not None:
                    entry, entry_problems = _dictionary_entry(
                        str(event.value), category_name("_".join(path)), source, event.start_mark.line + 1
                    )
                    entries.extend([entry] if entry else [])
                    problems.extend(entry_problems)
                _yaml_value_done(levels)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        reason = str(getattr(error, "problem", error))
        if "nesting depth" in reason:  # libyaml's own limit, met before ours in flow style ([[[...)
            return [], [Problem("lexicon", source, line, f"{_TOO_DEEP}; the file is skipped")]
        return [], [Problem("lexicon", source, line, f"not valid YAML: {reason}")]
    if not seen_root:
        return [], [
            Problem("lexicon", source, 1, "the file is empty; a YAML dictionary maps category names to lists of terms")
        ]
    return entries, problems


def _yaml_path(level: _YamlLevel) -> list[str] | None:
    """The category path of a value inside `level`: its own path, plus the key in a mapping."""
    if level.path is None or (level.is_mapping and level.key is None):
        return None
    return [*level.path, level.key] if level.is_mapping else level.path


def _yaml_value_done(levels: list[_YamlLevel]) -> None:
    """After a key's value (or a key that was a collection): the mapping expects its next key."""
    if levels and levels[-1].is_mapping:
        level = levels[-1]
        if level.expects_key:
            level.expects_key = False
        else:
            level.expects_key, level.key = True, None


def parse_liwc_dictionary(text: str, source: str) -> tuple[list[Entry], list[Problem]]:
    """Read a LIWC-style .dic file: `%`, `id name` lines, `%`, then `term<TAB>id id ...` lines. Weight 1.

    A term in several categories keeps the first (one category per term here) and the others are
    reported as a warning.
    """
    lines = text.lstrip("\ufeff").splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(marks) < 2:
        return [], [Problem("lexicon", source, 1, "a .dic file starts with a category block between two % lines")]
    categories, entries, problems = {}, [], []
    for i in range(marks[0] + 1, marks[1]):
        fields = lines[i].split()
        if len(fields) >= 2 and fields[0].isdigit():
            number = fields[0].lstrip("0") or "0"
            if number in categories:
                problems.append(
                    Problem(
                        "lexicon",
                        source,
                        i + 1,
                        f"category id {fields[0]} is already {categories[number]}; this line is ignored",
                    )
                )
                continue
            categories[number] = category_name("_".join(fields[1:]))
        elif fields:
            problems.append(Problem("lexicon", source, i + 1, f"category line {lines[i].strip()!r} is not 'id name'"))
    for i in range(marks[1] + 1, len(lines)):
        if not lines[i].strip():
            continue
        term, ids = _dic_term_and_ids(lines[i])
        known = [categories[n] for n in ids if n in categories]
        if not known:
            problems.append(Problem("lexicon", source, i + 1, f"{lines[i].strip()!r}: no known category id"))
            continue
        unknown = [n for n in ids if n not in categories]
        if unknown:
            problems.append(
                Problem(
                    "lexicon",
                    source,
                    i + 1,
                    f"{term!r}: category id(s) {', '.join(unknown)} not in the category block, ignored",
                    "warning",
                )
            )
        entry, entry_problems = _dictionary_entry(term, known[0], source, i + 1)
        problems.extend(entry_problems)
        if not entry:
            continue
        entries.append(entry)
        if len(known) > 1:
            others = ", ".join(known[1:])
            problems.append(
                Problem("lexicon", source, i + 1, f"{term!r} also in {others}: only {known[0]} is used", "warning")
            )
    return entries, problems


def _dic_term_and_ids(line: str) -> tuple[str, list[str]]:
    """A .dic term line's term and the category ids after it (leading zeros dropped)."""
    fields = line.strip().split("\t") if "\t" in line else line.strip().split()
    if "\t" in line:
        term, rest = fields[0].strip(), " ".join(fields[1:]).split()
    else:
        term, rest = fields[0], fields[1:]
    return term, [f.lstrip("0") or "0" if f.isdigit() else f for f in rest]


def drop_duplicate_terms(entries: list[Entry]) -> tuple[list[Entry], list[Problem]]:
    """Keep the first entry of each term (same words, same wildcards); later ones are problems."""
    first_seen: dict[tuple[TermPart, ...], Entry] = {}
    kept, problems = [], []
    for entry in entries:
        earlier = first_seen.get(entry.parts)
        if earlier:
            problems.append(
                Problem(
                    "lexicon",
                    entry.source,
                    entry.line,
                    f"duplicate term {entry.term!r}: already at {earlier.source}:{earlier.line}; this line is ignored",
                )
            )
        else:
            first_seen[entry.parts] = entry
            kept.append(entry)
    return kept, problems


def read_lexicons(lexicon_dir: Path) -> tuple[Lexicon, list[Problem]]:
    """Read every term lexicon and boilerplate.txt in the folder; return (lexicon, problems).

    Raises LexiconError when the folder is missing or holds no usable term at all.
    """
    lexicon_dir = Path(lexicon_dir)
    if not lexicon_dir.is_dir():
        raise LexiconError(f"{lexicon_dir}: lexicon folder not found")
    entries: list[Entry] = []
    problems: list[Problem] = []
    parsers = {
        ".csv": parse_term_lexicon,
        ".yml": parse_yaml_dictionary,
        ".yaml": parse_yaml_dictionary,
        ".dic": parse_liwc_dictionary,
    }
    try:
        files = sorted(lexicon_dir.iterdir())
    except OSError as error:
        raise LexiconError(f"{lexicon_dir}: the lexicon folder cannot be read: {error.strerror or error}") from error
    for path in files:
        if path.suffix.lower() not in parsers or path.name in RESERVED_FILES:
            continue
        text, problem = _read_text(path)
        if problem:
            problems.append(problem)
            continue
        file_entries, file_problems = parsers[path.suffix.lower()](text, file_name(path))
        entries.extend(file_entries)
        problems.extend(file_problems)
    entries, duplicate_problems = drop_duplicate_terms(entries)
    problems.extend(duplicate_problems)
    if not entries:
        raise LexiconError(
            f"{lexicon_dir}: no usable term in any lexicon file (*.csv with columns {','.join(LEXICON_COLUMNS)})"
        )
    boilerplate, boilerplate_problems = _read_optional(lexicon_dir / BOILERPLATE_FILE, parse_boilerplate, [])
    negators, negator_problems = _read_optional(lexicon_dir / NEGATORS_FILE, parse_negators, DEFAULT_NEGATORS)
    problems.extend(boilerplate_problems + negator_problems)
    hashes = tuple(
        (file_name(path), digest)
        for path in files
        if path.suffix.lower() in LEXICON_SUFFIXES and (digest := _file_hash(path)) is not None
    )
    return Lexicon(tuple(entries), tuple(boilerplate), negators, hashes, _reporting_verbs(lexicon_dir)), problems


def _reporting_verbs(lexicon_dir: Path) -> tuple[Entry, ...]:
    """The verbs of attribution.csv; its problems are reported by read_framing_lexicons, which reads it too."""
    path = lexicon_dir / ATTRIBUTION_FILE
    if not (path.exists() or path.is_symlink()):
        return ()
    text, problem = _read_text(path)
    if problem:
        return ()
    entries, _ = parse_mapping_file(text, ATTRIBUTION_FILE, "verb", "class", None, ATTRIBUTION_CLASSES)
    return tuple(drop_duplicate_terms(entries)[0])


def _read_optional(path: Path, parse, default):
    """parse(lines, file name) of a file that may be absent: (default, []) when it is."""
    if not (path.exists() or path.is_symlink()):
        return default, []
    text, problem = _read_text(path)
    if problem:
        return default, [problem]
    return parse(text.splitlines(), file_name(path))


def parse_negators(lines: list[str], source: str) -> tuple[frozenset[str], list[Problem]]:
    """One negating word per line (# comments); a line of several words is a problem."""
    words, problems = set(), []
    for line_no, raw in enumerate(lines, start=1):
        text = raw.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        tokens = TOKEN.findall(text)
        if len(tokens) != 1 or tokens[0] != text:
            problems.append(Problem("lexicon", source, line_no, f"{text!r}: a negator is one word"))
            continue
        words.add(normalize_token(text))
    return frozenset(words), problems


def file_name(path: Path) -> str:
    """A lexicon file's name as problems and hits name it: bytes that are not UTF-8 (a name made on
    another system) shown as U+FFFD, so the name can be written to any table or report."""
    return os.fsencode(path.name).decode("utf-8", "replace")


def _read_bytes(path: Path) -> bytes:
    """A lexicon file's bytes; LexiconError (a sentence naming what is wrong) for anything but a regular,
    readable file of at most MAX_LEXICON_BYTES. A device, pipe or socket is never read from."""
    if path.is_symlink() and not path.exists():
        raise LexiconError("is a broken link")
    if path.is_dir():
        raise LexiconError("is a folder, not a file")
    try:
        # Non-blocking, so that opening a pipe does not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise LexiconError(f"cannot be read: {(error.strerror or str(error)).lower()}") from error
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise LexiconError("is not a regular file")
        if info.st_size > MAX_LEXICON_BYTES:
            raise LexiconError(f"is {info.st_size:,} bytes; a lexicon file is at most {MAX_LEXICON_BYTES:,}")
        try:
            data = file.read(MAX_LEXICON_BYTES + 1)
        except OSError as error:
            raise LexiconError(f"cannot be read: {(error.strerror or str(error)).lower()}") from error
    if len(data) > MAX_LEXICON_BYTES:
        raise LexiconError(f"is over {MAX_LEXICON_BYTES:,} bytes; a lexicon file is at most {MAX_LEXICON_BYTES:,}")
    return data


def _read_text(path: Path) -> tuple[str, Problem | None]:
    try:
        text, _ = decode_bytes(_read_bytes(path))
    except LexiconError as error:
        return "", Problem("lexicon", file_name(path), 0, str(error))
    except UnreadableText as error:
        return "", Problem("lexicon", file_name(path), 0, f"cannot be read: {error}")
    return text, None


def _file_hash(path: Path) -> str | None:
    """sha256 of a file that shapes a run; None for one that cannot be read (reported where it is read)."""
    try:
        return hashlib.sha256(_read_bytes(path)).hexdigest()
    except LexiconError:
        return None


class _TermTrie:
    """Entries by their words, one level per word (`*text` for a prefix word), to find every entry
    that covers a run of words without comparing each pair of entries."""

    def __init__(self) -> None:
        self.children: dict[str, _TermTrie] = {}
        self.entries: list[Entry] = []
        self.prefix_lengths: list[int] = []

    def add(self, entry: Entry) -> None:
        node = self
        for part in entry.parts:
            key = ("*" if part.prefix else "") + part.text
            if key not in node.children:
                node.children[key] = _TermTrie()
                if part.prefix:
                    bisect.insort(node.prefix_lengths, len(part.text))
            node = node.children[key]
        node.entries.append(entry)

    def covering(self, parts: Sequence[TermPart]) -> list[Entry]:
        """The entries that match every word a run of words starting with `parts` matches: a prefix
        word covers the words that start with it, an exact word only that same exact word."""
        found, frontier = [], [self]
        for part in parts:
            reached = []
            for node in frontier:
                if not part.prefix and part.text in node.children:
                    reached.append(node.children[part.text])
                for n in node.prefix_lengths:
                    if n > len(part.text):
                        break
                    child = node.children.get("*" + part.text[:n])
                    if child is not None:
                        reached.append(child)
            found.extend(entry for node in reached for entry in node.entries)
            frontier = reached
            if not frontier:
                break
        return found


def shadowed_terms(entries: Sequence[Entry]) -> list[Problem]:
    """Warnings for terms that sit inside a longer term of another category.

    Where both match, the longer one wins (longest match), so the shorter term's category never
    sees those words: "strike" (euphemism) inside "drone strike" (dysphemism). `ignore` entries
    are meant to shadow and are left out.
    """
    loaded = [e for e in entries if e.category != IGNORE_CATEGORY]
    trie = _TermTrie()
    for entry in loaded:
        trie.add(entry)
    problems = set()
    for longer in loaded:
        for k in range(len(longer.parts)):
            for shorter in trie.covering(longer.parts[k:]):
                if len(shorter.parts) < len(longer.parts) and shorter.category != longer.category:
                    problems.add(
                        Problem(
                            "lexicon",
                            shorter.source,
                            shorter.line,
                            f"{shorter.term!r} ({shorter.category}) is part of the longer {longer.term!r} "
                            f"({longer.category}) at {longer.source}:{longer.line}; where both match, the longer wins",
                            "warning",
                        )
                    )
    return sorted(problems, key=lambda p: (p.source, p.line, p.reason))


def unused_wildcards(entries: Sequence[Entry], vocabulary: Sequence[str]) -> list[Problem]:
    """Warnings for wildcard entries that match no word of the corpus (a typo in the prefix?)."""
    words = sorted(set(vocabulary))
    problems = []
    for entry in entries:
        for part in entry.parts:
            if not part.prefix:
                continue
            k = bisect.bisect_left(words, part.text)
            if k == len(words) or not words[k].startswith(part.text):
                problems.append(
                    Problem(
                        "lexicon",
                        entry.source,
                        entry.line,
                        f"wildcard {part.text + '*'!r} in {entry.term!r} {UNUSED_WILDCARD}",
                        "warning",
                    )
                )
                break
    return problems


def check_lexicons(lexicon_dir: Path, vocabulary: Sequence[str] | None = None) -> list[Problem]:
    """Every problem of a lexicon folder, the framing lexicons' included: bad lines and unreadable files
    (errors), shadowed terms and, given the corpus's words, wildcards that match nothing (warnings);
    sorted by file and line."""
    lexicon, problems = read_lexicons(lexicon_dir)
    _, framing_problems = read_framing_lexicons(lexicon_dir)
    problems = problems + framing_problems + shadowed_terms(lexicon.entries)
    if vocabulary is not None:
        problems += unused_wildcards(lexicon.entries, vocabulary)
    return sorted(problems, key=lambda p: (p.source, p.line, p.severity, p.reason))


UNUSED_WILDCARD = "matches no word in the corpus"


def grouped_unused_wildcards(problems: list[Problem], most: int = 3) -> list[Problem]:
    """The problems with each file's warnings about wildcards that match no word of the corpus folded
    into one, when there are more than `most` of them: on a small corpus most wildcards match nothing,
    and a line for each would bury the problems that need a fix."""
    unused: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.reason.endswith(UNUSED_WILDCARD):
            unused.setdefault(problem.source, []).append(problem)
    kept = [p for p in problems if not (p.reason.endswith(UNUSED_WILDCARD) and len(unused[p.source]) > most)]
    for source, found in sorted(unused.items()):
        if len(found) > most:
            lines = ", ".join(str(p.line) for p in found)
            reason = f"{len(found)} wildcards match no word of this corpus (lines {lines}); --all lists each"
            kept.append(Problem("lexicon", source, found[0].line, reason, "warning"))
    return sorted(kept, key=lambda p: (p.source, p.line, p.severity, p.reason))


def corpus_vocabulary(texts: Sequence[str]) -> list[str]:
    """The distinct words of some texts, normalized as terms are (for wildcard checks)."""
    return sorted({normalize_token(w) for text in texts for w in TOKEN.findall(text)})


FRAME_DIMENSIONS = (
    "economic",
    "capacity and resources",
    "morality",
    "fairness and equality",
    "legality",
    "policy prescription",
    "crime and punishment",
    "security and defense",
    "health and safety",
    "quality of life",
    "cultural identity",
    "public opinion",
    "political",
    "external regulation and reputation",
    "other",
)
ATTRIBUTION_CLASSES = ("neutral", "doubting", "disparaging", "conceding", "idiom")


@dataclass(frozen=True)
class FramingLexicons:
    """The lexicons of the framing comparison, each a Lexicon whose entries' `category` is the label.

    actors: alias -> actor; labels: label -> concept, weight = connotation in [-1, 1];
    attribution: verb -> class; frames: cue term -> Policy Frames dimension.
    """

    actors: Lexicon
    labels: Lexicon
    attribution: Lexicon
    frames: Lexicon
    # concept -> the actors it is about (labels.csv's refers_to column), in concept order
    referents: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def referents_of(self, concept: str) -> tuple[str, ...]:
        return dict(self.referents).get(concept, ())


def parse_mapping_file(
    text: str,
    source: str,
    term_column: str,
    category_column: str,
    value_column: str | None = None,
    allowed: Sequence[str] | None = None,
) -> tuple[list[Entry], list[Problem]]:
    """Parse a two- or three-column mapping CSV (term -> category [, value in -1..1]); bad lines are problems."""
    problems: list[Problem] = []
    rows = _csv_rows(text, source, problems)
    header = [h.strip().lower() for h in next(rows, (1, []))[1]]
    required = [term_column, category_column] + ([value_column] if value_column else [])
    missing = [c for c in required if c not in header]
    if missing:
        return [], [
            Problem("lexicon", source, 1, f"missing column(s) {', '.join(missing)}; expected {','.join(required)}")
        ]
    entries = []
    for line_no, row in rows:
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) > len(header):
            problems.append(Problem("lexicon", source, line_no, _too_many_fields(row, header)))
            continue
        fields = dict(zip(header, (cell.strip() for cell in row), strict=False))
        term, invisible = without_invisible(fields.get(term_column, ""), term_column, source, line_no)
        problems.extend(invisible)
        category = fields.get(category_column, "")
        parts = term_parts(term)
        if not parts:
            problems.append(
                Problem(
                    "lexicon",
                    source,
                    line_no,
                    f"empty {term_column} {term!r}: {_a(term_column)} needs at least one letter or digit",
                )
            )
            continue
        if not category:
            needs = _a(category_column) + (f" (one of: {', '.join(allowed)})" if allowed is not None else "")
            problems.append(
                Problem(
                    "lexicon", source, line_no, f"empty {category_column}: the {term_column} {term!r} needs {needs}"
                )
            )
            continue
        if allowed is not None and category not in allowed:
            problems.append(
                Problem(
                    "lexicon", source, line_no, f"{category_column} {category!r} is not one of: {', '.join(allowed)}"
                )
            )
            continue
        value = 1.0
        if value_column:
            value, problem = _mapping_value(fields.get(value_column, ""), value_column, term_column, term)
            if problem:
                problems.append(Problem("lexicon", source, line_no, problem))
                continue
        entries.append(Entry(term, category, value, fields.get("note", ""), source, line_no, parts))
    return entries, problems


def _a(noun: str) -> str:
    """The noun with its indefinite article: an alias, a verb."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _mapping_value(raw: str, value_column: str, term_column: str, term: str) -> tuple[float, str]:
    """A mapping file's number in [-1, 1] (a label's connotation), or the problem with it."""
    if not raw:
        return 0.0, f"empty {value_column}: the {term_column} {term!r} needs a number in [-1, 1]"
    try:
        value = float(raw)
    except ValueError:
        return 0.0, f"{value_column} {raw!r} is not a number; use a number in [-1, 1]"
    if not -1 <= value <= 1:
        return 0.0, f"{value_column} {raw!r} is outside [-1, 1]"
    return value, ""


def read_framing_lexicons(lexicon_dir: Path) -> tuple[FramingLexicons, list[Problem]]:
    """Read actors.csv, labels.csv, attribution.csv and frames.csv; a missing file gives an empty lexicon."""
    specs = {
        "actors": ("actors.csv", "alias", "actor", None, None),
        "labels": ("labels.csv", "label", "concept", "connotation", None),
        "attribution": (ATTRIBUTION_FILE, "verb", "class", None, ATTRIBUTION_CLASSES),
        "frames": ("frames.csv", "term", "frame", None, FRAME_DIMENSIONS),
    }
    lexicons, problems = {}, []
    for name, (file_name, term_column, category_column, value_column, allowed) in specs.items():
        path = Path(lexicon_dir) / file_name
        entries: list[Entry] = []
        if path.exists() or path.is_symlink():
            text, problem = _read_text(path)
            if problem:
                problems.append(problem)
            else:
                entries, file_problems = parse_mapping_file(
                    text, file_name, term_column, category_column, value_column, allowed
                )
                problems.extend(file_problems)
                entries, duplicates = drop_duplicate_terms(entries)
                problems.extend(duplicates)
        lexicons[name] = Lexicon(tuple(entries))
        if name == "labels" and entries:
            referents, referent_problems = label_referents(
                text, file_name, {e.category for e in lexicons["actors"].entries}
            )
            problems.extend(referent_problems)
            lexicons["referents"] = referents
    return FramingLexicons(**lexicons), problems


def label_referents(text: str, source: str, actors: set[str]) -> tuple[tuple, list[Problem]]:
    """labels.csv's optional refers_to column: per concept, the actors (as named in actors.csv, separated
    by ";") the concept is about, on any of the concept's lines; an actor actors.csv lacks is a warning."""
    problems: list[Problem] = []
    rows = _csv_rows(text, source, [])
    header = [h.strip().lower() for h in next(rows, (1, []))[1]]
    if "refers_to" not in header:
        return (), []
    found: dict[str, list[str]] = {}
    for line_no, row in rows:
        fields = dict(zip(header, (cell.strip() for cell in row), strict=False))
        concept = fields.get("concept", "")
        for actor in (a.strip() for a in fields.get("refers_to", "").split(";")):
            if not actor or not concept or row[0].lstrip().startswith("#"):
                continue
            if actor not in actors:
                problems.append(
                    Problem(
                        "lexicon",
                        source,
                        line_no,
                        f"refers_to {actor!r} is no actor of actors.csv; labels of {concept!r} are not checked "
                        "against it (add the actor there, or correct the name)",
                        "warning",
                    )
                )
            elif actor not in found.setdefault(concept, []):
                found[concept].append(actor)
    return tuple((concept, tuple(names)) for concept, names in sorted(found.items())), problems
