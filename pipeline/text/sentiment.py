"""TextBlob's sentence sentiment (the pattern lexicon), the same numbers in about a third of the time.

`textblob.en.sentiment(text)` tokenizes with pattern's find_tokens and walks the words through
Sentiment.assessments. Both are ported here step by step, with the same lexicon, negations,
modifiers, emoticons and arithmetic, so every (polarity, subjectivity) is identical to TextBlob's,
to the last bit (tests/test_sentiment.py checks the port against TextBlob itself). What makes it
faster: words made only of letters and digits skip the punctuation loop, the lexicon is a plain
dict read once (pattern's lazy dict costs a Python call per lookup), and an assessment is a small
list instead of a dict.
"""

from __future__ import annotations

import re
from functools import cache

from textblob import _text
from textblob.en import sentiment as _textblob_sentiment

_PUNCTUATION = _text.PUNCTUATION
_LEADING = tuple(_PUNCTUATION.replace(".", ""))
_TRAILING = (*_LEADING, ".")
_MARKS = frozenset(_LEADING)
_CONTRACTIONS = tuple(_text.replacements.items())
_ABBREVIATIONS = _text.ABBREVIATIONS
_ABBREVIATION_FORMS = (_text.RE_ABBR1, _text.RE_ABBR2, _text.RE_ABBR3)
_EOS = _text.EOS
_ENDS = ("...", ".", "!", "?", _EOS)
_CLOSERS = ("'", '"', "”", "’", "...", ".", "!", "?", ")", _EOS)
_LINE_BREAKS = re.compile(r"\n{2,}")


def _split_punctuation(token: str, words: list[str]) -> None:
    """find_tokens' handling of one whitespace-separated token: punctuation split off, abbreviations kept."""
    tail = []
    while token.startswith(_LEADING) and token not in _text.replacements:
        words.append(token[0])
        token = token[1:]
    while token.endswith(_TRAILING) and token not in _text.replacements:
        if token.endswith(_LEADING):
            tail.append(token[-1])
            token = token[:-1]
        if token.endswith("..."):
            tail.append("...")
            token = token[:-3].rstrip(".")
        if token.endswith("."):
            if token in _ABBREVIATIONS or any(form.match(token) is not None for form in _ABBREVIATION_FORMS):
                break
            tail.append(token[-1])
            token = token[:-1]
    if token != "":
        words.append(token)
    words.extend(reversed(tail))


def find_tokens(text: str) -> list[str]:
    """pattern's find_tokens(text): the text's sentences, each a string of space-separated tokens."""
    return _sentences_of(_tokens(text))


def _sentences_of(tokens: list[str]) -> list[str]:
    """find_tokens' sentences of its tokens, emoticons and sarcasm marks joined."""
    return [_text.RE_EMOTICONS.sub(_joined_emoticon, _text.RE_SARCASM.sub("(!)", s)) for s in _sentences(tokens)]


def _tokens(text: str) -> list[str]:
    """find_tokens' tokens, before they are grouped into sentences."""
    for contraction, spaced in _CONTRACTIONS:
        if contraction in text:
            text = text.replace(contraction, spaced)
    for quote in "“”‘’'\"":
        if quote in text:
            text = text.replace(quote, f" {quote} ")
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if "\n\n" in text:
        text = _LINE_BREAKS.sub(f" {_EOS} ", text)
    # find_tokens collapses whitespace and takes each \S+ before a space: exactly str.split().
    tokens: list[str] = []
    for token in text.split():
        if token.isalnum():  # no punctuation to split off: most words
            tokens.append(token)
        elif token[-1] in _MARKS and token[:-1].isalnum():  # "said,": a word and one mark after it
            tokens.append(token[:-1])
            tokens.append(token[-1])
        else:
            _split_punctuation(token, tokens)
    return tokens


def _words(text: str) -> list[str]:
    """The words sentiment walks, in lower case: find_tokens' sentences, one after another."""
    tokens = _tokens(text)
    joined = " ".join(tokens)
    # Grouping into sentences only drops their markers and keeps an emoticon or a sarcasm mark from
    # being joined across two: without any, the sentences are the tokens as they come.
    if _EOS in tokens or _text.RE_SARCASM.search(joined) or _text.RE_EMOTICONS.search(joined):
        joined = " ".join(_sentences_of(tokens))
    # No character's lower case holds a space or loses one (checked over all of Unicode), so the words
    # lowered at once are the tokens lowered one by one.
    return joined.lower().split()


def _joined_emoticon(match: re.Match) -> str:
    return match.group(1).replace(" ", "") + match.group(2)


def _sentences(tokens: list[str]) -> list[str]:
    """find_tokens' grouping of tokens into sentences, joined by spaces."""
    sentences: list[list[str]] = [[]]
    i = j = 0
    while j < len(tokens):
        if tokens[j] in _ENDS:
            # Citations, closing brackets and repeated punctuation stay with the sentence.
            while j < len(tokens) and tokens[j] in _CLOSERS:
                if tokens[j] in ("'", '"') and sentences[-1].count(tokens[j]) % 2 == 0:
                    break  # balanced quotes
                j += 1
            sentences[-1].extend(t for t in tokens[i:j] if t != _EOS)
            sentences.append([])
            i = j
        j += 1
    sentences[-1].extend(tokens[i:j])
    return [" ".join(s) for s in sentences if s]


@cache
def _lexicon() -> tuple[dict[str, tuple[float, float, float]], frozenset[str], dict[str, float]]:
    """(word -> (polarity, subjectivity, intensity) over all its senses, words that modify the next,
    emoticon -> polarity), read once from TextBlob's own lexicon."""
    if dict.__len__(_textblob_sentiment) == 0:
        _textblob_sentiment.load()
    senses = {word: dict.__getitem__(_textblob_sentiment, word) for word in dict.keys(_textblob_sentiment)}
    scores = {word: tuple(by_pos[None]) for word, by_pos in senses.items() if None in by_pos}
    modifiers = frozenset(
        word for word, by_pos in senses.items() if any(m in by_pos for m in _textblob_sentiment.modifiers)
    )
    emoticons: dict[str, float] = {}
    for (_, polarity), forms in _text.EMOTICONS.items():
        for form in forms:
            emoticons.setdefault(form.lower(), polarity)  # the first mood that has it, as pattern finds it
    return scores, modifiers, emoticons


@cache
def _notable_words() -> frozenset[str]:
    """Words outside the lexicon that still change an assessment: negations, "!", "(!)" and emoticons."""
    return frozenset(_textblob_sentiment.negations) | {"!", "(!)"} | frozenset(_lexicon()[2])


def sentiment(text: str) -> tuple[float, float]:
    """(polarity, subjectivity) of a text, exactly as textblob.en.sentiment(text) gives them."""
    scores, modifiers, emoticons = _lexicon()
    negations = _textblob_sentiment.negations
    # Each assessment is [polarity, subjectivity, intensity, negated]; pattern's words and labels
    # do not change the averages and are left out.
    assessed: list[list] = []
    modifier: str | None = None
    negation: str | None = None
    notable = _notable_words()
    for word in _words(text):
        score = scores.get(word)
        if score is None and modifier is None and negation is None and word not in notable:
            continue  # a word outside the lexicon changes nothing unless a modifier or negation waits
        if score is not None:
            polarity, subjectivity, intensity = score
            if modifier is None:
                assessed.append([polarity, subjectivity, intensity, False])
            else:
                last = assessed[-1]
                last[0] = max(-1.0, min(polarity * last[2], +1.0))
                last[1] = max(-1.0, min(subjectivity * last[2], +1.0))
                last[2] = intensity
            if negation is not None:
                last = assessed[-1]
                last[2] = 1.0 / last[2]
                last[3] = True
            modifier = word if word in modifiers else None
            negation = word if word in negations else None
            continue
        if word in negations:
            negation = word
        elif negation and len(word.strip("'")) > 1:
            negation = None
        if negation is not None and modifier is not None and modifier.endswith("ly"):
            assessed[-1][3] = True
            negation = None
        elif modifier and len(word) > 2:
            modifier = None
        if word == "!" and assessed:
            assessed[-1][0] = max(-1.0, min(assessed[-1][0] * 1.25, +1.0))
        if word == "(!)":
            assessed.append([0.0, 1.0, 1.0, False])
        if word.isalpha() is False and len(word) <= 5 and word not in _PUNCTUATION and word in emoticons:
            assessed.append([emoticons[word], 1.0, 1.0, False])
    return _average([p * -0.5 if negated else p for p, _, _, negated in assessed]), _average(
        [s for _, s, _, _ in assessed]
    )


def _average(values: list[float]) -> float:
    """pattern's avg: the running sum over the count, 0.0 for none."""
    total = 0
    for value in values:
        total += 1 * value
    return total / float(len(values) or 1)
