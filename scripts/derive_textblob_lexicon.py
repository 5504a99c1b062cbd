"""Derive `lexicons/subjective.csv` from the pattern lexicon that ships inside TextBlob.

    python scripts/derive_textblob_lexicon.py            # writes lexicons/subjective.csv
    python scripts/derive_textblob_lexicon.py --out FILE

Source: `textblob/en/en-sentiment.xml` of the installed textblob package, the subjectivity lexicon of
the Pattern library (Tom De Smedt and Walter Daelemans, CLiPS, University of Antwerp), released under
the PDDL (the file's `license` attribute); TextBlob itself is MIT and its Pattern-derived code BSD.
Each word form has, per sense, a polarity in [-1, 1], a subjectivity in [0, 1] and an intensity (a
multiplier for the next word, 1 for most words). The rules (the same input gives the same file, byte
for byte):

1. Senses are averaged per word form and part of speech, as TextBlob does when it loads the file.
2. Adverbs are added for adjectives the way TextBlob adds them (terrible -> terribly, angry ->
   angrily), with the adjective's scores, but only when the adverb is a word: it is tagged `RB` in
   TextBlob's own Brill tagger lexicon (`textblob/en/en-lexicon.txt`).
3. `evaluative`: adjectives and adverbs with subjectivity >= 0.6 and |polarity| >= 0.4: a judgement,
   not a description. Weight by subjectivity * |polarity|: below 0.5 -> 1, below 0.8 -> 2, else 3.
4. `intensifier`: adverbs whose intensity is above 1 (they strengthen the next word), weight 1.
5. Dropped: words another shipped lexicon file already covers (its term or prefix matches the word),
   and the words of `scripts/textblob_neutral_in_news.txt`, which read as description, not judgement, in news (checked
   in context with `mediabias kwic` on the seed corpus and the SemEval training paragraphs).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree

import textblob

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.reading.lexicons import Lexicon, read_lexicons, term_parts  # noqa: E402

OUT_NAME = "subjective.csv"
MIN_SUBJECTIVITY = 0.6
MIN_ABS_POLARITY = 0.4
# (upper bound of subjectivity * |polarity|, weight), first band that holds wins
WEIGHT_BANDS = ((0.5, 1), (0.8, 2), (float("inf"), 3))
ADJECTIVE_TAGS = ("JJ", "JJS")
ADVERB_TAG = "RB"
POS_NAMES = {"JJ": "adjective", "JJS": "adjective", "RB": "adverb"}

NEUTRAL_IN_NEWS_FILE = ROOT / "scripts" / "textblob_neutral_in_news.txt"


def neutral_in_news(text: str) -> frozenset[str]:
    """The words of NEUTRAL_IN_NEWS_FILE: one a line, `#` comments."""
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def pattern_lexicon_path() -> Path:
    return Path(textblob.__file__).parent / "en" / "en-sentiment.xml"


def brill_lexicon_path() -> Path:
    return Path(textblob.__file__).parent / "en" / "en-lexicon.txt"


def averaged_scores(xml_text: str) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(form, pos) -> mean (polarity, subjectivity, intensity) over the form's senses with that pos."""
    senses: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    for word in ElementTree.fromstring(xml_text).iter("word"):
        form, pos = (word.get("form") or "").strip().lower(), word.get("pos") or ""
        if form:
            scores = (float(word.get(k, d)) for k, d in (("polarity", 0), ("subjectivity", 0), ("intensity", 1)))
            senses[(form, pos)].append(tuple(scores))
    return {key: tuple(sum(v) / len(v) for v in zip(*values, strict=True)) for key, values in senses.items()}


def adverb_of(adjective: str) -> str:
    """TextBlob's rule (textblob/en/__init__.py, Sentiment.load): terrible -> terribly, angry -> angrily."""
    stem = adjective[:-1] + "i" if adjective.endswith("y") else adjective
    stem = stem[:-2] if stem.endswith("le") else stem
    return stem + "ly"


def brill_adverbs(text: str) -> frozenset[str]:
    """Words tagged RB in TextBlob's Brill lexicon (lines `word TAG [TAG...]`, `;;;` comments)."""
    words = set()
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and not line.startswith(";") and ADVERB_TAG in fields[1:]:
            words.add(fields[0].lower())
    return frozenset(words)


def candidates(scores: dict, adverbs: frozenset[str]) -> dict[str, tuple[str, float, float, float]]:
    """word -> (pos, polarity, subjectivity, intensity) for adjectives, adverbs and derived adverbs."""
    out: dict[str, tuple[str, float, float, float]] = {}
    for (form, pos), (p, s, i) in sorted(scores.items()):
        if pos in ADJECTIVE_TAGS and form not in out:
            out[form] = ("JJ", p, s, i)
    for (form, pos), (p, s, i) in sorted(scores.items()):
        if pos == ADVERB_TAG:
            out[form] = ("RB", p, s, i)
    for form, (pos, p, s, _) in sorted(out.items()):
        adverb = adverb_of(form)
        if pos == "JJ" and adverb in adverbs and adverb not in out:
            out[adverb] = ("RB", p, s, 1.0)
    return dict(sorted(out.items()))


def weight_for(polarity: float, subjectivity: float) -> int:
    strength = subjectivity * abs(polarity)
    return next(w for bound, w in WEIGHT_BANDS if strength < bound)


def category_for(pos: str, polarity: float, subjectivity: float, intensity: float) -> str | None:
    if pos == ADVERB_TAG and intensity > 1:
        return "intensifier"
    if subjectivity >= MIN_SUBJECTIVITY and abs(polarity) >= MIN_ABS_POLARITY:
        return "evaluative"
    return None


def covered(word: str, lexicon: Lexicon) -> bool:
    """Whether an entry of `lexicon` already matches `word` (same word, or a prefix of it)."""
    parts = term_parts(word)
    for entry in lexicon.entries:
        if len(entry.parts) == len(parts) and all(
            w.text.startswith(e.text) if e.prefix else w.text == e.text for e, w in zip(entry.parts, parts, strict=True)
        ):
            return True
    return False


def other_lexicons(lexicon_dir: Path, skip: tuple[str, ...] = (OUT_NAME, "affect.csv")) -> Lexicon:
    """The shipped term lexicons other than the files named in `skip`."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(lexicon_dir.glob("*.csv")):
            if path.name not in skip:
                shutil.copyfile(path, Path(tmp) / path.name)
        lexicon, _ = read_lexicons(Path(tmp))
    return lexicon


def derive_rows(xml_text: str, brill_text: str, known: Lexicon, neutral: frozenset[str]) -> list[list[str]]:
    rows = []
    for word, (pos, p, s, i) in candidates(averaged_scores(xml_text), brill_adverbs(brill_text)).items():
        category = category_for(pos, p, s, i)
        if category is None or word in neutral or not word.isalpha() or covered(word, known):
            continue
        weight = 1 if category == "intensifier" else weight_for(p, s)
        what = f"intensity {i:.1f}, " if category == "intensifier" else ""
        note = f"from TextBlob's pattern lexicon: {what}subjectivity {s:.2f}, polarity {p:+.2f} ({POS_NAMES[pos]})"
        rows.append([word, category, str(weight), note])
    return rows


HEADER = (
    "# Generated by scripts/derive_textblob_lexicon.py from TextBlob's copy of the Pattern subjectivity\n"
    "# lexicon (textblob/en/en-sentiment.xml, PDDL). Do not edit by hand: change the script's rules and\n"
    "# re-run it. Rules: see the script's docstring and lexicons/README.md.\n"
)


def render(rows: list[list[str]], header: str = HEADER) -> str:
    """A lexicon CSV: the columns, the `header` comment lines, the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["term", "category", "weight", "note"])
    buffer.write(header)
    writer.writerows(rows)
    return buffer.getvalue()


def derive(lexicon_dir: Path) -> str:
    xml_text = pattern_lexicon_path().read_text(encoding="utf-8")
    brill_text = brill_lexicon_path().read_text(encoding="utf-8")
    neutral = neutral_in_news(NEUTRAL_IN_NEWS_FILE.read_text(encoding="utf-8"))
    return render(derive_rows(xml_text, brill_text, other_lexicons(lexicon_dir), neutral))


def write_derived(description: str, out_name: str, derive_text, argv: list[str] | None = None) -> None:
    """The command line of a derivation script: write derive_text(LEXICONS) to LEXICONS/out_name or --out."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--lexicons", type=Path, default=ROOT / "lexicons")
    parser.add_argument("--out", type=Path, default=None, help=f"default: LEXICONS/{out_name}")
    args = parser.parse_args(argv)
    out = args.out or args.lexicons / out_name
    text = derive_text(args.lexicons)
    out.write_text(text, encoding="utf-8")
    print(f"{out}: {text.count(chr(10)) - 4} entries")


def main(argv: list[str] | None = None) -> None:
    write_derived(__doc__.splitlines()[0], OUT_NAME, derive, argv)


if __name__ == "__main__":
    main()
