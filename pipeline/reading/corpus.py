"""Read the manifest and the article files of a corpus folder into an articles DataFrame."""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import chardet
import pandas as pd
from bs4 import BeautifulSoup, PageElement, Tag

from pipeline.errors import CorpusError
from pipeline.schema import ARTICLE_COLUMNS, PIPELINE_COLUMN_PREFIXES, PIPELINE_COLUMNS, PROBLEM_COLUMNS, Problem

MANIFEST_NAME = "manifest.csv"
REQUIRED_MANIFEST_COLUMNS = ["file", "outlet"]
OPTIONAL_MANIFEST_COLUMNS = ["published", "url", "title", "clean"]
# How an article's text is cleaned (the manifest's `clean` column, else by file type; see pipeline.reading.clean):
#   chrome  encoding repair and the page-chrome rules: the default for .txt and .html files (scraped pages)
#   none    encoding and whitespace repair only: the default for .jsonl and .csv records, already extracted
#           text whose one line (a headline, a sentence) the page-chrome rules could take for chrome
CLEANING = ("chrome", "none")
SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".csv")
# A news article is a few thousand words; text this long is a scraping accident, and would stall a run.
MAX_ARTICLE_BYTES = 5_000_000

# Article texts are moved into the table's own storage this many at a time (see TextColumn).
TEXT_BLOCK = 2_000


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Tags whose text is never article text.
_NON_TEXT_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "head",
]
# Tags that end a line of text when rendered.
_BLOCK_TAGS = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "tr",
    "table",
    "figcaption",
    "figure",
    "dd",
    "dt",
    "hr",
]


# Characters that are never text, repaired wherever text is read: lone surrogates (an invalid \u
# escape in JSON) cannot be written as UTF-8; NUL (a UTF-16 file read as UTF-8, a \u0000 escape)
# breaks the tables; bidirectional controls can make an outlet's name display as another's.
_CHARACTER_REPAIRS = [
    (re.compile("[\ud800-\udfff]"), "\ufffd", "lone surrogates (invalid \\u escapes) replaced with U+FFFD in"),
    (re.compile("\x00"), "", "NUL characters removed from"),
    (re.compile("[\u202a-\u202e\u2066-\u2069]"), "", "bidirectional control characters removed from"),
]
_SUSPECT_CHARACTER = re.compile("[\ud800-\udfff\x00\u202a-\u202e\u2066-\u2069]")


class UnreadableText(ValueError):
    """Bytes that are not text in any encoding we can trust."""


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Turn a list of Problem into the problems table (PROBLEM_COLUMNS)."""
    return pd.DataFrame([vars(p) for p in problems], columns=PROBLEM_COLUMNS).astype({"line": "int64"})


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes to text; return (text, encoding). Raise UnreadableText for binary data.

    Order: a byte-order mark decides; else strict UTF-8; else the encoding chardet detects
    (cp1252 when it is unsure, since it is the usual encoding of non-UTF-8 news pages).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise UnreadableText(
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {error}"
                ) from error
    if b"\x00" in data:
        raise UnreadableText("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in _legacy_encodings(data):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _control_character_share(text) > 0.01:
            raise UnreadableText("binary file (control characters), not text")
        return text, encoding
    raise UnreadableText("not decodable as UTF-8, cp1252 or latin-1")


def _legacy_encodings(data: bytes) -> list[str]:
    """Encodings to try, in order, for bytes that are not UTF-8.

    cp1252 is the usual encoding of non-UTF-8 news pages, and chardet is unsure on short texts
    (it calls English cp1252 text "windows-1257"), so its guess wins only when it reads the bytes
    differently from cp1252 and is reasonably confident (Cyrillic cp1251, say).
    """
    guess = chardet.detect(data[:200_000])
    encoding, confidence = (guess.get("encoding") or "").lower(), guess.get("confidence") or 0.0
    try:
        same_as_cp1252 = data.decode(encoding) == data.decode("cp1252")
    except (UnicodeDecodeError, LookupError):
        same_as_cp1252 = False
    if encoding and not same_as_cp1252 and confidence >= 0.3:
        return [encoding, "cp1252", "latin-1"]
    return ["cp1252", "latin-1"]


def _control_character_share(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls / max(len(text), 1)


def html_to_text(html: str) -> tuple[str, str]:
    """Return (title, main text) of an HTML page, one block element per line.

    Main text is the <article>, else <main>, else <body>; scripts, styles, navigation,
    headers, footers, asides and forms never reach it.
    """
    soup = BeautifulSoup(html, "html.parser")
    root = _first_text_tag(soup, ("article", "main", "body")) or soup
    return _html_title(soup), "".join(_text_pieces(root))


def _text_tags(root: Tag) -> Iterator[tuple[PageElement, bool]]:
    """(element, whether it closes a block) in document order, never inside a non-text tag.

    One pass over the tree with a stack of its own: bs4's own calls (decompose, insert_before)
    each cost the length of a tag's children, and recursion stops at Python's depth limit.
    """
    non_text, blocks = frozenset(_NON_TEXT_TAGS), frozenset(_BLOCK_TAGS)
    children = [iter(root.contents)]
    closes = []
    while children:
        child = next(children[-1], None)
        if child is None:
            children.pop()
            if closes:
                block = closes.pop()
                if block is not None:
                    yield block, True
            continue
        if isinstance(child, Tag):
            if child.name in non_text:
                continue
            yield child, False
            if child.name != "br":
                children.append(iter(child.contents))
                closes.append(child if child.name in blocks else None)
        else:
            yield child, False


def _first_text_tag(soup: BeautifulSoup, names: tuple[str, ...]) -> Tag | None:
    """The first tag named names[0] outside non-text tags, else the first named names[1], ..."""
    first: dict[str, Tag] = {}
    for element, closing in _text_tags(soup):
        if not closing and isinstance(element, Tag) and element.name in names:
            first.setdefault(element.name, element)
            if element.name == names[0]:
                break
    return next((first[name] for name in names if name in first), None)


def _text_pieces(root: Tag) -> Iterator[str]:
    """root.get_text() with a line break for each <br> and around each block tag inside root."""
    blocks = frozenset(_BLOCK_TAGS)
    string_types = root.interesting_string_types or Tag.MAIN_CONTENT_STRING_TYPES
    for element, closing in _text_tags(root):
        if isinstance(element, Tag):
            if closing or element.name in blocks or element.name == "br":
                yield "\n"
        elif type(element) in string_types:
            yield element


def _html_title(soup: BeautifulSoup) -> str:
    og_title = soup.find("meta", attrs={"property": "og:title"})
    if og_title and og_title.get("content"):
        return str(og_title["content"]).strip()
    for tag_name in ("h1", "title"):
        tag = soup.find(tag_name)
        if tag and tag.get_text(strip=True):
            return tag.get_text(" ", strip=True)
    return ""


def read_manifest(corpus_dir: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Read `manifest.csv`: one row per file, columns file, outlet, published, url, title (+ any extra).

    Returns the manifest (with `manifest_line`, the row's line number) and problems: rows with the
    wrong number of fields, unknown columns that look like a misspelled known one, columns renamed
    or dropped (see _manifest_columns), characters repaired, dates that cannot be read. Raises
    CorpusError when the manifest is missing, unreadable or lacks a required column.
    """
    path = corpus_dir / MANIFEST_NAME
    known = REQUIRED_MANIFEST_COLUMNS + OPTIONAL_MANIFEST_COLUMNS
    if not path.is_file():
        raise CorpusError(f"{path}: no manifest; a corpus folder needs {MANIFEST_NAME} with columns {','.join(known)}")
    try:
        text, _ = decode_bytes(_read_bytes(path))
    except OSError as error:
        raise CorpusError(f"{path}: cannot be read: {_os_reason(error)}") from error
    except UnreadableText as error:
        raise CorpusError(f"{path}: {error}") from error
    with _csv_fields_up_to(len(text)):
        return _parse_manifest(text, path)


def _parse_manifest(text: str, path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """The manifest's text as read_manifest returns it."""
    known = REQUIRED_MANIFEST_COLUMNS + OPTIONAL_MANIFEST_COLUMNS
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in next(reader, [])]
    missing = [c for c in REQUIRED_MANIFEST_COLUMNS if c not in header]
    if missing:
        hints = [f"{c!r} instead of {m!r}?" for m in missing for c in difflib.get_close_matches(m, header, n=1)]
        raise CorpusError(
            f"{path}:1: missing column(s) {', '.join(missing)}; found {', '.join(header) or 'nothing'}"
            + (f"; did you write {' '.join(hints)}" if hints else "")
            + f"; expected {','.join(known)}"
        )
    columns, problems = _manifest_columns(header)
    rows = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(
                    Problem(
                        "corpus",
                        MANIFEST_NAME,
                        reader.line_num,
                        f"{len(row)} fields where the header has {len(header)}; row skipped",
                    )
                )
                continue
            cells, repairs = repair_characters({name: row[index].strip() for index, name in columns})
            if repairs:
                problems.append(Problem("corpus", MANIFEST_NAME, reader.line_num, repairs, "warning"))
            rows.append([*cells.values(), reader.line_num])
    except csv.Error as error:
        problems.append(Problem("corpus", MANIFEST_NAME, reader.line_num, f"CSV cannot be parsed past here: {error}"))
    names = [name for _, name in columns]
    manifest = pd.DataFrame(rows, columns=[*names, "manifest_line"]).astype({"manifest_line": "int64"})
    for column in OPTIONAL_MANIFEST_COLUMNS:
        if column not in manifest.columns:
            manifest[column] = ""
    problems.extend(_date_problems(manifest["published"], MANIFEST_NAME, manifest["manifest_line"]))
    manifest["clean"] = manifest["clean"].str.lower()
    unknown = ~manifest["clean"].isin(["", *CLEANING])
    problems.extend(
        Problem(
            "corpus",
            MANIFEST_NAME,
            int(line),
            f"clean {value!r} is not one of {', '.join(CLEANING)}; the default for the file's type is used",
            "warning",
        )
        for value, line in zip(manifest.loc[unknown, "clean"], manifest.loc[unknown, "manifest_line"], strict=True)
    )
    manifest.loc[unknown, "clean"] = ""
    return manifest, problems


def _manifest_columns(header: list[str]) -> tuple[list[tuple[int, str]], list[Problem]]:
    """The manifest columns kept, as (position, name), and the warnings about the header.

    A column named like one the pipeline makes (a run's articles.csv used as a manifest, say) is
    renamed manifest_<name>, or dropped when that name is taken too; a column named twice is kept
    once; an unknown column close to a known one draws a did-you-mean.
    """
    known = REQUIRED_MANIFEST_COLUMNS + OPTIONAL_MANIFEST_COLUMNS
    columns: dict[str, int] = {}
    problems = []

    def warn(reason: str) -> None:
        problems.append(Problem("corpus", MANIFEST_NAME, 1, reason, "warning"))

    for position, column in enumerate(header):
        name = column
        if column in PIPELINE_COLUMNS or column.startswith(PIPELINE_COLUMN_PREFIXES):
            name = f"manifest_{column}"
            if name in header or name in PIPELINE_COLUMNS:
                warn(f"column {column!r} is a column the pipeline makes, and {name!r} is taken too; column dropped")
                continue
            warn(f"column {column!r} is a column the pipeline makes; kept as {name!r}")
        elif column not in known and (close := difflib.get_close_matches(column, known, n=1)):
            warn(f"column {column!r} is kept as an extra column; did you mean {close[0]!r}?")
        if name in columns:
            warn(f"column {column!r} appears more than once; column {position + 1} ignored")
            continue
        columns[name] = position
    return [(position, name) for name, position in columns.items()], problems


def publication_dates(published: pd.Series) -> pd.Series:
    """Each `published` as a UTC timestamp, NaT where there is none or it is not a date.

    A date without a zone is taken as UTC, so that dates with and without zones (or with different
    offsets) compare. The one reading of `published` every stage uses.
    """
    return pd.to_datetime(published, errors="coerce", format="mixed", utc=True)


def _date_problems(published: pd.Series, source: str, lines: pd.Series) -> list[Problem]:
    """A warning for each non-empty `published` that publication_dates cannot read, at its line."""
    unreadable = (published.fillna("").astype(str).str.strip() != "") & publication_dates(published).isna()
    return [
        Problem(
            "corpus",
            source,
            int(line),
            f"published {value!r} is not a date (expected ISO 8601, e.g. 2020-01-05 or 2020-01-05T10:00:00Z); "
            "the article is treated as undated",
            "warning",
        )
        for value, line in zip(published[unreadable], lines[unreadable], strict=True)
    ]


def read_corpus(corpus_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every article the manifest names; return (articles, problems).

    Articles follow ARTICLE_COLUMNS (plus extra manifest columns); problems follow PROBLEM_COLUMNS.
    A bad file or record is a problem and the rest is still read.
    """
    corpus_dir = Path(corpus_dir)
    manifest, problems = read_manifest(corpus_dir)
    extra_columns = [
        c
        for c in manifest.columns
        if c not in REQUIRED_MANIFEST_COLUMNS + OPTIONAL_MANIFEST_COLUMNS + ["manifest_line"]
    ]
    rows: list[dict] = []
    texts = TextColumn(TEXT_BLOCK)
    read_names: set[str] = set()
    read_files: dict[tuple[int, int], str] = {}  # (device, inode) of each file read: its name
    for entry in manifest.to_dict("records"):
        name = entry["file"]
        path, identity, reason = _listed_file(corpus_dir, name)
        if not reason and name in read_names:
            reason = f"{name!r} is listed more than once; later row ignored"
        elif not reason and identity in read_files:
            reason = f"{name!r} is the same file as {read_files[identity]!r}, listed earlier; later row ignored"
        if reason:
            problems.append(Problem("corpus", MANIFEST_NAME, entry["manifest_line"], reason))
            continue
        read_names.add(name)
        read_files[identity] = name
        defaults = {
            "file": name,
            "outlet": entry["outlet"],
            "published": entry["published"],
            "url": entry["url"],
            "title": entry["title"],
            "clean": entry["clean"],
        }
        defaults.update({c: entry[c] for c in extra_columns})
        file_rows, file_problems = read_article_file(path, name, defaults)
        for row in file_rows:
            texts.append(row.pop("raw_text"))
        rows.extend(file_rows)
        problems.extend(file_problems)
    listed = {Path(os.path.normpath(name)).as_posix() for name in manifest["file"] if name}
    problems.extend(_files_not_in_manifest(corpus_dir, listed))
    articles = pd.DataFrame(rows, columns=ARTICLE_COLUMNS + extra_columns)
    articles["raw_text"] = texts.series()
    articles = articles.astype({"record": "int64"}).reset_index(drop=True)
    return articles, problems_frame(problems)


class TextColumn:
    """A string column built `block` texts at a time.

    A table's strings are stored apart from Python's (pyarrow, with pandas 3): converting the texts
    as they are read, rather than all at the end, means the whole corpus is never held twice.
    """

    def __init__(self, block: int):
        self.block, self.pending, self.done = block, [], []

    def append(self, text: str) -> None:
        self.pending.append(text)
        if len(self.pending) >= self.block:
            self.done.append(pd.Series(self.pending, dtype="str"))
            self.pending = []

    def series(self) -> pd.Series:
        return pd.concat([*self.done, pd.Series(self.pending, dtype="str")], ignore_index=True)


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _os_reason(error: OSError) -> str:
    return error.strerror or str(error)


def _listed_file(corpus_dir: Path, name: str) -> tuple[Path | None, tuple[int, int] | None, str]:
    """(path, (device, inode), "") of a file the manifest names, or (None, None, why it cannot be read)."""
    path = _resolve_inside(corpus_dir, name)
    if not name:
        return None, None, "empty file name"
    if path is None:
        return None, None, f"{name!r} points outside the corpus folder; refused"
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None, None, f"{name!r} does not exist in {corpus_dir}"
    except OSError as error:
        return None, None, f"{name!r} cannot be read: {_os_reason(error)}"
    if stat.S_ISDIR(info.st_mode):
        return None, None, f"{name!r} is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return None, None, f"{name!r} is not a regular file (a pipe, socket or device), so it cannot be read"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return (
            None,
            None,
            f"{name!r}: unsupported file type {path.suffix!r}; expected one of {', '.join(SUPPORTED_SUFFIXES)}",
        )
    return path, (info.st_dev, info.st_ino), ""


def _resolve_inside(corpus_dir: Path, name: str) -> Path | None:
    """The file's path if it stays inside the corpus folder (symlinks followed), else None."""
    if not name or Path(name).is_absolute():
        return None
    # realpath, unlike Path.resolve, gives a path for a symlink loop too: stat then reports the loop.
    root = Path(os.path.realpath(corpus_dir))
    path = Path(os.path.realpath(corpus_dir / name))
    return path if path.is_relative_to(root) else None


def _files_not_in_manifest(corpus_dir: Path, listed: set[str]) -> list[Problem]:
    found = sorted(
        name
        for name in _corpus_file_names(os.fspath(corpus_dir))
        if name.rsplit("/", 1)[-1] != MANIFEST_NAME and not any(part.startswith(".") for part in name.split("/"))
    )
    return [
        Problem("corpus", name, 0, f"not in {MANIFEST_NAME}: skipped (add a row with its outlet to read it)", "warning")
        for name in found
        if name not in listed
    ]


def read_article_file(path: Path, name: str, defaults: dict) -> tuple[list[dict], list[Problem]]:
    """Read one file into article rows; `defaults` carries the manifest's fields for it."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES and path.suffix.lower() not in (".jsonl", ".csv"):
            return [], [Problem("corpus", name, 0, _too_large(size))]
        data = _read_bytes(path)
    except OSError as error:
        return [], [Problem("corpus", name, 0, f"cannot be read: {_os_reason(error)}")]
    if not data.strip():
        return [], [Problem("corpus", name, 0, "empty file")]
    try:
        text, encoding = decode_bytes(data)
    except UnreadableText as error:
        return [], [Problem("corpus", name, 0, str(error))]
    if not text.strip():
        return [], [Problem("corpus", name, 0, "empty file (only whitespace)")]
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".csv"):
        records, problems = _jsonl_records(text, name) if suffix == ".jsonl" else _csv_records(text, name)
        dated = [
            (record_no, str(record["published"]).strip()) for record_no, record in records if record.get("published")
        ]
        if dated:
            numbers, dates = zip(*dated, strict=True)
            problems.extend(_date_problems(pd.Series(dates, dtype="str"), name, pd.Series(numbers, dtype="int64")))
        rows = []
        for record_no, record in records:
            row = _article_row(defaults, record, encoding, record_no)
            row["clean"] = row.get("clean") or "none"
            if row["outlet"]:
                rows.append(row)
            else:
                problems.append(Problem("corpus", name, record_no, "no outlet: give one in the record or the manifest"))
        return rows, problems
    fields, repairs = repair_characters({"text": text})
    problems = [Problem("corpus", name, 0, repairs, "warning")] if repairs else []
    title, text = html_to_text(fields["text"]) if suffix in (".html", ".htm") else ("", fields["text"])
    row = _article_row(defaults, {"text": text, "title": title}, encoding, 0)
    row["clean"] = row.get("clean") or "chrome"
    return [row], problems


# The fields of a .jsonl/.csv record that become the article's.
_RECORD_FIELDS = ("text", "title", "outlet", "published", "url")


def _article_row(defaults: dict, record: dict, encoding: str, record_no: int) -> dict:
    row = dict(defaults)
    for field in ("outlet", "published", "url", "title"):
        value = record.get(field)
        if value not in (None, ""):
            row[field] = str(value).strip()
    # One outlet however its name's accents were encoded ("Café" as é or as e and a combining accent).
    row["outlet"] = unicodedata.normalize("NFC", row["outlet"])
    row["raw_text"] = record["text"]
    row["record"] = record_no
    row["encoding"] = encoding
    row["article_id"] = f"{defaults['file']}:{record_no}" if record_no else defaults["file"]
    return row


def _jsonl_records(text: str, name: str) -> tuple[list[tuple[int, dict]], list[Problem]]:
    records, problems = [], []
    # Records end at "\n" alone: str.splitlines also ends lines at characters a JSON string may hold (U+2028).
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem("corpus", name, line_no, f"not valid JSON ({error.msg} at column {error.colno})"))
            continue
        record = _checked_record(record, name, line_no, problems)
        if record is not None:
            records.append((line_no, record))
    return records, problems


def _csv_records(text: str, name: str) -> tuple[list[tuple[int, dict]], list[Problem]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    records, problems = [], []
    with _csv_fields_up_to(len(text)):
        if "text" not in (reader.fieldnames or []):
            return [], [Problem("corpus", name, 1, f"no 'text' column; found {', '.join(reader.fieldnames or [])}")]
        try:
            for record_no, record in enumerate(reader, start=1):
                record = _checked_record(record, name, record_no, problems)
                if record is not None:
                    records.append((record_no, record))
        except csv.Error as error:
            problems.append(Problem("corpus", name, reader.line_num, f"CSV cannot be parsed past here: {error}"))
    return records, problems


@contextlib.contextmanager
def _csv_fields_up_to(size: int) -> Iterator[None]:
    """The csv module reads fields of up to `size` characters while in this block.

    Its default limit (131,072) ends a file at the first long article; an article over the size cap
    is a problem of its own (_record_problem), with the rest of the file still read.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _checked_record(record: object, name: str, record_no: int, problems: list[Problem]) -> dict | None:
    """The record with its fields' characters repaired, or None when it cannot be an article; the
    repair (a warning) or the reason (an error) is added to `problems`."""
    if isinstance(record, dict):
        fields, repairs = repair_characters({f: v for f in _RECORD_FIELDS if isinstance(v := record.get(f), str)})
        if repairs:
            problems.append(Problem("corpus", name, record_no, repairs, "warning"))
            record = {**record, **fields}
    problem = _record_problem(record)
    if problem:
        problems.append(Problem("corpus", name, record_no, problem))
        return None
    return record


def _record_problem(record: object) -> str:
    if not isinstance(record, dict):
        return "a record must be an object with a 'text' field"
    text = record.get("text")
    if not isinstance(text, str):
        return "no 'text' field (or it is not a string)"
    if not text.strip():
        return "empty 'text'"
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        return _too_large(len(text.encode("utf-8")))
    return ""


def repair_characters(fields: dict[str, str]) -> tuple[dict[str, str], str]:
    """The fields with their characters that are never text repaired (_CHARACTER_REPAIRS), and what
    was done, in words ("" when nothing was)."""
    suspect = [name for name, value in fields.items() if _SUSPECT_CHARACTER.search(value)]
    if not suspect:
        return fields, ""
    repaired, done = dict(fields), []
    for pattern, replacement, action in _CHARACTER_REPAIRS:
        found = [name for name in suspect if pattern.search(repaired[name])]
        for name in found:
            repaired[name] = pattern.sub(replacement, repaired[name])
        if found:
            done.append(f"{action} {', '.join(found)}")
    return repaired, "; ".join(done)


def _too_large(size: int) -> str:
    return (
        f"{size / 1e6:.1f} MB of text, more than the {MAX_ARTICLE_BYTES / 1e6:.0f} MB one article may have; "
        "skipped (is it several articles in one file?)"
    )


def corpus_fingerprint(corpus_dir: Path) -> tuple[str, int]:
    """(SHA-256 over the manifest and every supported file, names and bytes, in name order; file count).

    Two corpus folders with the same fingerprint give the same articles. Every re-run computes it
    first, so it walks the folder with os.walk and plain strings: pathlib costs more than hashing.
    """
    corpus_dir = os.fspath(corpus_dir)
    digest = hashlib.sha256()
    # In the order of the paths' parts, as sorting Path objects gives: "a/b" before "a-c".
    names = sorted(_corpus_file_names(corpus_dir), key=lambda name: name.split("/"))
    for name in names:
        digest.update(name.encode() + b"\0")
        try:
            with open(os.path.join(corpus_dir, name), "rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except OSError as error:  # read_corpus reports it; once it can be read, the fingerprint changes
            digest.update(f"cannot be read: {_os_reason(error)}".encode())
    return digest.hexdigest(), len(names)


def _corpus_file_names(corpus_dir: str) -> Iterator[str]:
    """Relative names ("/"-separated) of the manifest and the supported files under corpus_dir."""
    for folder, _, files in os.walk(corpus_dir):
        relative = os.path.relpath(folder, corpus_dir)
        for file in files:
            wanted = file == MANIFEST_NAME or os.path.splitext(file)[1].lower() in SUPPORTED_SUFFIXES
            if wanted and os.path.isfile(os.path.join(folder, file)):
                yield Path(relative, file).as_posix() if relative != "." else file


def read_text_file(path: Path) -> str:
    """A small text file (a gold sample, say) in whatever encoding decode_bytes recognizes."""
    try:
        text, _ = decode_bytes(Path(path).read_bytes())
    except (OSError, UnreadableText) as error:
        raise CorpusError(f"{path}: cannot be read: {error}") from error
    return text
