"""Candidate terms: the words and two-word phrases of a text that could become lexicon entries, and the
words that are names (capitalized mid-sentence), which never are."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from pipeline.reading.lexicons import TOKEN, normalize_token
from pipeline.support.memo import remembered
from pipeline.text.match import BREAK, normalized_words

# The first word of each text in texts joined by BREAK.
_FIRST_TOKEN = re.compile(r"(?:^|\x00)[^\w\x00]*(\w+(?:['’]\w+)*)")
# Texts whose words are counted at a time (see in_blocks).
TEXT_BLOCK = 5_000


def name_like_words(texts: Iterable[str]) -> frozenset[str]:
    """Words capitalized in most of their occurrences away from a sentence start: names, not wording."""
    return names_of_parts([written_counts(texts)])


def written_counts(texts: Iterable[str]) -> Counter:
    """How often each token is written as it is away from a sentence start: the counts of texts add up."""
    as_written: Counter = Counter()
    for block in in_blocks(texts):
        joined = BREAK.join(block)
        as_written.update(TOKEN.findall(joined))
        as_written.subtract(_FIRST_TOKEN.findall(joined))
    return as_written


def names_of_parts(parts: Iterable[Counter]) -> frozenset[str]:
    """name_like_words of all the texts whose written_counts are `parts`, each added in turn."""
    as_written: Counter = Counter()
    for part in parts:
        as_written.update(part)
    capitalized, seen = Counter(), Counter()
    for token, n in as_written.items():
        word = normalize_token(token)
        seen[word] += n
        capitalized[word] += n if token[0].isupper() else 0
    return frozenset(w for w, n in seen.items() if n > 0 and capitalized[w] >= 0.8 * n)


def is_candidate(word: str, names: frozenset[str]) -> bool:
    return (
        word != BREAK
        and word not in ENGLISH_STOP_WORDS
        and word not in names
        and len(word) > 2
        and not word[0].isdigit()
    )


def candidate_terms(text: str, names: frozenset[str] = frozenset()) -> list[str]:
    """Words (and two-word phrases of non-stopwords) that could become lexicon terms; names are left out."""
    content = [w if is_candidate(w, names) else "" for w in normalized_words([text])]
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(content) if a and b]
    return [w for w in content if w] + bigrams


@remembered
def candidate_counts(texts: Iterable[str], names: frozenset[str] = frozenset()) -> Counter:
    """How often each candidate_terms term occurs in the texts: the same counts as calling it on each
    text, computed over all of them at once (a phrase never runs from one text into the next)."""
    counts: Counter = Counter()
    keep: dict[str, bool] = {}
    for block in in_blocks(texts):  # texts are independent: the counts of blocks add up
        words = normalized_words(block)
        keep.update((word, is_candidate(word, names)) for word in set(words).difference(keep))
        content = [word if keep[word] else "" for word in words]
        counts.update(filter(None, content))
        for (a, b), n in Counter(itertools.pairwise(content)).items():
            if a and b:
                counts[f"{a} {b}"] += n
    return counts


def in_blocks(texts: Iterable[str], size: int | None = None) -> Iterator[list[str]]:
    """The texts as lists of at most `size` (default TEXT_BLOCK): a corpus's words are counted block by block,
    because a list of every word of a large corpus as Python strings is far larger than its texts."""
    size = size or TEXT_BLOCK
    if isinstance(texts, pd.Series):
        for start in range(0, len(texts), size):
            yield texts.iloc[start : start + size].tolist()
        return
    iterator = iter(texts)
    while block := list(itertools.islice(iterator, size)):
        yield block
