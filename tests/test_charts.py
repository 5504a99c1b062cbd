"""The report's charts: honest axes, only what occurs, legible without a pointer, drawn from the tables."""

import re

import pandas as pd
import pytest

from pipeline.measuring.timeline import coverage_table, period_unit
from pipeline.reports.charts import Row, interval_chart, nice_limit, score_charts, stacked_chart, ticks, timeline_charts


def dot_positions(svg):
    return [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]


def outlet_row(name, polarity, loaded, **categories):
    return {
        "outlet": name,
        "n_words": 1000,
        "polarity": polarity,
        "ci_low_polarity": polarity - 0.01,
        "ci_high_polarity": polarity + 0.01,
        "subjectivity": 0.3,
        "loaded_per_1k": loaded,
        **{f"loaded_per_1k_{c}": v for c, v in categories.items()},
    }


def test_a_tiny_difference_in_tone_looks_tiny():
    # Two outlets 0.02 apart in mean polarity: on an axis of at least -0.25..+0.25 their dots are close,
    # not at the two ends of the chart as an axis fitted to the data would draw them.
    outlets = pd.DataFrame([outlet_row("A", -0.01, 5, emotive=5), outlet_row("B", 0.01, 5, emotive=5)])
    tone = score_charts(outlets, ["emotive"], lambda outlet, what: "")[0]
    a, b = dot_positions(tone)
    assert 0 < b - a < 0.05 * 340


def test_only_categories_that_occur_are_in_the_legend():
    outlets = pd.DataFrame([outlet_row("A", 0.0, 4, emotive=4, hedge=0), outlet_row("B", 0.0, 0, emotive=0, hedge=0)])
    by_category = score_charts(outlets, ["emotive", "hedge"], lambda outlet, what: "")[3]
    assert "emotive" in by_category and "hedge" not in by_category


def test_every_value_is_printed_beside_its_mark_so_nothing_needs_hovering():
    svg = interval_chart([Row("Fox News", 12.5, 8.0, 17.25)], "Loaded", "per 1,000", 0, 20, lambda v: f"{v:.1f}")
    assert "Fox News" in svg and "12.5 [8.0, 17.2]" in svg


def test_names_in_a_chart_are_escaped():
    svg = stacked_chart([Row("<script>x</script>", 3, parts={"emotive": 3})], ["emotive"], "t", "u", str)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_each_mark_links_to_the_sentences_behind_it():
    outlets = pd.DataFrame([outlet_row("A", 0.1, 2, emotive=2)])
    tone = score_charts(outlets, ["emotive"], lambda outlet, what: f"outlets/{outlet.lower()}.html#{what}")[0]
    assert '<a href="outlets/a.html#tone">' in tone


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0, 5, [0, 1, 2, 3, 4, 5]), (-0.25, 0.25, [-0.25, 0, 0.25]), (0, 200, [0, 50, 100, 150, 200])],
)
def test_axis_ticks_are_round_numbers_and_include_zero(low, high, expected):
    values, _ = ticks(low, high)
    assert values == pytest.approx(expected)


def test_axis_limits_are_round_and_never_below_the_floor():
    assert nice_limit(0.083, 0.25) == 0.25
    assert nice_limit(123.1, 10) == 200
    assert nice_limit(38.5, 10) == 50


@pytest.mark.parametrize(
    ("first", "last", "unit"),
    [
        ("2020-01-01", "2020-02-15", "week"),
        ("2020-01-05", "2021-06-30", "month"),
        ("2020-01-05", "2024-01-05", "quarter"),
        ("1990-01-01", "2024-01-01", "year"),
    ],
)
def test_the_period_is_chosen_from_the_corpus_span(first, last, unit):
    assert period_unit(pd.to_datetime(pd.Series([first, last]), utc=True)) == unit


def articles(*rows):
    columns = [
        "article_id",
        "outlet",
        "published",
        "n_sentences",
        "n_words",
        "n_quoted_words",
        "n_reported_words",
        "polarity",
        "n_hits",
    ]
    return pd.DataFrame(rows, columns=columns)


def test_coverage_pools_an_outlets_articles_per_period_as_the_outlet_table_does():
    table = coverage_table(
        articles(
            ("a", "X", "2020-01-06", 10, 200, 50, 50, 0.2, 3),
            ("b", "X", "2020-01-08", 30, 300, 0, 0, -0.2, 1),
            ("c", "X", "2020-01-20", 5, 100, 0, 0, 0.0, 0),
            ("d", "Y", "", 5, 100, 0, 0, 0.0, 0),
        )
    )
    assert list(table["period"]) == ["2020-W02", "2020-W04"]  # week 3 had no article; Y's article has no date
    first = table.iloc[0]
    assert first["n_articles"] == 2 and first["n_words"] == 500
    assert first["polarity"] == pytest.approx((0.2 * 10 - 0.2 * 30) / 40)  # the mean of the sentences
    assert first["loaded_per_1k"] == pytest.approx(4 * 1000 / 400)  # own words only


def test_the_timeline_keeps_empty_periods_so_time_is_not_squeezed():
    table = coverage_table(
        articles(("a", "X", "2020-01-06", 10, 200, 0, 0, 0.2, 3), ("c", "X", "2020-03-30", 5, 100, 0, 0, 0.0, 0))
    )
    charts, caption = timeline_charts(table)
    assert len(charts) == 3
    assert "2020-W02" in caption and "2020-W14" in caption
    assert "2020-W08" in charts[0]  # a period without articles still has its place on the axis
