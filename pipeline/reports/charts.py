"""Charts as small inline SVG, drawn from the tables' numbers: nothing to download, legible on a phone.

Every chart is CHART_WIDTH units wide and scales to its box, so that on a 390 px screen its text stays at
about the size of the page's. Labels sit above their bars rather than beside them (long outlet names do
not squeeze the plot), and numbers are printed beside every mark: nothing needs a pointer to hover.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from pipeline.measuring.timeline import every_period
from pipeline.reports.layout import anchor

CHART_WIDTH = 360
LEFT, RIGHT = 8, 12
ROW_HEIGHT = 34
FONT = 12
# Okabe and Ito's palette, told apart by readers with a colour-vision deficiency; then grey.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000", "#999999"]
NEGATIVE, POSITIVE, NEUTRAL = "#b2182b", "#2166ac", "#666666"


@dataclass
class Row:
    """One mark of a chart: its label, value, optional 95% interval, and a link to the sentences behind it."""

    label: str
    value: float
    low: float = float("nan")
    high: float = float("nan")
    href: str = ""
    note: str = ""
    parts: dict[str, float] = field(default_factory=dict)


def colour_of(names: Sequence[str]) -> dict[str, str]:
    """A colour per name, in the order given (the same outlet is the same colour on every chart)."""
    return {name: PALETTE[k % len(PALETTE)] for k, name in enumerate(names)}


def nice_limit(value: float, floor: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value`, and never below `floor`."""
    value = max(value, floor)
    if not math.isfinite(value) or value <= 0:
        return floor
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value - 1e-12)


def ticks(low: float, high: float) -> tuple[list[float], int]:
    """Evenly spaced tick values from low to high (both included, and zero when the range spans it) with
    the fewest decimals, and those decimals: 0, 1, 2, 3, 4, 5 rather than 0, 1.25, 2.5, ..."""

    def decimals(step: float) -> int:
        return next((d for d in range(4) if abs(round(step, d) - step) < 1e-9 * max(1.0, abs(step))), 4)

    best = None
    for count in (4, 5, 2, 3, 6):
        step = (high - low) / count
        if low < 0 < high and abs(round(-low / step) - (-low / step)) > 1e-9:
            continue
        if best is None or decimals(step) < decimals(best[1]):
            best = (count, step)
    count, step = best or (4, (high - low) / 4)
    return [low + step * k for k in range(count + 1)], decimals(step)


def tick_label(value: float, decimals: int, signed: bool) -> str:
    if abs(value) < 1e-12:
        return "0"
    return f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"


def _x(value: float, low: float, high: float) -> float:
    return LEFT + (min(max(value, low), high) - low) / (high - low) * (CHART_WIDTH - LEFT - RIGHT)


def _text(
    x: float, y: float, text: str, anchor: str = "start", size: int = FONT, weight: str = "", fill: str = "#222"
) -> str:
    bold = ' font-weight="bold"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{bold}>'
        f"{html.escape(text)}</text>"
    )


def _svg(title: str, body: list[str], height: float, description: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {height:.0f}" width="{CHART_WIDTH}" height="{height:.0f}" '
        f'role="img" aria-label="{html.escape(title)}" font-family="system-ui, sans-serif">'
        f"<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>"
        + _text(LEFT, 16, title, weight="bold", size=13)
        + "".join(body)
        + "</svg>"
    )


def _linked(href: str, pieces: list[str]) -> list[str]:
    return [f'<a href="{html.escape(href)}">', *pieces, "</a>"] if href else pieces


def percent_tick(value: float, decimals: int) -> str:
    return f"{value * 100:.{max(0, decimals - 2)}f}%"


def _axis(y: float, low: float, high: float, unit: str, signed: bool = False, tick_format=None) -> list[str]:
    parts = [f'<line x1="{LEFT}" x2="{CHART_WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#999"/>']
    values, decimals = ticks(low, high)
    for k, tick in enumerate(values):
        x = _x(tick, low, high)
        anchor = "start" if k == 0 else "end" if k == len(values) - 1 else "middle"
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y:.1f}" y2="{y + 4:.1f}" stroke="#999"/>')
        label = tick_format(tick, decimals) if tick_format else tick_label(tick, decimals, signed)
        parts.append(_text(x, y + 16, label, anchor, size=11, fill="#555"))
    parts.append(_text(CHART_WIDTH / 2, y + 31, unit, "middle", size=11, fill="#555"))
    return parts


def interval_chart(
    rows: Sequence[Row],
    title: str,
    unit: str,
    low: float,
    high: float,
    formatter,
    signed_colours: bool = False,
    tick_format=None,
) -> str:
    """One row per mark: the label and value above, then a dot at the value on a line spanning its interval.

    The axis runs from `low` to `high` whatever the values, so that a small difference looks small;
    `signed_colours` draws negative values red and positive blue, with a line at zero."""
    top = 26
    body = []
    if low < 0 < high:
        x0 = _x(0, low, high)
        bottom = top + ROW_HEIGHT * len(rows)
        body.append(
            f'<line x1="{x0:.1f}" x2="{x0:.1f}" y1="{top}" y2="{bottom}" stroke="#bbb" stroke-dasharray="3 3"/>'
        )
    for k, row in enumerate(rows):
        y = top + ROW_HEIGHT * k
        has_interval = math.isfinite(row.low) and math.isfinite(row.high)
        has_value = math.isfinite(row.value)  # none: e.g. a rate of an outlet with no words of its own
        value_text = (formatter(row.value) if has_value else "none") + (
            f" [{formatter(row.low)}, {formatter(row.high)}]" if has_interval else ""
        )
        colour = (NEGATIVE if row.value < 0 else POSITIVE if row.value > 0 else NEUTRAL) if signed_colours else POSITIVE
        pieces = [
            _text(LEFT, y + 12, _short(row.label, 30)),
            _text(CHART_WIDTH - RIGHT, y + 12, value_text, "end", size=11, fill="#444"),
        ]
        if has_interval:
            x1, x2 = _x(row.low, low, high), _x(row.high, low, high)
            pieces.append(
                f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y + 22}" y2="{y + 22}" stroke="{colour}" stroke-width="2"/>'
            )
        if has_value:
            pieces.append(f'<circle cx="{_x(row.value, low, high):.1f}" cy="{y + 22}" r="4.5" fill="{colour}"/>')
        if row.note:
            pieces.append(_text(LEFT, y + 31, row.note, size=10, fill="#777"))
        body += _linked(row.href, pieces)
    axis_y = top + ROW_HEIGHT * len(rows) + 4
    body += _axis(axis_y, low, high, unit, signed_colours, tick_format)
    described = "; ".join(f"{r.label}: {formatter(r.value) if math.isfinite(r.value) else 'none'}" for r in rows)
    return _svg(title, body, axis_y + 38, described)


def stacked_chart(rows: Sequence[Row], categories: Sequence[str], title: str, unit: str, formatter) -> str:
    """One bar per row, stacked by category; only categories with a value above zero get a colour and a
    place in the legend."""
    shown = [c for c in categories if any(r.parts.get(c, 0) > 0 for r in rows)]
    colours = colour_of(categories)  # a category keeps its colour on every page
    body, legend_height = _legend(shown, colours, 26)
    top = 26 + legend_height
    high = nice_limit(max([sum(r.parts.get(c, 0) for c in shown) for r in rows] or [0]), 1.0)
    for k, row in enumerate(rows):
        y = top + ROW_HEIGHT * k
        total = sum(row.parts.get(c, 0) for c in shown)
        pieces = [
            _text(LEFT, y + 12, _short(row.label, 30)),
            _text(CHART_WIDTH - RIGHT, y + 12, formatter(total), "end", size=11, fill="#444"),
        ]
        start = 0.0
        for category in shown:
            value = row.parts.get(category, 0)
            if value <= 0:
                continue
            x1, x2 = _x(start, 0, high), _x(start + value, 0, high)
            pieces.append(
                f'<rect x="{x1:.1f}" y="{y + 16}" width="{max(x2 - x1, 0.5):.1f}" height="11" fill="{colours[category]}">'
                f"<title>{html.escape(category)}: {formatter(value)}</title></rect>"
            )
            start += value
        body += _linked(row.href, pieces)
    axis_y = top + ROW_HEIGHT * len(rows) + 4
    body += _axis(axis_y, 0, high, unit)
    return _svg(title, body, axis_y + 38, "; ".join(f"{r.label}: {formatter(sum(r.parts.values()))}" for r in rows))


def _legend(names: Sequence[str], colours: dict[str, str], top: float) -> tuple[list[str], float]:
    """Swatches and names in lines that fit the chart's width; (SVG pieces, height used)."""
    pieces, x, y = [], LEFT, top + 4
    for name in names:
        width = 16 + 6.6 * len(name) + 10
        if x + width > CHART_WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + 16
        pieces.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{colours[name]}"/>')
        pieces.append(_text(x + 14, y + 9, name, size=11))
        x += width
    return pieces, (y + 16 - top) if names else 0


def timeline_chart(
    periods: Sequence[str],
    series: dict[str, dict[str, float]],
    colours: dict[str, str],
    title: str,
    unit: str,
    formatter,
    stacked: bool = False,
    low: float | None = None,
    high: float | None = None,
) -> str:
    """Periods left to right; per series (outlet) a line through its periods (a dot where it has one
    alone), or with `stacked` bars of the series' values on top of each other (counts)."""
    names = [n for n in series if series[n]]
    body, legend_height = _legend(names, colours, 26)
    top, plot_height = 30 + legend_height, 140
    if stacked:
        totals = [sum(series[n].get(p, 0) for n in names) for p in periods]
        low, high = 0.0, nice_limit(max(totals or [0]), 4.0)  # counts: whole-number ticks
    else:
        values = [v for n in names for v in series[n].values()]
        low = min([*values, 0.0]) if low is None else low
        high = nice_limit(max([*values, 0.0]), 1.0) if high is None else high
    if high <= low:
        high = low + 1

    def y_of(value: float) -> float:
        return top + plot_height * (1 - (min(max(value, low), high) - low) / (high - low))

    left = LEFT + 40
    step = (CHART_WIDTH - left - RIGHT) / max(len(periods), 1)

    def x_of(k: int) -> float:
        return left + step * (k + 0.5)

    values, decimals = ticks(low, high)
    for tick in values:
        y = y_of(tick)
        body.append(f'<line x1="{left}" x2="{CHART_WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        body.append(_text(left - 4, y + 4, tick_label(tick, decimals, low < 0), "end", size=10, fill="#555"))
    if low < 0 < high:
        body.append(
            f'<line x1="{left}" x2="{CHART_WIDTH - RIGHT}" y1="{y_of(0):.1f}" y2="{y_of(0):.1f}" stroke="#999" stroke-dasharray="3 3"/>'
        )
    if stacked:
        for k, period in enumerate(periods):
            base = 0.0
            for name in names:
                value = series[name].get(period, 0)
                if value <= 0:
                    continue
                y1, y2 = y_of(base + value), y_of(base)
                body.append(
                    f'<rect x="{x_of(k) - step * 0.4:.1f}" y="{y1:.1f}" width="{step * 0.8:.1f}" height="{y2 - y1:.1f}" '
                    f'fill="{colours[name]}"><title>{html.escape(name)}, {html.escape(period)}: {formatter(value)}</title></rect>'
                )
                base += value
    else:
        for name in names:
            points = [(k, series[name][p]) for k, p in enumerate(periods) if p in series[name]]
            for (k1, v1), (k2, v2) in itertools.pairwise(points):
                if k2 == k1 + 1:
                    body.append(
                        f'<line x1="{x_of(k1):.1f}" y1="{y_of(v1):.1f}" x2="{x_of(k2):.1f}" y2="{y_of(v2):.1f}" '
                        f'stroke="{colours[name]}" stroke-width="2"/>'
                    )
            for k, value in points:
                body.append(
                    f'<circle cx="{x_of(k):.1f}" cy="{y_of(value):.1f}" r="3.5" fill="{colours[name]}">'
                    f"<title>{html.escape(name)}, {html.escape(periods[k])}: {formatter(value)}</title></circle>"
                )
    bottom = top + plot_height
    body.append(f'<line x1="{left}" x2="{CHART_WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#999"/>')
    every = max(1, math.ceil(len(periods) * 52 / (CHART_WIDTH - left - RIGHT)))
    last = len(periods) - 1
    for k, period in enumerate(periods):
        # Every `every`-th period is named, and the last always (the latest is where a reader looks).
        if (k % every == 0 and last - k >= every) or k == last:
            body.append(_text(x_of(k), bottom + 14, period, "middle", size=10, fill="#555"))
    body.append(_text(CHART_WIDTH / 2, bottom + 30, unit, "middle", size=11, fill="#555"))
    described = "; ".join(f"{n}: " + ", ".join(f"{p} {formatter(v)}" for p, v in series[n].items()) for n in names)
    return _svg(title, body, bottom + 38, described)


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


# The charts of each page, from the tables.

# A chart row per outlet stays legible up to about this many; past it the charts show the largest outlets.
CHART_OUTLETS = 40
# Lines over time stay apart for about this many outlets; past it the timeline shows those with most articles.
TIMELINE_OUTLETS = 8


def signed(value: float, decimals: int = 3) -> str:
    return f"{value:+.{decimals}f}" if value == value else "—"


def _fixed(decimals: int):
    return lambda value: f"{value:.{decimals}f}"


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def charted_outlets(outlets: pd.DataFrame, most: int = CHART_OUTLETS) -> pd.DataFrame:
    """The outlets the charts draw: all, or the `most` with the most words (in table order)."""
    if len(outlets) <= most:
        return outlets
    largest = outlets.sort_values(["n_words", "outlet"], ascending=[False, True], kind="stable").head(most)
    return outlets[outlets["outlet"].isin(largest["outlet"])]


def _interval(row, column: str) -> tuple[float, float]:
    low, high = getattr(row, f"ci_low_{column}", float("nan")), getattr(row, f"ci_high_{column}", float("nan"))
    return float(low), float(high)


def score_charts(scores: pd.DataFrame, categories: Sequence[str], href_of) -> list[str]:
    """Tone, subjectivity and loaded rate per row of an outlet table (intervals where it has them), and the
    loaded rate by category. `href_of(outlet, what)` links each row to the sentences behind it."""
    rows = list(scores.itertuples(index=False))

    def marks(column: str, what: str) -> list[Row]:
        return [
            Row(r.outlet, float(getattr(r, column)), *_interval(r, column), href=href_of(r.outlet, what)) for r in rows
        ]

    polarity = marks("polarity", "tone")
    reach = max([abs(v) for r in polarity for v in (r.value, r.low, r.high) if math.isfinite(v)] or [0])
    tone_limit = nice_limit(reach, 0.25)
    loaded = marks("loaded_per_1k", "loaded")
    loaded_limit = nice_limit(max([v for r in loaded for v in (r.value, r.high) if math.isfinite(v)] or [0]), 10)
    by_category = [
        Row(
            r.outlet,
            float(r.loaded_per_1k),
            parts={c: float(getattr(r, f"loaded_per_1k_{c}", 0.0)) for c in categories},
            href=href_of(r.outlet, "loaded"),
        )
        for r in rows
    ]

    def titled(title: str, marked: list[Row]) -> str:
        return title + (" (95% interval)" if any(math.isfinite(r.low) for r in marked) else "")

    subjectivity = marks("subjectivity", "tone")
    return [
        interval_chart(
            polarity,
            titled("Tone: mean polarity", polarity),
            "polarity of a sentence, −1 to +1",
            -tone_limit,
            tone_limit,
            signed,
            signed_colours=True,
        ),
        interval_chart(
            subjectivity,
            titled("Subjectivity", subjectivity),
            "subjectivity of a sentence, 0 to 1",
            0.0,
            1.0,
            _fixed(2),
        ),
        interval_chart(
            loaded,
            titled("Loaded per 1,000 own words", loaded),
            "hits per 1,000 of the outlet's own words",
            0.0,
            loaded_limit,
            _fixed(1),
        ),
        stacked_chart(by_category, categories, "Loaded terms by category", "hits per 1,000 own words", _fixed(1)),
    ]


def category_charts(outlet, categories: Sequence[str]) -> list[str]:
    """One outlet's loaded rate, one bar per category that fired in it (an outlet table row)."""
    rows = [
        Row(
            c,
            float(getattr(outlet, f"loaded_per_1k_{c}")),
            parts={c: float(getattr(outlet, f"loaded_per_1k_{c}"))},
            href=f"#cat-{anchor(c)}",
        )
        for c in categories
        if getattr(outlet, f"loaded_per_1k_{c}", 0) > 0
    ]
    return (
        [stacked_chart(rows, categories, "Loaded terms by category", "hits per 1,000 own words", _fixed(1))]
        if rows
        else []
    )


def timeline_charts(
    coverage: pd.DataFrame, most: int = TIMELINE_OUTLETS, span: pd.DataFrame | None = None
) -> tuple[list[str], str]:
    """Articles, tone and loaded rate per period (coverage.csv), one colour per outlet; (charts, caption).

    The periods run over `span` (by default the same table): an outlet's page draws the whole corpus's
    periods, so that its quiet weeks show as quiet."""
    if coverage.empty:
        return [], ""
    periods = _all_periods(coverage if span is None or span.empty else span)
    kept = timeline_outlets(coverage, most)
    n_outlets = coverage["outlet"].nunique()
    colours = colour_of(kept)
    shown = coverage[coverage["outlet"].isin(kept)]

    def series(column: str) -> dict[str, dict[str, float]]:
        return {
            o: dict(zip(g["period"], g[column].astype(float), strict=True))
            for o, g in shown.groupby("outlet", sort=True)
        }

    unit = str(coverage["unit"].iloc[0])
    reach = max(abs(shown["polarity"]).max(), 0.0)
    tone_limit = nice_limit(reach, 0.25)
    charts = [
        timeline_chart(
            periods,
            series("n_articles"),
            colours,
            f"Articles per {unit}",
            f"articles per {unit}",
            _fixed(0),
            stacked=True,
        ),
        timeline_chart(
            periods,
            series("polarity"),
            colours,
            f"Tone per {unit}",
            "mean polarity of the sentences",
            signed,
            low=-tone_limit,
            high=tone_limit,
        ),
        timeline_chart(
            periods,
            series("loaded_per_1k"),
            colours,
            f"Loaded terms per {unit}",
            "hits per 1,000 own words",
            _fixed(1),
            low=0.0,
        ),
    ]
    caption = (
        (
            f"{len(kept)} outlets with the most articles, of {n_outlets} (all are in tables/coverage.csv). "
            if n_outlets > len(kept)
            else ""
        )
        + f"Articles without a date are left out. Periods: {unit}s from {periods[0]} to {periods[-1]}; a dot alone has no neighbouring {unit} with articles."
    )
    return charts, caption


def timeline_outlets(coverage: pd.DataFrame, most: int = TIMELINE_OUTLETS) -> list[str]:
    """The `most` outlets with the most dated articles, in name order: those a timeline draws."""
    totals = coverage.groupby("outlet")["n_articles"].sum()
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return sorted(name for name, _ in ranked[:most])


def _all_periods(coverage: pd.DataFrame) -> list[str]:
    starts = pd.to_datetime(coverage["period_start"])
    return every_period(starts.min(), starts.max(), str(coverage["unit"].iloc[0]))


def frame_charts(frames: pd.DataFrame, outlets: Sequence[str], href_of) -> list[str]:
    """Per outlet: the share of its sentences cueing each frame that occurs, with 95% intervals."""
    occurring = frames[frames.groupby("frame")["n_sentences"].transform("sum") > 0]
    if occurring.empty:
        return []
    limit = nice_limit(float(occurring["share_high"].max()), 0.25)
    limit = min(limit, 1.0)
    charts = []
    for outlet in outlets:
        rows = occurring[occurring["outlet"] == outlet].sort_values("frame", kind="stable")
        marks = [
            Row(r.frame, float(r.share), float(r.share_low), float(r.share_high), href=href_of(outlet, "frames"))
            for r in rows.itertuples(index=False)
        ]
        if marks:
            charts.append(
                interval_chart(
                    marks,
                    f"Frames: {_short(outlet, 34)}",
                    "share of the outlet's sentences",
                    0.0,
                    limit,
                    _percent,
                    tick_format=percent_tick,
                )
            )
    return charts
