"""Coverage over time: each outlet's articles, tone and loaded rate per week, month, quarter or year.

The period is chosen from the corpus's span, so that a month of news is read week by week and years of it
quarter by quarter, with few enough periods to draw.

Columns of the coverage table (one row per outlet and period with at least one dated article):
  outlet, period (its name: "2020-W02", "2020-01", "2020-Q1" or "2020"), period_start (ISO date of its
  first day), unit (week, month, quarter or year), n_articles, n_sentences, n_words, polarity (the mean
  polarity of the period's sentences), loaded_per_1k (hits in the outlet's own words per 1,000 such words).
Articles without a readable date are left out; the table then covers fewer articles than articles.csv.
"""

from __future__ import annotations

import pandas as pd

from pipeline.reading.corpus import publication_dates

COVERAGE_COLUMNS = [
    "outlet",
    "period",
    "period_start",
    "unit",
    "n_articles",
    "n_sentences",
    "n_words",
    "polarity",
    "loaded_per_1k",
]
# The finest unit whose periods over the corpus's span are at most this many.
MOST_PERIODS = 26
UNITS = ["week", "month", "quarter", "year"]


def period_unit(dates: pd.Series, most: int = MOST_PERIODS) -> str:
    """The finest of week, month, quarter, year that cuts the dates' span into at most `most` periods."""
    dates = dates.dropna()
    if dates.empty:
        return "month"
    for unit in UNITS[:-1]:
        if _n_periods(dates, unit) <= most:
            return unit
    return "year"


def _n_periods(dates: pd.Series, unit: str) -> int:
    """How many periods of `unit` the span from the first date to the last covers."""
    first, last = period_starts(pd.Series([dates.min(), dates.max()]), unit)
    return len(every_period(first, last, unit))


STEPS = {
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}


def every_period(first: pd.Timestamp, last: pd.Timestamp, unit: str) -> list[str]:
    """The names of every period from the one starting at `first` to the one starting at `last`, those
    without articles included (a timeline does not squeeze time)."""
    return [period_name(start, unit) for start in pd.date_range(first, last, freq=STEPS[unit])]


def period_starts(dates: pd.Series, unit: str) -> pd.Series:
    """The first day of each date's period (weeks start on Monday), as a date without time or zone."""
    days = dates.dt.tz_localize(None).dt.normalize() if dates.dt.tz is not None else dates.dt.normalize()
    if unit == "week":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    if unit == "month":
        return days.dt.to_period("M").dt.start_time
    if unit == "quarter":
        return days.dt.to_period("Q").dt.start_time
    return days.dt.to_period("Y").dt.start_time


def period_name(start: pd.Timestamp, unit: str) -> str:
    if unit == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return start.strftime("%Y-%m")
    if unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def coverage_table(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per outlet and period (COVERAGE_COLUMNS), from the articles table's scores.

    Polarity weighs each article by its sentences and the loaded rate pools the words, so that a period's
    figures are those of its sentences, as the outlet table's are of the outlet's."""
    dates = publication_dates(articles["published"]) if len(articles) else pd.Series(dtype="datetime64[ns, UTC]")
    dated = articles[dates.notna().to_numpy()]
    if dated.empty:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    unit = period_unit(dates)
    starts = period_starts(dates[dates.notna()], unit).to_numpy()
    own_words = dated["n_words"] - dated["n_quoted_words"] - dated["n_reported_words"]
    frame = pd.DataFrame(
        {
            "outlet": dated["outlet"].astype(str).to_numpy(),
            "period_start": starts,
            "n_sentences": dated["n_sentences"].to_numpy(),
            "n_words": dated["n_words"].to_numpy(),
            "weighted_polarity": (dated["polarity"] * dated["n_sentences"]).to_numpy(),
            "own_words": own_words.to_numpy(),
            "n_hits": dated["n_hits"].to_numpy(),
        }
    )
    grouped = frame.groupby(["outlet", "period_start"], sort=True)
    table = grouped.agg(
        n_articles=("n_words", "size"),
        n_sentences=("n_sentences", "sum"),
        n_words=("n_words", "sum"),
        weighted_polarity=("weighted_polarity", "sum"),
        own_words=("own_words", "sum"),
        n_hits=("n_hits", "sum"),
    ).reset_index()
    table["polarity"] = (table["weighted_polarity"] / table["n_sentences"].where(table["n_sentences"] > 0)).fillna(0.0)
    table["loaded_per_1k"] = (table["n_hits"] * 1000 / table["own_words"].where(table["own_words"] > 0)).fillna(0.0)
    table["period"] = [period_name(start, unit) for start in table["period_start"]]
    table["unit"] = unit
    table["period_start"] = table["period_start"].dt.strftime("%Y-%m-%d")
    table["n_articles"] = table["n_articles"].astype("int64")
    return table[COVERAGE_COLUMNS].reset_index(drop=True)
