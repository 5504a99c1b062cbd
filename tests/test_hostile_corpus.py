"""Hostile corpus input, one case per test: reported (or repaired) with file, line and reason, never a traceback."""

import json

import pytest
from test_bad_input import GOOD, assert_reported, problems, run, scored, table

OTHER = "The US said its troops would stay in Iraq, a spokesman said on Monday."


def assert_warning(out, source, line, reason):
    """The problem is shown to the user, and as a warning: the item was used."""
    assert_reported(out, source, line, reason)
    severities = {(p["source"], int(p["line"]), p["reason"]): p["severity"] for p in table(out, "problems.csv")}
    assert severities[(source, line, reason)] == "warning"


def assert_error(out, source, line, reason):
    """The problem is shown to the user, and as an error: the item was skipped."""
    assert_reported(out, source, line, reason)
    severities = {(p["source"], int(p["line"]), p["reason"]): p["severity"] for p in table(out, "problems.csv")}
    assert severities[(source, line, reason)] == "error"


def two_articles(make_corpus, published_good, published_other):
    manifest = f"file,outlet,published\ngood.txt,A,{published_good}\nother.txt,B,{published_other}\n"
    return make_corpus({"good.txt": GOOD, "other.txt": OTHER}, manifest=manifest)


def undated(value):
    return (
        f"published {value!r} is not a date (expected ISO 8601, e.g. 2020-01-05 or 2020-01-05T10:00:00Z); "
        "the article is treated as undated"
    )


def test_a_date_with_a_time_and_zone_is_read_and_kept_as_given(make_corpus, tmp_path):
    result, out = run(two_articles(make_corpus, "2020-01-05T10:00:00Z", "2020-01-06"), tmp_path)
    assert result.exit_code == 0, result.output
    assert problems(out) == []
    assert {e["article_id"]: e["published"] for e in table(out, "events.csv")} == {
        "good.txt": "2020-01-05T10:00:00Z",
        "other.txt": "2020-01-06",
    }


def test_dates_with_different_offsets_are_read_together(make_corpus, tmp_path):
    result, out = run(two_articles(make_corpus, "2020-01-05T10:00:00+03:00", "2020-01-06T01:00:00-05:00"), tmp_path)
    assert result.exit_code == 0, result.output
    assert problems(out) == []
    assert scored(out) == ["good.txt", "other.txt"]


@pytest.mark.parametrize("value", ["2020-13-45", "yesterday"])
def test_a_manifest_date_that_is_not_a_date_is_a_warning_at_its_line(make_corpus, tmp_path, value):
    result, out = run(two_articles(make_corpus, "2020-01-05", value), tmp_path)
    assert result.exit_code == 0, result.output
    assert_warning(out, "manifest.csv", 3, undated(value))
    assert scored(out) == ["good.txt", "other.txt"]


def test_a_record_date_that_is_not_a_date_is_a_warning_at_its_record(make_corpus, tmp_path):
    records = [{"text": GOOD, "published": "2020-01-05T10:00:00Z"}, {"text": OTHER, "published": "yesterday"}]
    corpus = make_corpus({"feed.jsonl": "".join(json.dumps(r) + "\n" for r in records)})
    result, out = run(corpus, tmp_path)
    assert result.exit_code == 0, result.output
    assert_warning(out, "feed.jsonl", 2, undated("yesterday"))
    assert scored(out) == ["feed.jsonl:1", "feed.jsonl:2"]
