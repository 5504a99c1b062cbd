"""Find lexicon terms in text: whole words, case-insensitive, longest match first, never overlapping."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from pipeline.lexicons import Entry, Lexicon, normalize_token

_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
NEGATION_WINDOW = 5
# Where a clause ends for negation: a negator before one of these does not reach the hit after it.
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]—–]|\bbut\b", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    """A term found in a text: text[start:end] is the matched text."""

    start: int
    end: int
    entry: Entry


class Matcher:
    """Index of a lexicon's terms by their first word, for a left-to-right longest-match scan.

    Words are compared after normalize_token (lower case, ’ = ', possessive 's dropped), so
    "Regime's" matches `regime`; hyphens and line breaks separate words, so "so-called" matches
    `so called`. At each word the longest term starting there wins (most words, then an exact
    word over a wildcard, then the longer wildcard prefix), and the scan goes on after it.
    """

    def __init__(self, lexicon: Lexicon):
        self._exact: dict[str, list[Entry]] = defaultdict(list)
        self._prefix: dict[int, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
        for entry in lexicon.entries:
            first = entry.parts[0]
            if first.prefix:
                self._prefix[len(first.text)][first.text].append(entry)
            else:
                self._exact[first.text].append(entry)
        self._prefix_lengths = sorted(self._prefix)

    def find(self, text: str) -> list[Match]:
        tokens = [(normalize_token(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        words = [t[0] for t in tokens]
        matches = []
        i = 0
        while i < len(tokens):
            best = self._best_entry_at(words, i)
            if best is None:
                i += 1
                continue
            last = i + len(best.parts) - 1
            matches.append(Match(tokens[i][1], tokens[last][2], best))
            i = last + 1
        return matches

    def _candidates(self, word: str) -> list[Entry]:
        found = list(self._exact.get(word, ()))
        for length in self._prefix_lengths:
            if length > len(word):
                break
            found.extend(self._prefix[length].get(word[:length], ()))
        return found

    def _best_entry_at(self, words: list[str], i: int) -> Entry | None:
        best, best_rank = None, None
        for entry in self._candidates(words[i]):
            if not _matches_at(entry, words, i):
                continue
            rank = (len(entry.parts), -sum(p.prefix for p in entry.parts), sum(len(p.text) for p in entry.parts))
            if best_rank is None or rank > best_rank:
                best, best_rank = entry, rank
        return best


def _matches_at(entry: Entry, words: list[str], i: int) -> bool:
    if i + len(entry.parts) > len(words):
        return False
    for part, word in zip(entry.parts, words[i:], strict=False):
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
    before = text[:start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    clause = before[breaks[-1] :] if breaks else before
    words = [normalize_token(w) for w in _TOKEN.findall(clause)][-window:]
    return any(w in negators or w.endswith("n't") for w in words)
