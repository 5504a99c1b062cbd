"""Whose words they are: quotes and reported speech in an article, and who speaks them.

No parser and no downloaded model: rules over the words around each reporting verb of the attribution
lexicon (`lexicons/attribution.csv`), documented with examples in lexicons/README.md ("Whose words").
A sentence's words are the outlet's own (narrative), inside quotation marks (quote), or reported: indirect
speech credited to a source ("X said (that) ...", "X told Y that ...", "according to X, ...", "..., X
said.", "X believes / argues / claims / warned that ...", "He added that ...").
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from itertools import islice

from pipeline.schema import QUOTE, REPORTED
from pipeline.text.match import Match

# A verb class of the attribution lexicon for phrases that contain a reporting verb but report nothing
# ("claimed responsibility").
IDIOM = "idiom"
# At most this many words between a reporting verb and the "that" that opens what was said ("told
# Pompeo that", "said in a statement on Friday that").
THAT_WITHIN = 7
# A closing attribution (", the spokesman said in an interview.") has at most this many words on each
# side of its verb.
CLOSING_WORDS = 9
# A speaker as written is at most this many words; a longer stretch keeps its last noun phrase.
SPEAKER_WORDS = 12
# Pronouns are resolved to a name in at most this many sentences before.
PRONOUN_REACH = 4

_TOKEN = re.compile(r"\w[\w'’.-]*\w|\w")
_BREAK = re.compile(r"[,;:()\[\]—–]")
# Words that end a speaker looking back from its verb: the speaker is what follows them.
_BOUNDARY_WORDS = frozenset(
    [
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "while",
        "and",
        "but",
        "as",
        "when",
        "if",
        "because",
        "after",
        "before",
        "where",
        "whereas",
        "although",
        "though",
        "since",
        "so",
        "than",
        "until",
        "unless",
        "whether",
    ]
)
_RELATIVE = frozenset({"who", "which", "whom"})
# Verbs whose object is the listener ("told NBC", "told Pompeo that"), not what was said.
_TELL = frozenset({"told", "tells", "tell", "telling"})
# Verbs that continue the last speaker's words ("He added that ...").
_CONTINUING = frozenset({"added", "adds", "continued", "continues"})
# Words before a subject that are not part of it ("However, he said").
_LEADING = frozenset(
    [
        "however",
        "meanwhile",
        "furthermore",
        "moreover",
        "but",
        "and",
        "so",
        "yet",
        "today",
        "also",
        "then",
        "now",
        "later",
        "earlier",
        "still",
        "instead",
        "separately",
        "additionally",
        "indeed",
        "thus",
    ]
)
# Auxiliaries and adverbs between a subject and its verb ("he also said", "Trump has repeatedly claimed").
_BETWEEN = frozenset(
    [
        "also",
        "further",
        "again",
        "later",
        "then",
        "previously",
        "repeatedly",
        "reportedly",
        "wrongly",
        "once",
        "has",
        "have",
        "had",
        "was",
        "is",
        "were",
        "are",
        "would",
        "will",
        "already",
        "publicly",
        "recently",
        "earlier",
        "just",
        "not",
        "never",
        "been",
        "be",
        "did",
        "does",
        "do",
        "could",
        "should",
        "may",
        "might",
        "can",
        "must",
        "quickly",
        "allegedly",
        "reportedly",
        "even",
        "first",
    ]
)
# A verb followed by one of these opens no reported clause ("said in a statement.", "warned of").
_PREPOSITIONS = frozenset(
    [
        "in",
        "on",
        "at",
        "for",
        "to",
        "by",
        "with",
        "during",
        "about",
        "of",
        "after",
        "before",
        "from",
        "via",
        "through",
        "over",
        "under",
        "into",
        "against",
        "responsibility",
    ]
)
_COUNTS = frozenset(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several", "some", "many"]
)
_DETERMINERS = _COUNTS | {"a", "an", "the", "most", "few", "two-thirds"}
# A source of whom only a role is given: "an unnamed official", "three officials", "a person briefed on
# the discussion", "sources said".
_ANONYMOUS_NOUNS = re.compile(
    r"\b(?:unnamed|anonymous|unidentified|sources?|officials?|person|people|persons|diplomats?|aides?|insiders?"
    r"|someone|observers?|analysts?|experts?|witness(?:es)?|residents?|spokes(?:man|woman|person)s?)\b",
    re.IGNORECASE,
)
_PRONOUNS = {"he": "person", "she": "person", "they": "group", "it": "group", "we": "group", "i": "person"}
# Words that make a capitalised name an organisation's ("NBC News", "Kataib Hezbollah", "the Pentagon").
ORGANISATION_WORDS = frozenset(
    [
        "news",
        "media",
        "times",
        "post",
        "journal",
        "press",
        "agency",
        "agencies",
        "reuters",
        "ministry",
        "department",
        "office",
        "council",
        "parliament",
        "army",
        "forces",
        "force",
        "corps",
        "committee",
        "commission",
        "court",
        "party",
        "group",
        "groups",
        "brigades",
        "movement",
        "front",
        "network",
        "networks",
        "union",
        "bank",
        "fund",
        "government",
        "administration",
        "house",
        "pentagon",
        "kremlin",
        "coalition",
        "alliance",
        "organization",
        "organisation",
        "nations",
        "mobilization",
        "units",
        "guard",
        "guards",
        "company",
        "corporation",
        "inc",
        "university",
        "institute",
        "centre",
        "center",
        "hezbollah",
        "statement",
        "report",
        "resolution",
        "media",
        "outlet",
        "channel",
        "radio",
        "tv",
        "television",
        "agency",
        "authorities",
        "authority",
        "police",
        "military",
        "navy",
        "embassy",
        "states",
        "kingdom",
        "republic",
        "emirates",
    ]
)
# Titles that make the name after them a person's ("President Rouhani", "Prime Minister Adel Abdul-Mahdi").
PERSON_TITLES = frozenset(
    [
        "president",
        "prime",
        "minister",
        "general",
        "gen.",
        "secretary",
        "adviser",
        "advisor",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "senator",
        "sen.",
        "rep.",
        "representative",
        "leader",
        "cleric",
        "commander",
        "ayatollah",
        "king",
        "queen",
        "prince",
        "chancellor",
        "governor",
        "mayor",
        "ambassador",
        "envoy",
        "chief",
        "director",
        "chairman",
        "speaker",
        "sheikh",
        "imam",
        "judge",
        "colonel",
        "major",
        "lieutenant",
        "captain",
        "admiral",
    ]
)


@dataclass(frozen=True)
class Speech:
    """A quote or a reported statement: offsets are the article's; text[start:end] are the words spoken,
    text[speaker_start:speaker_end] the speaker as written (empty when none is written)."""

    sentence: int  # index of its sentence in the article, from 0
    kind: str  # QUOTE or REPORTED
    start: int
    end: int
    verb: Match | None  # the reporting verb, article offsets; None for a quote no verb introduces
    speaker_start: int
    speaker_end: int


def reporting_verbs(
    found: list[list[Match]], spans: list[tuple[int, int]], quotes: list[tuple[int, int]]
) -> list[list[Match]]:
    """Per sentence, the reporting verbs found there (sentence offsets from Matcher.find_in_sentences)
    outside quotes and not idioms, with article offsets."""
    starts = [start for start, _ in quotes]
    verbs = []
    for matches, (offset, _) in zip(found, spans, strict=True):
        verbs.append(
            [
                Match(offset + m.start, offset + m.end, m.entry)
                for m in matches
                if m.entry.category != IDIOM and not _inside(offset + m.start, quotes, starts)
            ]
        )
    return verbs


def speeches(
    text: str, spans: list[tuple[int, int]], quotes: list[tuple[int, int]], verbs: list[list[Match]]
) -> list[Speech]:
    """Every quote and reported statement of an article, in text order.

    `spans` are its sentences' (start, end), `quotes` its quote spans (segment.quote_spans) and `verbs`
    the reporting verbs of each sentence with article offsets (reporting_verbs).
    """
    found: list[Speech] = []
    quote_ends = [b for _, b in quotes]  # quotes never overlap, so their ends are sorted too
    for index, ((start, end), sentence_verbs) in enumerate(zip(spans, verbs, strict=True)):
        first = bisect.bisect_right(quote_ends, start)  # the first quote ending after the sentence starts
        in_sentence = []
        for a, b in quotes[first:]:
            if a >= end:
                break
            in_sentence.append((a, b))
        if sentence_verbs or in_sentence:  # most sentences have neither
            found.extend(_sentence_speeches(text, index, start, end, in_sentence, sentence_verbs, quotes))
    _attribute_to_following_sentence(text, spans, verbs, found)
    _continue_quotes(text, spans, found)
    # A quote over several sentences is credited where a verb introduces it, not again where it begins.
    credited = {(s.start, s.end) for s in found if s.kind == QUOTE and s.verb is not None}
    found = [s for s in found if s.kind != QUOTE or s.verb is not None or (s.start, s.end) not in credited]
    unique = {(s.start, s.end, s.kind): s for s in found}
    return [unique[key] for key in sorted(unique, key=lambda k: (k[0], k[2], k[1]))]


def reported_spans(found: list[Speech]) -> list[tuple[int, int]]:
    """The spans of reported speech, merged where they overlap, in order."""
    merged: list[list[int]] = []
    for a, b in sorted((s.start, s.end) for s in found if s.kind == REPORTED):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _inside(position: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    k = bisect.bisect_right(starts, position) - 1
    return k >= 0 and position < spans[k][1]


def _sentence_speeches(
    text: str,
    index: int,
    start: int,
    end: int,
    quotes: list[tuple[int, int]],
    verbs: list[Match],
    all_quotes: list[tuple[int, int]],
) -> list[Speech]:
    found: list[Speech] = []
    attributed: set[tuple[int, int]] = set()
    closing = _closing_attribution(text, start, end, verbs, quotes)
    limit = end
    if closing is not None:
        verb, cut, speaker = closing
        limit = cut
        region_quotes = [q for q in quotes if q[0] < cut]
        for q in region_quotes:
            found.append(Speech(index, QUOTE, *q, verb, *speaker))
            attributed.add(q)
        if _has_words_outside(text, start, cut, region_quotes, 3):
            found.append(Speech(index, REPORTED, *_trimmed(text, start, cut), verb, *speaker))
    others = [v for v in verbs if closing is None or v is not closing[0]]
    # A speaker is written after the verb before it: "Ortagus said Pompeo reiterated" -> "Pompeo".
    speakers = [
        _speaker_before(text, others[k - 1].end if k else start, v.start, all_quotes) for k, v in enumerate(others)
    ]
    previous: tuple[int, int] | None = None
    for k, verb in enumerate(others):
        speaker = speakers[k]
        if speaker[0] == speaker[1] and _is_participle(text, start, verb):
            speaker = previous or _sentence_subject(text, start, verb.start)
        if speaker[0] != speaker[1]:
            previous = speaker
        # What a verb introduces ends where the next verb's speaker begins.
        # ("Baghdad said that ..., and Al-Sudani promised to do so He added: ..."), unless it is nested
        # in what this verb introduces ("Ortagus said Pompeo reiterated ...").
        later = [s[0] for s in speakers[k + 1 :] if s[0] != s[1] and _separated(text, verb.end, s[0])]
        verb_limit = min([limit, *later])
        if verb.entry.term == "according to":
            speaker, content = _according_to(text, start, verb, verb_limit)
        else:
            content = _content_after(text, verb, verb_limit, quotes)
        if content is None:
            continue
        a, b = content
        content_quotes = [q for q in quotes if a <= q[0] < b]
        for q in content_quotes:
            found.append(Speech(index, QUOTE, *q, verb, *speaker))
            attributed.add(q)
        if _has_words_outside(text, a, b, content_quotes, 2):
            found.append(Speech(index, REPORTED, *_trimmed(text, a, b), verb, *speaker))
    for q in quotes:
        if q in attributed:
            continue
        verb = _nearest(verbs, q)
        if verb is None:
            found.append(Speech(index, QUOTE, *q, None, q[0], q[0]))
        else:
            found.append(Speech(index, QUOTE, *q, verb, *_speaker_of(text, start, verb, all_quotes)))
    return found


def _separated(text: str, start: int, end: int) -> bool:
    """Whether a clause break or a boundary word ("and", "but") lies between two positions."""
    return bool(_BREAK.search(text, start, end)) or any(
        w[2].lower() in _BOUNDARY_WORDS for w in _tokens(text, start, end)
    )


def _according_to(text: str, start: int, verb: Match, limit: int) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """An opening "According to X, ...": (X, what follows its comma); elsewhere in a sentence, no content."""
    if _TOKEN.search(text, start, verb.start):
        return (0, 0), None
    speaker = _speaker_after(text, verb.end, limit)
    comma = _BREAK.search(text, speaker[1], limit)
    if speaker[0] == speaker[1] or comma is None:
        return speaker, None
    return speaker, (comma.end(), limit)


def _speaker_of(text: str, start: int, verb: Match, quotes: list[tuple[int, int]]) -> tuple[int, int]:
    speaker = _speaker_before(text, start, verb.start, quotes)
    if speaker[0] == speaker[1]:
        speaker = _speaker_after(text, verb.end, len(text))
    return speaker


def _nearest(verbs: list[Match], quote: tuple[int, int]) -> Match | None:
    if not verbs:
        return None
    return min(verbs, key=lambda v: min(abs(v.start - quote[1]), abs(quote[0] - v.end)))


def _closing_attribution(
    text: str, start: int, end: int, verbs: list[Match], quotes: list[tuple[int, int]]
) -> tuple[Match, int, tuple[int, int]] | None:
    """(verb, cut, speaker) when the sentence ends with its attribution: "..., the spokesman said.",
    "..., said Sadr.", "“...” al-Hosseini said.", "..., according to the statement."; what comes before
    `cut` is what was said."""
    for verb in verbs:  # the first that closes: "“...,” the official said, according to the website."
        cut = _last_break(text, start, verb.start, quotes)
        if cut is None or verb.entry.term.endswith("ing"):
            continue
        # Only so many words are read: a head longer than CLOSING_WORDS, or a tail longer than twice that, is no closing.
        head = _tokens(text, cut + 1, verb.start, most=CLOSING_WORDS + 1)
        tail = _tokens(text, verb.end, end, most=max(2 * CLOSING_WORDS, 3) + 1)
        if len(head) > CLOSING_WORDS or any(t[2].lower() in _BOUNDARY_WORDS for t in head + tail[:1]):
            continue
        if head:
            # "..., X said." "..., X said in a statement." "..., X told NBC.": nothing said follows the verb
            trailing = not tail or tail[0][2].lower() in _PREPOSITIONS or tail[0][2].lower() == "according"
            told = verb.entry.term in _TELL and len(tail) <= 3
            if not (trailing and len(tail) <= 2 * CLOSING_WORDS) and not told:
                continue
            speaker = _trim_speaker(text, head)
        else:  # "..., said the spokesman." "..., according to the statement."
            if not tail or len(tail) > CLOSING_WORDS:
                continue
            speaker = _speaker_after(text, verb.end, end)
        if speaker[0] != speaker[1]:
            return verb, cut, speaker
    return None


def _last_break(text: str, start: int, position: int, quotes: list[tuple[int, int]]) -> int | None:
    """The position of the last comma (or other clause break, or a closing quotation mark) before
    `position` in the sentence, outside quotes; None when there is none."""
    best = None
    for m in _BREAK.finditer(text, start, position):
        if not any(a <= m.start() < b for a, b in quotes):
            best = m.start()
    for _, b in quotes:
        if start <= b - 1 < position and (best is None or b - 1 > best):
            best = b - 1
    return best


def _tokens(text: str, start: int, end: int, most: int | None = None) -> list[tuple[int, int, str]]:
    """The words of text[start:end] as (start, end, word); only the first `most` when given."""
    found = _TOKEN.finditer(text, start, end)
    return [(m.start(), m.end(), m.group()) for m in (found if most is None else islice(found, most))]


def _count_tokens(text: str, start: int, end: int) -> int:
    return len(_TOKEN.findall(text, start, end))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not (text[start].isalnum() or text[start] in "“‘\"'"):
        start += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] not in "”’\"'.!?":
        end -= 1
    return start, end


def _has_words_outside(text: str, start: int, end: int, quotes: list[tuple[int, int]], least: int) -> bool:
    """Whether at least `least` words of text[start:end] stand outside the quotes (counted until there are)."""
    found = 0
    for m in _TOKEN.finditer(text, start, end):
        if not any(qa <= m.start() < qb for qa, qb in quotes):
            found += 1
            if found == least:
                return True
    return False


def _content_after(text: str, verb: Match, limit: int, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """What a verb introduces, up to `limit`: after its "that" when one follows within THAT_WITHIN words
    (no clause break before it), else from the verb on, unless a preposition, a break or nothing follows."""
    after = _tokens(text, verb.end, limit, most=THAT_WITHIN + 1)  # all it reads
    if not after:
        return None
    if verb.entry.term == "according to":
        return None  # an opening "according to X, ..." gives its speaker and its clause below
    gap = text[verb.end : after[0][0]]
    for k, (a, b, word) in enumerate(after[:THAT_WITHIN]):
        if _BREAK.search(text, verb.end, a) or any(qa < a and qb > verb.end for qa, qb in quotes if qa >= verb.end):
            break
        if word.lower() == "that":
            return (b + 1, limit) if k + 1 < len(after) else None
    if _BREAK.search(gap) or after[0][2].lower() in _PREPOSITIONS:
        quote_next = any(qa >= verb.end and qa <= after[0][0] for qa, _ in quotes)
        return (after[0][0] - 1, limit) if quote_next else None
    return after[0][0], limit


def _is_participle(text: str, start: int, verb: Match) -> bool:
    """A verb in -ing after a comma ("..., saying billions have been spent"): its speaker is the subject."""
    return verb.entry.term.endswith("ing") and text[start : verb.start].rstrip().endswith(",")


def _sentence_subject(text: str, start: int, end: int) -> tuple[int, int]:
    """The capitalised run or pronoun that opens the sentence: "Trump has threatened ..." -> "Trump"."""
    tokens = _tokens(text, start, end)
    if not tokens or text[start : tokens[0][0]].strip():  # a sentence that opens with a quote
        return (start, start)
    run = []
    for a, b, word in tokens:
        if word.lower() in _LEADING and not run:
            continue
        if word[0].isupper() or word.lower() in _PRONOUNS:
            run.append((a, b))
            if word.lower() in _PRONOUNS:
                break
        else:
            break
    return (run[0][0], run[-1][1]) if run else (start, start)


def _speaker_before(text: str, start: int, position: int, quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """The speaker written before a verb at `position`: the words back to the last clause break or
    boundary word, without leading connectives and the auxiliaries and adverbs next to the verb; after
    "who" (an official who claimed), the noun phrase before it."""
    cut = _last_break(text, start, position, quotes)
    tokens = _tokens(text, start if cut is None else cut + 1, position)
    for k in range(len(tokens) - 1, -1, -1):
        word = tokens[k][2].lower()
        if word in _BOUNDARY_WORDS:
            if word in _RELATIVE and k > 0 and k == len(_strip_between(tokens)) - 1:
                return _noun_phrase(text, tokens[:k])
            tokens = tokens[k + 1 :]
            break
    return _trim_speaker(text, tokens)


def _strip_between(tokens: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    while tokens and (tokens[-1][2].lower() in _BETWEEN or (tokens[-1][2].islower() and tokens[-1][2].endswith("ly"))):
        tokens = tokens[:-1]
    return tokens


def _trim_speaker(text: str, tokens: list[tuple[int, int, str]]) -> tuple[int, int]:
    tokens = _strip_between(tokens)
    while tokens and tokens[0][2].lower() in _LEADING:
        tokens = tokens[1:]
    if not tokens:
        return (0, 0)
    pronouns = [k for k, token in enumerate(tokens) if token[2].lower() in _PRONOUNS]
    if pronouns:  # "... and Al-Sudani promised to do so He added": the pronoun speaks
        tokens = tokens[pronouns[-1] :]
    if len(tokens) > SPEAKER_WORDS:
        return _noun_phrase(text, tokens)
    return tokens[0][0], tokens[-1][1]


def _noun_phrase(text: str, tokens: list[tuple[int, int, str]]) -> tuple[int, int]:
    """The last noun phrase of a run of words: from its last determiner, else its last capitalised run."""
    tokens = _strip_between(tokens)
    if not tokens:
        return (0, 0)
    for k in range(len(tokens) - 1, -1, -1):
        if tokens[k][2].lower() in _DETERMINERS:
            return tokens[k][0], tokens[-1][1]
    k = len(tokens) - 1
    while k > 0 and tokens[k - 1][2][0].isupper():
        k -= 1
    return tokens[k][0], tokens[-1][1]


def _speaker_after(text: str, position: int, end: int) -> tuple[int, int]:
    """The speaker written after its verb ("..., said the spokesman in an interview."): up to a preposition."""
    tokens = []
    for m in _TOKEN.finditer(text, position, end):
        if m.group().lower() in _PREPOSITIONS or _BREAK.search(text, position, m.start()):
            break
        tokens.append((m.start(), m.end(), m.group()))
    tokens = tokens[:SPEAKER_WORDS]
    return (tokens[0][0], tokens[-1][1]) if tokens else (0, 0)


def _attribute_to_following_sentence(
    text: str, spans: list[tuple[int, int]], verbs: list[list[Match]], found: list[Speech]
) -> None:
    """A sentence that is only an attribution ("The Iraqi Prime Minister said.", "This was stated by the
    Iraqi Prime Minister, on Friday.") names the speaker of the sentence before: of its quotes no verb
    introduces, or whose speaker is a pronoun."""
    for k, speech in enumerate(found):
        if speech.kind != QUOTE or speech.sentence + 1 >= len(spans):
            continue
        written = text[speech.speaker_start : speech.speaker_end].lower()
        if speech.verb is not None and written not in _PRONOUNS:
            continue
        start, end = spans[speech.sentence + 1]
        for verb in verbs[speech.sentence + 1]:
            after = _tokens(text, verb.end, end, most=3)  # all it reads
            if after and after[0][2].lower() == "by":  # "was stated by X"
                speaker = _speaker_after(text, after[0][1], end)
            elif len(after) <= 2 and _count_tokens(text, start, verb.start) <= CLOSING_WORDS:
                speaker = _speaker_before(text, start, verb.start, [])
            else:
                continue
            if speaker[0] != speaker[1]:
                found[k] = Speech(speech.sentence, QUOTE, speech.start, speech.end, verb, *speaker)
                break


def _continue_quotes(text: str, spans: list[tuple[int, int]], found: list[Speech]) -> None:
    """A quote no verb introduces that is most of its sentence, within two sentences after a statement with
    a speaker, continues that speaker's words (news style: a quoted paragraph after an attributed one).
    A quoted phrase inside a sentence ("“imminent”") stays unattributed."""
    for k, speech in enumerate(found):
        if speech.kind != QUOTE or speech.verb is not None:
            continue
        start, end = spans[speech.sentence]
        if 2 * _count_tokens(text, speech.start, speech.end) < _count_tokens(text, start, end):
            continue
        before = [s for s in found[:k] if s.verb is not None and speech.sentence - 2 <= s.sentence < speech.sentence]
        if before:
            last = max(before, key=lambda s: (s.sentence, s.start))
            found[k] = Speech(
                speech.sentence, QUOTE, speech.start, speech.end, last.verb, last.speaker_start, last.speaker_end
            )


# ---- Who the speaker is ----

PERSON, ORGANISATION, ANONYMOUS = "person", "organisation", "anonymous"
# Country adjectives: "a US official", "an unnamed senior Iraqi official" stay anonymous.
NATIONALITIES = frozenset(
    [
        "us",
        "u.s.",
        "uk",
        "u.k.",
        "eu",
        "american",
        "iraqi",
        "iranian",
        "syrian",
        "israeli",
        "palestinian",
        "saudi",
        "turkish",
        "russian",
        "chinese",
        "british",
        "french",
        "german",
        "kurdish",
        "sunni",
        "shia",
        "shiite",
        "european",
        "western",
        "arab",
        "afghan",
        "lebanese",
        "yemeni",
        "qatari",
        "emirati",
        "egyptian",
        "jordanian",
        "ukrainian",
        "indian",
        "pakistani",
        "japanese",
        "korean",
        "canadian",
        "australian",
        "italian",
        "spanish",
        "mexican",
        "brazilian",
        "african",
        "asian",
        "kuwaiti",
        "bahraini",
        "omani",
        "libyan",
        "sudanese",
        "somali",
        "ethiopian",
        "nigerian",
        "kenyan",
    ]
)
_NUMBERS = _COUNTS | {"both", "all"}
# Capitalised at a sentence's start but no name ("However", "Meanwhile", "According", "One").
_NOT_NAMES = (
    frozenset(
        [
            "the",
            "a",
            "an",
            "this",
            "that",
            "these",
            "those",
            "his",
            "her",
            "its",
            "their",
            "our",
            "according",
            "citing",
            "despite",
            "following",
            "amid",
        ]
    )
    | frozenset(_PRONOUNS)
    | _LEADING
    | _BOUNDARY_WORDS
    | _PREPOSITIONS
    | _NUMBERS
)
_NAME_PARTICLES = frozenset({"of", "al", "bin", "ibn", "de", "van", "von"})
_CALENDAR = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)


@dataclass(frozen=True)
class Source:
    """A speaker resolved: `written` as the article writes it, `name` the named person or organisation it
    stands for (a pronoun's antecedent; empty for an anonymous source), and its type."""

    written: str
    name: str
    source_type: str  # PERSON, ORGANISATION, ANONYMOUS, or "" when it cannot be told


# A run of capitalised words, with name particles between them ("Secretary of State Mike Pompeo",
# "Harakat Hezbollah al-Nujaba", "al-Hosseini"); a word as TOKEN shapes it, so a full stop is left out.
_CAPITAL = r"(?:(?:al|el)-)?[A-ZÀ-ÖØ-Þ](?:[\w'’.-]*\w)?"
_NAME_RUN = re.compile(rf"(?<![\w'’-]){_CAPITAL}(?:[ \t]+(?:(?:of|al|bin|ibn|de|van|von)[ \t]+)*{_CAPITAL})*")


_NON_SPACE = re.compile(r"\S+")


def names_in(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Name-like spans of text[start:end] with their type (PERSON or ORGANISATION): runs of capitalised
    words ("NBC News", "John Bolton", "al-Hosseini"), a person's with a title ("Prime Minister Adel
    Abdul-Mahdi"), an organisation's with an organisation word ("Kataib Hezbollah"); a name never runs
    over punctuation. A country's adjective alone is no name, nor are month and day names, nor a
    capitalised common word that opens the run ("However", "The")."""
    found = []
    for m in _NAME_RUN.finditer(text, start, end):
        name = _name_in_run(m.group())
        if name is not None:
            found.append((m.start() + name[0], m.start() + name[1], name[2]))
    return found


# The same runs come back sentence after sentence ("Iraq", "Prime Minister Adel Abdul-Mahdi"): each is
# read once per process.
@functools.lru_cache(maxsize=1 << 16)
def _name_in_run(written: str) -> tuple[int, int, str] | None:
    """The name in a run of capitalised words, as (start, end, type) within it; None when it holds none."""
    run = [(w.start(), w.end(), w.group()) for w in _NON_SPACE.finditer(written)]
    while run and run[0][2].lower() in _NOT_NAMES:
        run = run[1:]
    while run and run[-1][2].lower() in _NAME_PARTICLES:
        run.pop()
    if not run or all(_bare(t[2]) in _CALENDAR for t in run):
        return None
    if len(run) == 1 and run[0][2].lower() in NATIONALITIES:
        return None
    return run[0][0], run[-1][1], _name_type([t[2] for t in run])


def _bare(word: str) -> str:
    """A word in lower case without a possessive 's."""
    word = word.lower()
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _name_type(words: list[str]) -> str:
    lowered = [_bare(w) for w in words]
    if any(w in PERSON_TITLES for w in lowered[:-1]) and lowered[-1] not in PERSON_TITLES:
        return PERSON
    if any(w in ORGANISATION_WORDS for w in lowered) or all(w.replace(".", "").isupper() for w in words):
        return ORGANISATION
    if lowered[-1] in PERSON_TITLES:
        return PERSON  # a title alone, "the Iraqi Prime Minister": a role
    content = [w for w in lowered if w not in NATIONALITIES and w not in _NAME_PARTICLES]
    if len(content) >= 2 or (content and content[0].startswith(("al-", "el-", "abu"))):
        return PERSON
    return ORGANISATION


def person_name(text: str) -> str:
    """A name without the titles and country adjectives before it: "Iraqi Prime Minister Adel Abdul-Mahdi"
    -> "Adel Abdul-Mahdi"; "" when only a title is written ("the prime minister")."""
    words = text.split()
    titles = [k for k, w in enumerate(words) if _bare(w) in PERSON_TITLES]
    return " ".join(words[titles[-1] + 1 :]) if titles else text


def resolve_sources(
    text: str, spans: list[tuple[int, int]], found: list[Speech], names: ArticleNames | None = None
) -> list[Source]:
    """The Source of each speech, in order. A speaker as written is typed by its words; a pronoun is
    resolved to the last speaker for verbs that continue ("He added"), else to the first fitting name of
    the latest sentence, at most PRONOUN_REACH before, that has one; a role ("the spokesman", "the prime
    minister") to the latest earlier speaker or name with that word."""
    names = ArticleNames(text, spans) if names is None else names
    mentions: dict[int, list[tuple[int, int, str, str]]] = {}

    def mentions_of(sentence: int) -> list[tuple[int, int, str, str]]:
        if sentence not in mentions:
            mentions[sentence] = [
                (a, b, PERSON if text[a:b] in names else kind, text[a:b]) for a, b, kind in names.of(sentence)
            ]
        return mentions[sentence]

    earlier: list[tuple[int, int, Source]] = []  # (sentence, speaker start, source) of speakers resolved so far
    sources = []
    for speech in found:
        written = text[speech.speaker_start : speech.speaker_end]
        source = _resolve(speech, written, names, mentions_of, earlier, lambda k: (spans[k][0], text[slice(*spans[k])]))
        if written:
            earlier.append((speech.sentence, speech.speaker_start, source))
        sources.append(source)
    return sources


class ArticleNames:
    """The names of an article's sentences, found when first asked for; `word in names` tells whether a
    word is the last name of a person the article names in full ("Bolton" after "John Bolton")."""

    def __init__(self, text: str, spans: list[tuple[int, int]]):
        self.text, self.spans = text, spans
        self._of: dict[int, list[tuple[int, int, str]]] = {}
        self._surnames: frozenset[str] | None = None

    def of(self, sentence: int) -> list[tuple[int, int, str]]:
        if sentence not in self._of:
            self._of[sentence] = names_in(self.text, *self.spans[sentence])
        return self._of[sentence]

    def __contains__(self, word: str) -> bool:
        if self._surnames is None:
            found = set()
            for sentence in range(len(self.spans)):
                for start, end, kind in self.of(sentence):
                    words = person_name(self.text[start:end]).split()
                    if kind == PERSON and len(words) >= 2:
                        found.add(words[-1])
            self._surnames = frozenset(found)
        return word in self._surnames


# A role or a group named in lower case, a pronoun's antecedent that no name gives: "the prime minister
# stopped short ..., he suggested"; "Iranian media rejects ... They noted".
_ROLE = re.compile(r"\bthe (?:[a-z]+ )?(?:" + "|".join(sorted(t for t in PERSON_TITLES if "." not in t)) + r")\b")
_GROUP_SUBJECT = re.compile(
    r"^\W*(?:(?:But|And|However|Meanwhile)\W+)?"
    r"((?:[A-Z][\w'’-]+ )+(?:media|press|officials|authorities|forces|leaders|lawmakers|groups))\b"
)


def _resolve(speech, written, surnames, mentions_of, earlier, sentence_text=None) -> Source:
    """The Source of one speech; `sentence_text(k)` gives sentence k's (offset, text), where a pronoun's
    antecedent may be a role or a group named in lower case (_ROLE, _GROUP_SUBJECT)."""
    if not written:
        return Source("", "", "")
    kind = _PRONOUNS.get(written.lower())
    if kind == "person" and sentence_text and (speech.verb is None or speech.verb.entry.term not in _CONTINUING):
        offset, sentence = sentence_text(speech.sentence)
        roles = list(_ROLE.finditer(sentence[: speech.speaker_start - offset]))
        if roles:  # "Even though the prime minister stopped short ..., he suggested": the prime minister
            resolved = _resolve(speech, roles[-1].group(), surnames, mentions_of, earlier)
            if resolved.name:
                return Source(written, resolved.name, resolved.source_type)
    if kind:
        return _antecedent(speech, written, kind, mentions_of, earlier, sentence_text)
    source_type = _written_type(written, surnames)
    name = _name_of(written) if source_type != ANONYMOUS else ""
    if (
        source_type == ANONYMOUS
        or not name
        or (written.lower().startswith("the ") and not names_in(written, 0, len(written)))
    ):
        head = _bare(written.split()[-1])
        for _, _, source in reversed(earlier):
            if source.name and head in [_bare(w) for w in source.written.split()]:
                return Source(written, source.name, source.source_type)
        if source_type != ANONYMOUS:
            for sentence in range(speech.sentence, -1, -1):
                for a, _, mention_type, mention in mentions_of(sentence):
                    if (sentence < speech.sentence or a < speech.speaker_start) and head in mention.lower().split():
                        return Source(written, _name_of(mention) or mention, mention_type)
        if source_type == ANONYMOUS:
            return Source(written, "", ANONYMOUS)
        return Source(written, name or written, source_type)
    return Source(written, name, source_type)


def _written_type(written: str, surnames) -> str:
    """PERSON, ORGANISATION or ANONYMOUS for a speaker as written (not a pronoun)."""
    names = names_in(written, 0, len(written))
    if any(kind == PERSON or written[a:b] in surnames for a, b, kind in names):
        return PERSON
    if _ANONYMOUS_NOUNS.search(written) and not names:
        return ANONYMOUS
    return ORGANISATION


def _name_of(written: str) -> str:
    """The name a speaker as written stands for: its longest name without titles, else the words as written
    without a leading article; "" for a title alone ("the prime minister")."""
    names = names_in(written, 0, len(written))
    if names:
        a, b, kind = max(names, key=lambda n: n[1] - n[0])
        if kind == PERSON:
            return person_name(written[a:b])
        if not re.search(r"['’]s$", written[a:b]):  # "Abdul’s office" is the office, not Abdul
            return written[a:b]
    words = written.split()
    if words and words[-1].lower() in PERSON_TITLES:
        return ""
    return " ".join(words[1:] if words[0].lower() in ("the", "a", "an") else words)


def _antecedent(speech, written, kind, mentions_of, earlier, sentence_text=None) -> Source:
    """he / she: the last fitting speaker when the verb continues ("He added"), else the last person named
    earlier in the sentence, else the first person of the latest sentence before that names one; they /
    it: the last organisation or anonymous speaker, else the first such name of the latest sentence."""
    wanted = (PERSON,) if kind == "person" else (ORGANISATION, ANONYMOUS)
    recent = [(s, a, source) for s, a, source in earlier if s >= speech.sentence - PRONOUN_REACH]
    if kind != "person" and sentence_text:
        # A group that is the subject of a sentence after the last fitting speaker's ("US media reported ...
        # Iranian media rejects ... They noted"): the nearer subject.
        last = max((s for s, _, source in recent if _fits(source, kind)), default=-1)
        for sentence in range(speech.sentence - 1, max(last, speech.sentence - PRONOUN_REACH - 1), -1):
            group = _GROUP_SUBJECT.match(sentence_text(sentence)[1])
            if group:
                return Source(written, group.group(1), ORGANISATION)
    if kind != "person" or (speech.verb is not None and speech.verb.entry.term in _CONTINUING):
        for _, _, source in reversed(recent):
            if _fits(source, kind):
                return Source(written, source.name, source.source_type)
    if kind == "person":
        before = [m for m in mentions_of(speech.sentence) if m[2] == PERSON and m[1] <= speech.speaker_start]
        if before:
            mention = before[-1][3]
            return Source(written, _name_of(mention) or mention, PERSON)
    for sentence in range(speech.sentence - 1, max(-1, speech.sentence - PRONOUN_REACH - 1), -1):
        candidates = [(a, source) for s, a, source in recent if s == sentence and source.source_type in wanted]
        spoken = [source.written for _, source in candidates]
        for a, _, mention_type, mention in mentions_of(sentence):
            if mention_type in wanted and not any(mention in w for w in spoken):
                candidates.append((a, Source(mention, _name_of(mention) or mention, mention_type)))
        if kind != "person" and sentence_text:
            offset, text = sentence_text(sentence)
            group = _GROUP_SUBJECT.match(text)
            if group:  # "Iranian media rejects ...": its subject, though no name
                candidates.append((offset + group.start(1), Source(group.group(1), group.group(1), ORGANISATION)))
        if candidates:
            _, found = min(candidates, key=lambda c: c[0])
            return Source(written, found.name, found.source_type)
    return Source(written, "", "")


def _fits(source: Source, kind: str) -> bool:
    """Whether a pronoun of `kind` can stand for a source: a person's role ("the spokesman") is a person
    even when the source resolves to the organisation it speaks for."""
    if not source.source_type:
        return False
    if kind == "person":
        head = _bare(source.written.split()[-1])
        return (
            source.source_type in (PERSON, ANONYMOUS) or head in PERSON_TITLES or bool(_ANONYMOUS_NOUNS.fullmatch(head))
        )
    return source.source_type in (ORGANISATION, ANONYMOUS) and _bare(source.written.split()[-1]) not in PERSON_TITLES
