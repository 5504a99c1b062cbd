"""Turn the reviewed rows of `mediabias lexicon learn` into `lexicons/learned_semeval.csv`.

    mediabias lexicon learn --gold ../shared/gold/semeval23-train/lines.csv --techniques techniques \
        --out /tmp/learned.csv
    python scripts/ship_learned.py /tmp/learned.csv

`scripts/learned_review.csv` (`term,category`) is the review: the learned rows a person read and kept,
with the shipped category each goes to (learned `loaded` and `fear` -> emotive, `name_calling` ->
delegitimizing, `doubt` -> doubt, `exaggeration` -> intensifier, `flag_waving` -> partisan, emotive or
delegitimizing by what the word does). Every other learned row is dropped. Kept rows keep the learned
weight and evidence note; a row whose term another shipped lexicon already matches (same word or a
prefix of it) is dropped so every word has one entry.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from derive_textblob_lexicon import covered, other_lexicons  # noqa: E402

OUT_NAME = "learned_semeval.csv"
HEADER = (
    "# Learned from the SemEval-2023 Task 3 training split (Piskorski et al. 2023; research use) with\n"
    "# `mediabias lexicon learn`, then reviewed by eye: see scripts/ship_learned.py and lexicons/README.md.\n"
    "# Each note is the learned evidence (paragraphs with the technique vs others, log-odds z).\n"
)


def ship(learned_text: str, review_text: str, lexicon_dir: Path) -> str:
    review = {row["term"]: row["category"] for row in csv.DictReader(io.StringIO(review_text))}
    known = other_lexicons(lexicon_dir, skip=(OUT_NAME, "subjective.csv"))
    rows = []
    for row in csv.DictReader(io.StringIO(learned_text)):
        if row["term"] in review and not covered(row["term"], known):
            rows.append([row["term"], review[row["term"]], row["weight"], row["note"]])
    rows.sort(key=lambda r: (r[1], r[0]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["term", "category", "weight", "note"])
    buffer.write(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    learned = Path(sys.argv[1]).read_text(encoding="utf-8")
    review = (ROOT / "scripts" / "learned_review.csv").read_text(encoding="utf-8")
    out = ROOT / "lexicons" / OUT_NAME
    text = ship(learned, review, ROOT / "lexicons")
    out.write_text(text, encoding="utf-8")
    print(f"{out}: {text.count(chr(10)) - 4} entries")


if __name__ == "__main__":
    main()
