"""Find lexicon terms in text: whole words, case-insensitive, longest match first, never overlapping.

A text is first turned into its normalized words (Words); each lexicon's terms are found in them
with one Aho-Corasick automaton (ahocorasick-rs, a Rust library), so matching costs about the same
however many terms a lexicon has. Several lexicons can share one Words of a sentence.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick_rs

from pipeline.reading.lexicons import TOKEN, Entry, Lexicon, normalize_token

# Normalized words never contain a space: it separates them in Words.haystack.
_POSSESSIVE = re.compile(r"'s(?= )")
NEGATION_WINDOW = 5
# Where a clause ends for negation: a negator before one of these does not reach the hit after it.
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]—–]|\bbut\b", re.IGNORECASE)


class Match(NamedTuple):
    """A term found in a text: text[start:end] is the matched text."""

    start: int
    end: int
    entry: Entry


# Stands between two sentences in a Words haystack, so no term runs across a sentence break. It is
# no word character, so inside a sentence it would only separate words, as a space does.
_SENTINEL = "\x00"
BREAK = _SENTINEL
_BREAK_AT = re.compile(f" {_SENTINEL}(?= )")  # (?= ): two breaks in a row share a space
_TOKEN_OR_BREAK = re.compile(rf"{TOKEN.pattern}|\x00")


class Words:
    """The words of a text's sentences, normalized as lexicon terms are (normalize_token).

    All sentences of an article go into one haystack " w0 w1 \\x00 w2 … " built with a few C-level
    string operations, and each lexicon's automaton runs over it once: far cheaper than one
    Python call per word or per sentence. Character spans of words are only worked out for
    sentences where a term was found. `spans` are the sentences' (start, end) in `text`; without
    them the whole text is one sentence.
    """

    __slots__ = ("_bounds", "_breaks", "_last_located", "haystack", "sentences")

    def __init__(self, text: str, spans: list[tuple[int, int]] | None = None):
        self.sentences = [text[start:end] for start, end in spans] if spans is not None else [text]
        pieces = _SENTINEL.join(self.sentences)
        if pieces.count(_SENTINEL) != len(self.sentences) - 1:
            pieces = _SENTINEL.join(sentence.replace(_SENTINEL, " ") for sentence in self.sentences)
        self.haystack = _haystack(pieces)
        self._breaks: list[int] | None = None
        self._last_located = (-1, 0, 0)
        self._bounds: dict[int, list[tuple[int, int]]] = {}

    def locate(self, position: int) -> tuple[int, int]:
        """(sentence, word in it) for a word's leading space at haystack[position]."""
        if self._breaks is None:
            self._breaks = [m.start() for m in _BREAK_AT.finditer(self.haystack)]
        k = bisect.bisect_left(self._breaks, position)
        begin = self._breaks[k - 1] + 2 if k else 0
        # Words are counted from the last word located in the same sentence, not from its start:
        # matches come in text order, so a long sentence is counted through once, not once per match.
        last_begin, last_position, last_word = self._last_located
        if last_begin != begin:
            word = self.haystack.count(" ", begin, position)
        elif position >= last_position:
            word = last_word + self.haystack.count(" ", last_position, position)
        else:
            word = last_word - self.haystack.count(" ", position, last_position)
        self._last_located = (begin, position, word)
        return k, word

    def words_at(self, position: int, n: int) -> list[str]:
        """Up to `n` words of a sentence, from the one whose leading space is at haystack[position]."""
        words: list[str] = []
        start = position + 1
        while len(words) < n:
            end = self.haystack.find(" ", start)
            if end < 0 or self.haystack[start:end] == _SENTINEL:
                break
            words.append(self.haystack[start:end])
            start = end + 1
        return words

    def span(self, sentence: int, first: int, last: int) -> tuple[int, int]:
        """Character span in the sentence from the start of word `first` to the end of word `last`."""
        bounds = self._bounds.get(sentence)
        if bounds is None:
            # Found once per sentence and shared by every lexicon matched in it.
            bounds = self._bounds[sentence] = [m.span() for m in TOKEN.finditer(self.sentences[sentence])]
        return bounds[first][0], bounds[last][1]


def _haystack(text: str) -> str:
    """ " w0 w1 … ": the text's words normalized (normalize_token), each NUL as a word of its own."""
    joined = _joined_words(text).lower()
    if "’" in joined:
        joined = joined.replace("’", "'")
    haystack = f" {joined} "
    return _POSSESSIVE.sub("", haystack) if "'s " in haystack else haystack


# Non-ASCII characters that are common in news text and are no word characters: they only separate words.
_SEPARATORS = "“”‘«»—–…\u00a0\u2009\u202f•·"
# Any other non-ASCII character that is no word character needs the exact (regex) path.
_ODD_CHARACTER = re.compile(r"[^\x00-\x7f\w]")
_KEEP = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'\x00") | frozenset(range(128, 256))
_TO_SPACES = bytes(b if b in _KEEP else 32 for b in range(256))
_LONE_APOSTROPHE = re.compile(rb"'(?<![\w\x80-\xff]')|'(?![\w\x80-\xff])")


def _joined_words(text: str) -> str:
    """The text's words (_TOKEN_OR_BREAK) joined by single spaces, as " ".join(findall) gives them.

    A regex findall costs a Python string per word; this does the same with byte-level C calls:
    every byte that is no word byte becomes a space, then split and join. Bytes of non-ASCII
    characters count as word bytes, which is right once the common non-ASCII separators are
    spaces; a text with any other non-ASCII non-word character takes the regex.
    """
    if not text.isascii():
        for separator in _SEPARATORS:
            if separator in text:
                text = text.replace(separator, " ")
        text = text.replace("’", "'")
        if not text.isascii() and _ODD_CHARACTER.search(text):
            return " ".join(_TOKEN_OR_BREAK.findall(text))
    if "\x00" in text:
        text = text.replace("\x00", " \x00 ")
    data = text.encode().translate(_TO_SPACES)
    if b"'" in data:  # an apostrophe is only part of a word between two word characters
        data = _LONE_APOSTROPHE.sub(b" ", data)
    return b" ".join(data.split()).decode()


def normalized_words(texts: Iterable[str]) -> list[str]:
    """The words of many texts at once, normalized as lexicon terms are; BREAK stands between texts
    (and wherever a text has a NUL), so nothing is taken to run from one text into the next."""
    # A pandas Series is joined far faster as a list than element by element.
    haystack = _haystack(_SENTINEL.join(texts.tolist() if hasattr(texts, "tolist") else texts))
    return haystack[1:-1].split(" ") if len(haystack) > 2 else []


def _rank(entry: Entry) -> tuple[int, int, int]:
    """Which entry wins at one word: most words, then exact words over prefixes, then longer prefixes."""
    return (len(entry.parts), -sum(p.prefix for p in entry.parts), sum(len(p.text) for p in entry.parts))


def _key(entry: Entry) -> str:
    """The entry's text in a Words haystack, up to its first prefix word (the rest is checked after)."""
    key = ""
    for part in entry.parts:
        if part.prefix:
            return f"{key} {part.text}"
        key += f" {part.text}"
    return key + " "


class Matcher:
    """Finds a lexicon's terms in texts; at each word the best-ranked term starting there wins
    (most words, then an exact word over a wildcard, then the longer wildcard prefix), and the scan
    goes on after it.

    Words are compared after normalize_token (lower case, ’ = ', possessive 's dropped), so
    "Regime's" matches `regime`; hyphens and line breaks separate words, so "so-called" matches
    `so called`.
    """

    def __init__(self, lexicon: Lexicon):
        by_key: dict[str, list[Entry]] = defaultdict(list)
        for entry in lexicon.entries:
            if entry.parts:
                by_key[_key(entry)].append(entry)
        keys = sorted(by_key)
        # Per key: its entries, best first, each with its rank and whether words after the key need checking.
        self._entries = [
            [(_rank(e), e, any(p.prefix for p in e.parts)) for e in sorted(by_key[key], key=_rank, reverse=True)]
            for key in keys
        ]
        self._automaton = ahocorasick_rs.AhoCorasick(keys) if keys else None

    def find(self, text: str) -> list[Match]:
        """The terms found in one sentence (or any text taken as one sentence)."""
        return self.find_in_sentences(Words(text))[0]

    def find_in_sentences(self, words: Words) -> list[list[Match]]:
        """The terms found in each sentence of `words`; offsets are within the sentence."""
        found: list[list[Match]] = [[] for _ in words.sentences]
        if self._automaton is None:
            return found
        best: dict[tuple[int, int], tuple[tuple[int, int, int], Entry]] = {}
        for key_index, position, _ in self._automaton.find_matches_as_indexes(words.haystack, overlapping=True):
            sentence, i = words.locate(position)
            for rank, entry, check_rest in self._entries[key_index]:
                current = best.get((sentence, i))
                if current is not None and current[0] >= rank:
                    break
                if check_rest and not _matches_at(entry, words.words_at(position, len(entry.parts))):
                    continue
                best[(sentence, i)] = (rank, entry)
                break
        next_free = (-1, 0)
        for sentence, i in sorted(best):
            if sentence == next_free[0] and i < next_free[1]:
                continue
            entry = best[(sentence, i)][1]
            last = i + len(entry.parts) - 1
            found[sentence].append(Match(*words.span(sentence, i, last), entry))
            next_free = (sentence, last + 1)
        return found


def _matches_at(entry: Entry, words: list[str]) -> bool:
    """Whether the entry's words are the first of `words`."""
    if len(entry.parts) > len(words):
        return False
    for part, word in zip(entry.parts, words, strict=False):
        if part.prefix and not word.startswith(part.text):
            return False
        if not part.prefix and word != part.text:
            return False
    return True


def is_negated(text: str, start: int, negators: frozenset[str], window: int = NEGATION_WINDOW) -> bool:
    """Whether a negator stands within `window` words before `start`, in the same clause.

    "This was not a massacre" negates massacre; "not only brutal, but a massacre" does not,
    because the clause ends at the comma. Words ending in n't (didn't) always negate.
    """
    words = [normalize_token(w) for w in _clause_tail(text, start, window)]
    return any(w in negators or w.endswith("n't") for w in words)


# No word (TOKEN) and no clause break runs across one of these characters.
_WORD_GAP = re.compile(r"[^\w'’]")
_LOOK_BACK = 200


def _clause_tail(text: str, start: int, window: int) -> list[str]:
    """The last `window` words before `start` in the clause they are in (_CLAUSE_BREAK).

    Read from a stretch just before `start`, doubled until it holds a clause break or `window`
    words: a hit late in a long sentence costs as much as one early in it.
    """
    look_back = _LOOK_BACK
    while True:
        begin = max(0, start - look_back)
        if begin:
            gap = _WORD_GAP.search(text, begin, start)
            begin = gap.end() if gap else start
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, begin, start)]
        words = TOKEN.findall(text, breaks[-1] if breaks else begin, start)
        if breaks or begin == 0 or len(words) >= window > 0:
            return words[-window:]
        look_back *= 2
