"""The findings an event page states hold up: a difference says whether it could be chance, a rate says which
terms carry it and whether it survives without the largest, and frames say when outlets agree."""

import csv
import shutil
import zlib
from pathlib import Path

import pandas as pd
import pytest
from conftest import LEXICONS

from pipeline.flow import analyze
from pipeline.framing.annotations import headline_findings
from pipeline.schema import ATTRIBUTION_COLUMNS, EVENT_CONTRAST_COLUMNS, FRAME_COLUMNS, LABEL_COLUMNS

OUTLETS = ["Daily", "Herald", "Wire"]


def contrasts(loaded: dict[str, float], p_top: float, polarity: dict[str, float] | None = None, p_low: float = 0.5):
    rows = []
    top = max(loaded, key=loaded.get)
    for outlet, rate in loaded.items():
        rest = sum(v for o, v in loaded.items() if o != outlet) / (len(loaded) - 1)
        rows.append(
            (
                "E1",
                outlet,
                "loaded_per_1k",
                rate,
                rest,
                rate - rest,
                rate / rest,
                p_top if outlet == top else 0.9,
                p_top if outlet == top else 0.9,
                rate * 0.8,
                rate * 1.2,
                4,
                8,
                40,
                80,
            )
        )
    polarity = polarity or dict.fromkeys(loaded, 0.0)
    low = min(polarity, key=polarity.get)
    for outlet, value in polarity.items():
        p = p_low if outlet == low else 0.9
        rows.append(("E1", outlet, "polarity", value, 0.0, value, 0.1, p, p, value - 0.1, value + 0.1, 4, 8, 40, 80))
    return pd.DataFrame(rows, columns=EVENT_CONTRAST_COLUMNS)


def findings(table, term_hits=None, frames=None):
    frames = pd.DataFrame(columns=FRAME_COLUMNS) if frames is None else frames
    found = headline_findings(
        OUTLETS,
        pd.DataFrame(columns=LABEL_COLUMNS),
        table,
        pd.DataFrame(columns=ATTRIBUTION_COLUMNS),
        frames,
        term_hits,
    )
    return [f["text"] for f in found]


def term_hits(outlet: str, counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame([(outlet, term, n) for term, n in counts.items()], columns=["outlet", "term", "n"])


def test_a_highest_rate_that_could_be_chance_says_so():
    text = findings(contrasts({"Daily": 26.1, "Herald": 20.5, "Wire": 11.2}, p_top=0.33))[0]
    assert text.startswith("Daily has the highest rate of loaded language in its own words (26.1 per 1,000 words")
    assert (
        "but the difference could be chance (permutation p = 0.33, over 12 articles, adjusted for comparing 3 outlets)"
        in text
    )


def test_a_difference_with_a_small_p_says_it_is_unlikely_to_be_chance():
    text = findings(contrasts({"Daily": 40.0, "Herald": 12.0, "Wire": 10.0}, p_top=0.01))[0]
    assert (
        "a difference unlikely to be chance alone (permutation p = 0.01, over 12 articles, adjusted for comparing 3 outlets)"
        in text
        and "could be chance" not in text
    )


def test_a_rate_carried_by_one_term_says_it_would_not_lead_without_it():
    hits = term_hits("Daily", {"reportedly": 2, "unnamed": 2, "claimed": 1, "militia*": 1, "thwart*": 1})
    text = findings(contrasts({"Daily": 26.1, "Herald": 20.5, "Wire": 11.2}, p_top=0.33), hits)[0]
    assert "Its 7 hits are led by “reportedly” 2, “unnamed” 2, “claimed” 1" in text
    assert "without “reportedly” its rate would be 18.6, not above Herald's 20.5" in text


def test_a_rate_spread_over_many_terms_is_not_said_to_hang_on_one():
    hits = term_hits("Daily", {f"term{k}": 1 for k in range(10)})
    text = findings(contrasts({"Daily": 30.0, "Herald": 20.0, "Wire": 10.0}, p_top=0.02), hits)[0]
    assert "Its 10 hits" in text and "without" not in text


def test_a_p_just_below_the_line_is_not_shown_as_on_it():
    text = findings(contrasts({"Daily": 40.0, "Herald": 12.0, "Wire": 10.0}, p_top=0.0476))[0]
    assert "unlikely to be chance alone (permutation p = 0.048, over 12 articles" in text


def test_tone_differences_say_whether_they_could_be_chance():
    table = contrasts(
        {"Daily": 1.0, "Herald": 2.0, "Wire": 3.0}, 0.5, {"Daily": -0.08, "Herald": 0.0, "Wire": 0.05}, 0.06
    )
    tone = next(t for t in findings(table) if "tone" in t)
    assert tone.startswith(
        "Daily is the most negative in tone (mean polarity -0.080 over all its sentences in this event, quotes"
    )
    assert tone.endswith(
        "but the difference could be chance (permutation p = 0.06, over 12 articles, adjusted for comparing 3 outlets)."
    )


def primary_frames(*leads):
    rows = [("E1", outlet, frame, 10, share, share - 0.1, share + 0.1, True) for outlet, frame, share in leads]
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def test_when_most_outlets_lead_with_one_frame_the_finding_states_the_agreement():
    frames = primary_frames(("Daily", "political", 0.44), ("Herald", "security", 0.9), ("Wire", "security", 0.64))
    text = findings(contrasts({"Daily": 1.0, "Herald": 2.0, "Wire": 3.0}, 0.5), frames=frames)[-1]
    assert text == (
        "Most outlets lead with the same frame, security (Herald 90%, Wire 64% of their sentences); "
        "Daily leads with political (44%)."
    )


def test_outlets_that_all_lead_with_one_frame_agree_and_outlets_that_all_differ_differ():
    same = primary_frames(("Daily", "security", 0.5), ("Herald", "security", 0.6))
    assert findings(contrasts({"Daily": 1.0, "Herald": 2.0}, 0.5), frames=same)[-1].startswith(
        "All outlets lead with the same frame, security"
    )
    apart = primary_frames(("Daily", "economic", 0.5), ("Herald", "security", 0.6))
    assert findings(contrasts({"Daily": 1.0, "Herald": 2.0}, 0.5), frames=apart)[-1].startswith(
        "The outlets lead with different frames."
    )


def test_every_finding_but_the_frames_shows_the_sentences_it_rests_on():
    from conftest import LEXICONS, SEED_CORPUS

    from pipeline.flow import analyze
    from pipeline.reports.report import event_pages, outlet_slugs

    tables = analyze(SEED_CORPUS, LEXICONS)
    pages = event_pages(tables, outlet_slugs(list(tables.outlets["outlet"])))
    findings = [f for page in pages for f in page["findings"]]
    label = next(f for f in findings if "calls the killing" in f["text"])
    assert label["sentences"] and all("assassinat" in str(s["html"]) for s in label["sentences"])
    doubting = next(f for f in findings if "Bolton (argued 1)" in f["text"])
    assert [s["sentence_id"] for s in doubting["sentences"]] == [21]  # "But he wrongly argued it ..."
    assert all(f["sentences"] for f in findings if "frame" not in f["text"])


SEMEVAL = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "semeval23-train" / "corpus"


@pytest.mark.skipif(not SEMEVAL.is_dir(), reason=f"the shared SemEval-2023 training articles are not at {SEMEVAL}")
def test_real_news_given_outlets_at_random_is_seldom_said_to_differ(tmp_path):
    # 446 articles of many real outlets, each given one of eight outlets by a hash of its file name:
    # the outlets cannot differ, so a finding that one does is wrong. Tests that shuffled sentences
    # said so of 36 of 180 differences; at the 5% level, a handful at most may.
    corpus = tmp_path / "corpus"
    shutil.copytree(SEMEVAL, corpus)
    with open(SEMEVAL / "manifest.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["outlet"] = f"Outlet {zlib.crc32(row['file'].encode()) % 8}"
    with open(corpus / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    tables = analyze(corpus, LEXICONS)
    texts = [finding["text"] for detail in tables.event_details.values() for finding in detail["findings"]]
    differences = [t for t in texts if "chance" in t]
    unlikely = [t for t in differences if "unlikely to be chance" in t]
    assert len(differences) > 100
    assert len(unlikely) <= 0.05 * len(differences), unlikely
