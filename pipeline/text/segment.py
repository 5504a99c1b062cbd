"""Split clean text into sentences, offline and quotation-aware (syntok; no downloaded models)."""

from __future__ import annotations

import bisect
import functools
import re

import syntok.segmenter
import syntok.tokenizer


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character span of each sentence in `text`.

    Every line is a paragraph and no sentence crosses a line break. Within a line syntok splits
    sentences; it keeps a closing quotation mark with the sentence that ends inside the quote
    (“Leave now.” He left. -> “Leave now.” | He left.), and it knows abbreviations (U.S., Gen.).
    Spans slice the text exactly: text[start:end] is the sentence.
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        if _is_one_sentence(line):
            stripped = line.strip()
            start = line.index(stripped[0])
            spans.append((line_start + start, line_start + start + len(stripped)))
        elif (plain := _plain_sentences(line)) is not None:
            spans.extend((line_start + a, line_start + b) for a, b in plain)
        elif line.strip():
            for paragraph in syntok.segmenter.analyze(line):
                for sentence in paragraph:
                    span = _trimmed_span(line, sentence)
                    if span:
                        spans.append((line_start + span[0], line_start + span[1]))
        line_start += len(line) + 1
    return spans


# syntok can only split a line at one of its terminals (. ! ? ; ... and their full-width forms) or
# before an opening bracket. A line with none of them before its closing run of terminals, quotes
# and brackets is one sentence, and most news paragraphs are: they skip syntok, which costs about
# as much as sentiment.
_SPLIT_POINT = re.compile(
    r"[.!?;…\u203c\u203d\u2047-\u2049\u3002\ufe52\ufe57\uff01\uff0e\uff1f\uff61(\[{\uff5f\uff5b\uff3b\uff08\ufe5d\ufe5b\ufe59\ufd3e\u301a\u3018\u2985\u2983\u2329]"
)
# What may close a line after its last word: terminals, closing brackets and quotation marks.
_CLOSERS = ".!?;…\u203c\u203d\u2047\u2048\u2049\u3002\ufe52\ufe57\uff01\uff0e\uff1f\uff61)]}'\"´’”»"
_WORD_CHAR = re.compile(r"\w")


def _is_one_sentence(line: str) -> bool:
    # The line without its closing run (closers, then spaces): str.rstrip and the regex \s agree on spaces.
    body = line.rstrip().rstrip(_CLOSERS)
    return bool(_WORD_CHAR.search(body)) and not _SPLIT_POINT.search(body)


# A line whose only split points are terminals (". ", "? ", "! ") after words syntok is sure about, with no
# bracket, is split here as syntok would split it, without syntok: most news paragraphs of several
# sentences are such lines. At each terminal syntok looks at the word before it and the token after it
# (_split_at); a closing quotation mark right after the terminal stays with its sentence ('crime.” Then'),
# and an opening one after the space starts the next ('him. “We'); after two closing marks syntok may not
# split: its call.
# Also out: every bracket syntok knows (a closing one after a terminal joins the sentence before it), and
# any space but " " and tab (Python and syntok's regex disagree on which characters are spaces).
_NOT_PLAIN = re.compile(
    r"[;…\u203c\u203d\u2047-\u2049\u3002\ufe52\ufe57\uff01\uff0e\uff1f\uff61(){}\[\]«»„‟‹›`´\uff5f\uff5b\uff3b\uff08\ufe5d\ufe5b\ufe59\ufd3e\u301a\u3018\u2985\u2983\u2329"
    r"\uff60\uff5d\uff3d\uff09\ufe5e\ufe5c\ufe5a\ufd3f\u301b\u3019\u2986\u2984\u232a\u200b]|[^\S \t]"
)
_CLOSING_QUOTES = "”\"’'"
_OPENING_QUOTES = "“\"‘'"
_TERMINAL = re.compile(r"[.!?]")
_SENTENCE_END = re.compile(rf"[.!?][{_CLOSING_QUOTES}]?(?=\s|$)")
# The words before a terminal that syntok's tokenizer leaves whole, by what syntok does after them:
_LETTERS = re.compile(r"[A-Za-z]+")  # a word ("troops", "it", "Gen"), or one cut at a case turn
_QUOTED = re.compile(
    rf"[A-Za-z]+[{_CLOSING_QUOTES}]"
)  # a word and a closing quotation mark: the mark is the token before
_DOTTED = re.compile(r"[A-Z](?:\.[A-Z])+|[a-z](?:\.[a-z])+")  # "U.S", "D.C", "e.g": the dot inside keeps the sentence
_DIGITS = re.compile(r"[0-9]{2,}")  # a number; one digit ("2. Label the enemy") may be an item of a list
# syntok's tokenizer cuts a word where a lower-case letter meets a capital ("BaghdadGen" -> "Baghdad", "Gen").
_CASE_TURN = re.compile(r"(?<=[a-z])(?=[A-Z])")
# syntok's own lists (its segmenter's State); a syntok without them gets no plain path at all.
_STATE = getattr(syntok.segmenter, "State", None)
_KNOWN = ("abbreviations", "months", "roman_numerals", "starters")
_ABBREVIATIONS, _MONTHS, _ROMAN_NUMERALS, _STARTERS = (
    tuple(frozenset(getattr(_STATE, name)) for name in _KNOWN)
    if all(hasattr(_STATE, name) for name in _KNOWN)
    else (None, None, None, None)
)
_TOKENIZER = syntok.tokenizer.Tokenizer(replace_not_contraction=False)


def _plain_sentences(line: str) -> list[tuple[int, int]] | None:
    """The sentences of a plain line (see _NOT_PLAIN) as syntok splits it, or None if it is not plain."""
    if _ABBREVIATIONS is None or _NOT_PLAIN.search(line):
        return None
    spans, start = [], None
    for terminal in _TERMINAL.finditer(line):
        stop = _SENTENCE_END.match(line, terminal.start())
        if stop is None:
            if _inside_a_dotted_word(line, terminal.start()):
                continue  # the dot between U and S of "U.S.": syntok's tokenizer keeps "U.S" whole
            return None  # "authorities.Even", "3.5", "...", "?!": syntok's call
        if _no_terminal_for_syntok(line, terminal.start(), stop.end()):
            return None
        before = line[: stop.start()].rsplit(None, 1)  # only its last word is read
        after = line[stop.end() :].lstrip()
        split = _split_at(before[-1].lstrip(_OPENING_QUOTES) if before else "", _first_token(after))
        if split is None:
            return None
        if split:
            first = len(line) - len(line.lstrip()) if start is None else start
            spans.append((first, stop.end()))
            start = len(line) - len(after) if after else None
    rest = line[start:].strip() if start is not None else ""
    if rest or not spans:
        return None  # words after the last terminal: syntok's call
    return spans


def _no_terminal_for_syntok(line: str, start: int, end: int) -> bool:
    """Whether the terminal at line[start:end] (with its closing quotation mark) stands after a space with
    that mark: syntok's tokenizer makes a run of characters without a letter or digit one token ('.”'),
    which is no terminal."""
    run = line[_run_around(line, start)[0] : end]
    return run != line[start] and not any(c.isalnum() for c in run)


def _inside_a_dotted_word(line: str, position: int) -> bool:
    """Whether the dot at `position` is one of the inner dots of a word like "U.S." or "e.g." (_DOTTED with
    its last dot, and perhaps a closing quotation mark), written between spaces."""
    start, end = _run_around(line, position)
    word = line[start:end].lstrip(_OPENING_QUOTES).rstrip(_CLOSING_QUOTES)
    return word.endswith(".") and _DOTTED.fullmatch(word[:-1]) is not None


def _run_around(line: str, position: int) -> tuple[int, int]:
    """(start, end) of the run of characters between spaces or tabs (a plain line has no other space) that
    holds line[position]."""
    start = max(line.rfind(" ", 0, position), line.rfind("\t", 0, position)) + 1
    end = min((k for k in (line.find(" ", position), line.find("\t", position)) if k >= 0), default=len(line))
    return start, end


def _first_token(text: str) -> str:
    """The first token syntok's tokenizer makes of the text's first word ("" for no text)."""
    words = text.split(maxsplit=1)
    return _first_token_of_word(words[0]) if words else ""


# Sentences open with the same few words ("The", "He", "“We"): each is tokenized once per process.
@functools.lru_cache(maxsize=1 << 16)
def _first_token_of_word(word: str) -> str:
    return next(iter(_TOKENIZER.tokenize(word))).value


def _split_at(word: str, after: str) -> bool | None:
    """Whether syntok ends a sentence at a terminal between `word` (the text before it back to a space,
    without opening quotation marks) and `after` (the first token after it, "" at the end of the line);
    None where this does not tell and syntok must.

    syntok keeps the sentence going before a lower-case token, splits before a word that usually opens one
    (its "starters": "The", "It", "However"), and otherwise keeps it going after an abbreviation it knows
    ("Gen.", "Mr.") or a dot inside a word ("U.S."), and after a number before a month ("15. Jan"); it ends
    it after any other word. Single letters, roman numerals and "No." are its call."""
    if not after:
        return True  # the end of the line ends the sentence
    if after[0].islower():
        return False
    if any(c.isnumeric() for c in after):
        return None  # a number after a month, or a large one ("Ⅻ" too): syntok's call
    if _DOTTED.fullmatch(word):
        return after in _STARTERS
    if _QUOTED.fullmatch(word):
        token = word[-1]
    elif _LETTERS.fullmatch(word):
        token = _CASE_TURN.split(word)[-1]
        if len(token) == 1 or token in _ROMAN_NUMERALS or token in ("no", "No", "NO"):
            return None
    elif _DIGITS.fullmatch(word):
        token = word
    else:
        return None
    if after in _STARTERS:
        return True
    if token in _ABBREVIATIONS or (token.isdigit() and after in _MONTHS):
        return False
    return True if after[0].isupper() or after in _OPENING_QUOTES else None


def _trimmed_span(line: str, tokens: list) -> tuple[int, int] | None:
    """The sentence's span without the empty end token syntok sometimes adds, or outer whitespace."""
    words = [token for token in tokens if token.value]
    if not words:
        return None
    start, end = words[0].offset, words[-1].offset + len(words[-1].value)
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


_LETTER = re.compile(r"[^\W\d_]")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quoted speech in `text`, quotation marks included.

    Quotes are tracked line by line (a line is a paragraph), so a quote that runs over several
    sentences is one span. Curly double quotes open and close by shape; a straight double quote
    toggles; a curly or straight single quote opens after a non-letter and closes before a
    non-letter, so apostrophes ("Iraq’s", "don't") are never taken for quotes. A quote still open
    at the end of a paragraph runs to its end, as news style leaves a continued quote open.
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        spans.extend((line_start + start, line_start + end) for start, end in _line_quote_spans(line))
        line_start += len(line) + 1
    return spans


class SpanIndex:
    """Answers "is this character inside one of these spans?" for sorted, non-overlapping spans."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self._starts = [start for start, _ in spans]
        self._ends = [end for _, end in spans]

    def __contains__(self, position: int) -> bool:
        k = bisect.bisect_right(self._starts, position) - 1
        return k >= 0 and position < self._ends[k]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any span has a character in [start, end)."""
        k = bisect.bisect_left(self._starts, end) - 1  # the last span opening before `end`
        return k >= 0 and self._ends[k] > start

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of the spans that lie in [start, end), in order."""
        last = bisect.bisect_left(self._starts, end)  # spans opening before `end`
        first = bisect.bisect_right(self._ends, start)  # ... and closing after `start`
        return [(max(a, start), min(b, end)) for a, b in self.spans[first:last]]


class QuoteIndex(SpanIndex):
    """Answers "is this character inside a quote?" for one text (quote_spans)."""

    def __init__(self, text: str):
        super().__init__(quote_spans(text))


_QUOTE_MARK = re.compile("[“”\"‘’']")


def _line_quote_spans(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    closer = ""
    # Only quotation marks can open or close a quote: visit those, not every character.
    for mark in _QUOTE_MARK.finditer(line):
        i, ch = mark.start(), mark.group()
        before = line[i - 1] if i else " "
        after = line[i + 1] if i + 1 < len(line) else " "
        if open_at is None:
            if ch in '“"' or (ch in "‘'" and not _LETTER.match(before) and _LETTER.match(after)):
                open_at, closer = i, {"“": '”"', '"': '"', "‘": "’'", "'": "'’"}[ch]
        elif ch in closer and not (ch in "’'" and _LETTER.match(after)):
            spans.append((open_at, i + 1))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(line)))
    return spans
