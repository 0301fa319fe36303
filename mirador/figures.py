"""Figure builders (plotly). Input: tidy polars frames from `mirador.queries`.

Every builder returns a `go.Figure` with a title, the unit on the value axis,
translated axis labels and tooltips (numbers formatted per language by
`mirador.formatting`), institution colours from `mirador.palette`, and
illustrative values visibly marked (hatched + lighter bars, open markers, or
a † mark) with a legend entry or footnote. Missing values are never drawn as
zero: they are absent (gaps) or explicitly labelled "no data".

Show them with `mirador.components.chart_block(...)` (or at least
`components.plotly_chart(...)`, which passes the local topojson config that
geo figures need offline).

The public builders are cached (`mirador.figure_cache`): the same arguments give the same
figure object, shared by every session. Never change a figure a builder returned; copy it
(`go.Figure(fig)`, `with_height`) and change the copy.
"""
from __future__ import annotations

import functools
import json
import math
import statistics
import weakref
from dataclasses import dataclass
from typing import Mapping, Sequence

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.subplots import make_subplots

import catalogue
from mirador import formatting as fmt
from mirador import literal, palette
from mirador.figure_cache import cached_figure
from mirador.i18n import (criterion_label, institution_label, t, unit_label, vocab_label)

FONT = dict(family="Source Sans, Arial, sans-serif", size=14)

# A small template registered once: the stock "plotly_white" is large and plotly deep-copies
# a template on every layout update, which made pages noticeably slower.
pio.templates["mirador"] = go.layout.Template(layout=dict(
    plot_bgcolor="#FFFFFF", paper_bgcolor="#FFFFFF", colorway=list(palette.INSTITUTION_COLOURS.values()),
    xaxis=dict(gridcolor="#EBEBEB", zerolinecolor="#CCCCCC", linecolor="#CCCCCC", automargin=True),
    yaxis=dict(gridcolor="#EBEBEB", zerolinecolor="#CCCCCC", linecolor="#CCCCCC", automargin=True)))
pio.templates.default = "mirador"
SEPARATORS = {"es": ",.", "pt": ",\u00a0", "en": ".,"}  # plotly: decimal then thousands

# Hatch drawn OVER the bar colour (plotly's default replaces the fill and washes colours out).
HATCH = dict(fillmode="overlay", fgcolor="#000000", fgopacity=0.35, size=8, solidity=0.25)

# Map panels: (lon range, lat range). The default pair, for the nine: the Americas and Iberia.
MAP_PANELS = {
    "americas": {"lon": (-119.0, -34.0), "lat": (-56.5, 33.5)},  # Mexico to Cape Horn, Galápagos to Uruguay
    "iberia": {"lon": (-10.0, 4.5), "lat": (35.6, 44.0)},
}
MAP_DEFAULT_PANELS = (("americas", 110), ("iberia", 50))  # (panel, plotly base-map resolution)
# The panels are stacked, the Americas above Iberia: side by side, a phone (390 px) gave each
# about 170 px. Stacked, each panel has the chart's whole width: on a phone the Americas are
# width-limited (~330 px), at 1440 px both are height-limited. Row shares of the plot height
# follow the panels' shapes (the Americas are tall, Iberia wide).
MAP_ROW_HEIGHTS = [0.62, 0.38]
# Side by side (`side_by_side=True`) on a screen known to be wide, e.g. presentation mode:
# stacked maps squeezed into a projector's 690 px would be small.
MAP_COLUMN_WIDTHS = [0.47, 0.53]
MAP_SIDE_BY_SIDE_PX = 540
MAP_ROW_SPACING = 0.07  # room for the Iberia panel's title between the two
# Colour scales start at zero (a stretched min-max scale turns a 10 % difference into the
# whole palette); units with a natural ceiling use all of it.
FULL_SCALE_UNITS = {"percent": (0.0, 100.0), "score": (0.0, 100.0)}
MAP_COLOURBAR_PX = 62  # horizontal colour bar under the maps: bar, ticks and its title
MAP_PLOT_PX = 700  # height of both default map panels; the figure adds title, legend and notes
# Other sets of countries (`map_panels`): a panel per region group of catalogue/countries.csv
# `region`, in this order, each fitted to its countries; at most MAP_MAX_PANELS (Europe and
# Africa, which share longitudes, merge first), else one world panel fitted to them all.
# Two: three stacked panels in a 16:9 slide or a 1000 px page left each one a stamp.
MAP_REGION_GROUPS = {"americas": "americas", "europe": "europe", "africa": "africa",
                     "asia": "asia_pacific", "oceania": "asia_pacific"}
MAP_REGION_ORDER = ("americas", "europe", "europe_africa", "africa", "asia_pacific")
MAP_MAX_PANELS = 2
# Mercator grows without bound towards the poles: a fitted panel stops here (Cape Horn and
# the North Cape are inside; Svalbard and the Antarctic are not).
MAP_LAT_LIMITS = (-60.0, 75.0)
MAP_PAD_SHARE, MAP_PAD_MIN_DEG = 0.03, 1.5  # margin around a fitted panel's countries
MAP_FINE_SPAN_DEG = 40.0  # a fitted panel at most this wide (degrees) uses the 1:50m base map
# A country's far islands and overseas parts (Easter Island, the Canaries, French Guiana at
# 15 % of metropolitan France, Alaska) do not stretch a fitted panel; parts within
# MAP_CORE_NEAR_DEG of its largest polygon's box (Tierra del Fuego, Sicily, Tasmania), or at
# least MAP_CORE_LARGE_SHARE of its area (Indonesia's New Guinea), do.
MAP_CORE_NEAR_DEG, MAP_CORE_LARGE_SHARE = 4.0, 0.3
# Fitted stacked panels: the plot is as tall as the panels need at this width, within limits.
MAP_PANEL_WIDTH_PX, MAP_PLOT_MIN_PX, MAP_PLOT_MAX_PX = 900, 420, 1000
# A country whose core box is under this share of its panel's area gets a dot: 20 square
# degrees on the Americas panel (Costa Rica, Panama), none on Iberia.
MAP_SMALL_COUNTRY_SHARE = 0.0026
# Dot diameter (px); smaller where a panel has many (Europe on a world panel), so they do not
# cover one another.
MAP_DOT_PX, MAP_DOT_CROWDED_PX, MAP_DOTS_CROWDED = 13, 8, 8


# --------------------------------------------------------------------------- shared layout
# Titles wrap at this many characters: a plotly title never wraps by itself, and at phone
# width (about 350 px of chart) a longer line is cut off, often just before the year.
TITLE_WRAP_CHARS = 40
TITLE_LINE_PX = 22
TITLE_BLOCK_PX = 55  # room for a one-line title; each further line adds TITLE_LINE_PX
MARK_COLOUR = "#7A4B00"  # the chart-level "all illustrative" note: dark amber, AA on white


def wrap_title(text: str, width: int = TITLE_WRAP_CHARS) -> list[str]:
    """Title lines of at most `width` characters, broken between words."""
    import textwrap
    return textwrap.wrap(text, width=width, break_long_words=False) or [text]


def _title_lines(fig: go.Figure) -> int:
    return int((fig.layout.meta or {}).get("title_lines", 1))


def _base_layout(fig: go.Figure, title: str, lang: str, height: int | None = None,
                 subtitle: str | None = None, all_illustrative: bool = False) -> go.Figure:
    """Title (wrapped), subtitle, and when every value is illustrative one note in the frame
    (instead of a hatch on every bar: a mark on everything marks nothing)."""
    lines = [f"<b>{line}</b>" for line in wrap_title(title)]
    if subtitle:
        lines += [f"<span style='font-size:12px'>{line}</span>" for line in wrap_title(subtitle, 60)]
    if all_illustrative:
        lines.append(f"<span style='font-size:12px;color:{MARK_COLOUR}'>"
                     f"{palette.ILLUSTRATIVE_MARK} {t('chart_all_illustrative', lang)}</span>")
    fig.update_layout(
        # Plotly anchors a multi-line title too high (its first line was cut off): the pad
        # brings it down by half a line per extra line (measured in Chromium).
        title=dict(text="<br>".join(lines), x=0, xanchor="left", y=1, yref="container", yanchor="top",
                   pad=dict(t=4 + 10 * (len(lines) - 1))),
        # meta.title: the title as written, before wrapping and marks (tests and exports read it).
        font=FONT, separators=SEPARATORS[lang], meta={"title_lines": len(lines), "title": title},
        margin=dict(l=10, r=10, t=TITLE_BLOCK_PX + TITLE_LINE_PX * (len(lines) - 1), b=60),
        hoverlabel=dict(font_size=13), legend=dict(orientation="h", y=-0.12, x=0),
    )
    if height:
        fig.update_layout(height=height + TITLE_LINE_PX * (len(lines) - 1))
    return fig


AXIS_WRAP_CHARS = 34
AXIS_TICKS_PX, AXIS_TITLE_LINE_PX = 30, 20  # under a plot: tick labels, then each axis-title line


def axis_title(text: str, width: int = AXIS_WRAP_CHARS) -> str:
    """An axis title wrapped like the chart title (a long unit ran past a phone-width chart)."""
    return "<br>".join(wrap_title(text, width))


def all_illustrative(statuses: Sequence[str | None]) -> bool:
    """True when there are values and every one is illustrative: the chart is marked once."""
    present = [s for s in statuses if s is not None]
    return bool(present) and all(palette.is_illustrative(s) for s in present)


def _footnote(fig: go.Figure, text: str, y: float = -0.16) -> None:
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0, y=y, showarrow=False,
                       xanchor="left", yanchor="top", font=dict(size=11, color="#555555"),
                       align="left")


LEGEND_ROW_PX, NOTE_PX = 26, 18
NOTE_WRAP_CHARS = 60  # footnotes wrap too (a long note is cut at phone width otherwise)


def _size_to_rows(fig: go.Figure, *, n_rows: int, row_px: int, top_px: int, axis_px: int,
                  legend_rows: int = 0, notes: Sequence[str] = (), min_plot_px: int = 0,
                  note_wrap: int = NOTE_WRAP_CHARS) -> None:
    """Height from the content: `n_rows` rows of `row_px`, then (in pixels, never overlapping)
    the x axis (`axis_px`), the legend and the footnotes under the plot.

    `top_px` is the room above the plot for a one-line title; further title lines (wrapped
    title, subtitle, the illustrative note) are added here.
    Paper-relative offsets (y=-0.2) land in a different place for a 1-row and a 9-row
    chart; here every offset is converted from pixels for this plot's height.
    """
    import textwrap
    top_px += TITLE_LINE_PX * (_title_lines(fig) - 1)
    plot_px = max(min_plot_px, n_rows * row_px)
    below = axis_px
    if legend_rows:
        fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", yanchor="top",
                                      y=-below / plot_px))
        below += LEGEND_ROW_PX * legend_rows
    for note in notes:
        lines = textwrap.wrap(note, note_wrap) or [note]
        _footnote(fig, "<br>".join(lines), y=-(below + 4) / plot_px)
        below += NOTE_PX * len(lines)
    fig.update_layout(height=top_px + plot_px + below + 12,
                      margin=dict(t=top_px, b=below + 12))


def _illustrative_legend(fig: go.Figure, lang: str) -> None:
    """A legend entry explaining the hatched/lighter bars."""
    fig.add_trace(go.Bar(
        x=[None], y=[None], name=t("illustrative_value", lang), showlegend=True,
        marker=dict(color="#999999", opacity=palette.ILLUSTRATIVE_OPACITY,
                    pattern=dict(shape=palette.ILLUSTRATIVE_PATTERN, **HATCH)), hoverinfo="skip"))


def _status_text(data_status: str | None, lang: str) -> str:
    return vocab_label("data_status", data_status, lang) if data_status else ""


def median(values: Sequence[float | None]) -> float | None:
    """Peer median over the values that exist (None when none exists)."""
    present = [v for v in values if not fmt.is_missing(v)]
    return statistics.median(present) if present else None


# --------------------------------------------------------------------------- many institutions
# Past a dozen institutions (the NPMs of the world, ~80) a chart of all of them is a wall of
# labels: charts rank them and, unless the reader asks for all, draw only both ends.
MANY_INSTITUTIONS = 12
CHART_ENDS = 10  # rows kept at each end of a ranking (10 highest and 10 lowest)
PANEL_ENDS = 6  # small multiples and lines: fewer, each needs a panel or a colour
SCREEN_ENDS = 6  # presentation mode: a projector's 690 px holds about 13 two-line rows
GAP_ROW = None  # in a trimmed ranking, where institutions were left out
LINE_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")  # as many as PANEL_ENDS


def ranking_ends(ranked: Sequence[str], ends: int | None,
                 keep: Sequence[str] = ()) -> tuple[list[str | None], int]:
    """(rows, n left out): the first and last `ends` of `ranked` (highest first) and any of
    `keep` at its rank, with GAP_ROW where rows were left out; all of them when `ends` is None
    or the ranking is short."""
    ranked = list(ranked)
    if ends is None or len(ranked) <= 2 * ends:
        return ranked, 0
    wanted = set(keep)
    kept_at = [i for i, c in enumerate(ranked) if i < ends or i >= len(ranked) - ends or c in wanted]
    rows: list[str | None] = []
    for previous, i in zip([-1, *kept_at], kept_at):
        if i > previous + 1:
            rows.append(GAP_ROW)
        rows.append(ranked[i])
    return rows, len(ranked) - len(kept_at)


def ends_subtitle(key: str, ends: int, total: int, lang: str, subtitle: str | None = None) -> str:
    """'10 highest and 10 lowest of 80 institutions' (`key` says which ends), after any subtitle."""
    text = t(key, lang, n=fmt.integer(ends, lang), total=fmt.integer(total, lang))
    return f"{subtitle} · {text}" if subtitle else text


def gap_label(n_left_out: int, lang: str) -> str:
    """The row standing for the institutions left out of a trimmed ranking."""
    return t("chart_gap_row", lang, n=fmt.integer(n_left_out, lang))


# --------------------------------------------------------------------------- ranking bars
@cached_figure
def ranking_bars(df: pl.DataFrame, *, title: str, unit: str, lang: str,
                 institutions: Sequence[str], value_col: str = "value",
                 n_col: str | None = None, n_label_key: str = "n_equals",
                 subtitle: str | None = None, show_median: bool = True,
                 year_col: str | None = None, ends: int | None = None,
                 keep: Sequence[str] = ()) -> go.Figure:
    """Horizontal bars, highest first, one per institution, peer median marked.

    `df`: iso3, <value_col>, data_status (and `n_col` for rates). Institutions
    in `institutions` without a value are listed at the bottom as "no data".
    `year_col`: show each value's year (when values come from different years).
    Each value is written under its institution's name (a second tick-label line), so no
    label can collide with the peer-median line or run off a narrow chart.
    Illustrative values: hatched bars when the chart mixes them with sourced ones; when
    every value is illustrative, one note under the title instead.
    `ends`: with more values than twice this, only the `ends` highest and lowest (and `keep`)
    are drawn, a row saying how many are left out between them, the subtitle saying so; the
    institutions without data are then left to the note under the chart. The peer median is
    always that of every ranked value.
    Rates from fewer than MIN_N_TO_RANK records (`n_col`) are drawn, light grey, below the
    ranked ones and not ranked, and the subtitle says how many: at 80 institutions a rate of
    1 out of 1 topped the ranking ("100 %, n = 1"). With `ends`, they are left out with the
    rest and counted in the subtitle.
    """
    rows = {r["iso3"]: r for r in df.iter_rows(named=True) if not fmt.is_missing(r[value_col])}
    unranked = too_few_to_rank(rows, n_col)
    present = sorted((c for c in rows if c not in unranked), key=lambda c: rows[c][value_col])  # ascending: plotly draws bottom-up
    missing = [c for c in institutions if c not in rows]
    below = sorted(unranked, key=lambda c: institution_label(c, lang), reverse=True)  # A-Z read top-down
    order: list[str | None] = missing[::-1] + below + present
    left_out = 0
    if ends is not None and len(present) > 2 * ends:
        highest_first, left_out = ranking_ends(present[::-1], ends, keep)
        order = highest_first[::-1]
        subtitle = ends_subtitle("chart_ends_high_low", ends, len(present), lang, subtitle)
    if unranked:
        note = t("ranking_too_few", lang, k=fmt.integer(len(unranked), lang), min=fmt.integer(MIN_N_TO_RANK, lang))
        subtitle = f"{subtitle} · {note}" if subtitle else note
    labels = [gap_label(left_out, lang) if c is GAP_ROW else institution_label(c, lang) for c in order]
    marked_once = all_illustrative([rows[c].get("data_status") for c in present])

    values, colours, patterns, opacities, hover, text = [], [], [], [], [], []
    for c in order:
        if c is GAP_ROW:  # no bar: a quiet row between the two ends
            values.append(None); colours.append("#FFFFFF"); patterns.append(""); opacities.append(1.0)
            hover.append(labels[len(text)]); text.append("")
            continue
        row = rows.get(c)
        v = row[value_col] if row else None
        values.append(v)
        colours.append(palette.UNRANKED_COLOUR if c in unranked else palette.institution_colour(c))
        hatched = bool(row) and palette.is_illustrative(row.get("data_status")) and not marked_once
        patterns.append(palette.ILLUSTRATIVE_PATTERN if hatched else "")
        opacities.append(palette.ILLUSTRATIVE_OPACITY if hatched else 1.0)
        shown = fmt.value(v, unit, lang)
        n_text = ""
        if row and n_col and not fmt.is_missing(row.get(n_col)):
            n_text = t(n_label_key, lang, n=fmt.integer(row[n_col], lang))
        year_text = f" [{row[year_col]}]" if row and year_col and row.get(year_col) is not None else ""
        not_ranked = f" · {t('ranking_not_ranked', lang, min=MIN_N_TO_RANK)}" if c in unranked else ""
        text.append(shown + (f" ({n_text})" if n_text else "") + year_text + not_ranked if row else fmt.no_data(lang))
        tip = f"<b>{institution_label(c, lang)}</b>{year_text}<br>{shown} {'' if unit == 'percent' else unit_label(unit, lang)}"
        if n_text:
            tip += f"<br>{n_text}" + not_ranked
        if row:
            tip += f"<br>{_status_text(row.get('data_status'), lang)}"
        hover.append(tip)

    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h",
        marker=dict(color=colours, opacity=opacities, pattern=dict(shape=patterns, **HATCH)),
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
        name=title))
    peer_median = median([rows[c][value_col] for c in present])
    if show_median and peer_median is not None and len(present) >= 2:
        fig.add_vline(x=peer_median, line=dict(color=palette.MEDIAN_COLOUR, dash="dash", width=1.5))
        # Anchored on the side away from the nearer edge: centred, it ran off a narrow chart.
        fig.add_annotation(x=peer_median, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                           xanchor="right" if peer_median > xmax_of(rows, value_col) * 0.5 else "left",
                           text=t("peer_median", lang, value=fmt.value(peer_median, unit, lang)),
                           font=dict(size=12))
    hatched_legend = any(p for p in patterns)
    if hatched_legend:
        _illustrative_legend(fig, lang)
    xmax = max([v for v in values if v is not None], default=1) or 1
    x_title = axis_title(unit_label(unit, lang))
    fig.update_xaxes(title=x_title, range=[0, xmax * 1.05], rangemode="tozero")
    # The value under the name, in grey ("sin datos" where there is none: never a zero bar).
    fig.update_yaxes(title=None, tickmode="array", tickvals=labels,
                     ticktext=[f"<i style='color:#555555'>{label}</i>" if c is GAP_ROW else
                               f"{label}<br><span style='color:#555555;font-size:12px'>{tx}</span>"
                               for c, label, tx in zip(order, labels, text)])
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    # Under the plot: tick labels, then the axis title, one line or wrapped (a fixed 55 px put the
    # "illustrative" legend over a two-line title on Compare's half-width charts).
    _size_to_rows(fig, n_rows=len(order), row_px=40, top_px=TITLE_BLOCK_PX + 10,
                  axis_px=AXIS_TICKS_PX + AXIS_TITLE_LINE_PX * (x_title.count("<br>") + 1),
                  legend_rows=1 if hatched_legend else 0, min_plot_px=120)
    return fig


MIN_N_TO_RANK = 10  # below this, one record moves a rate by 10+ points: shown, never ranked


def too_few_to_rank(rows: dict, n_col: str | None) -> set[str]:
    """Institutions whose rate rests on fewer than MIN_N_TO_RANK records (a known n only:
    values without an n, e.g. budgets, are ranked as they are)."""
    if not n_col:
        return set()
    return {c for c, r in rows.items() if not fmt.is_missing(r.get(n_col)) and r[n_col] < MIN_N_TO_RANK}


def xmax_of(rows: dict, value_col: str) -> float:
    return max([r[value_col] for r in rows.values()], default=1) or 1


def _yearly_points(rows_by_year: dict, all_years: Sequence[int], iso3: str, *, unit: str,
                   lang: str, value_col: str, n_col: str | None, mark_points: bool = True):
    """One institution's series reindexed on all years (a missing year is a gap, never a
    zero): y values, marker symbols (open = illustrative), tooltips, any illustrative."""
    ys, symbols, hover = [], [], []
    any_illustrative = False
    for y in all_years:
        row = rows_by_year.get(y)
        value = row[value_col] if row else None
        ys.append(value)
        illustrative = bool(row) and palette.is_illustrative(row.get("data_status"))
        any_illustrative |= illustrative
        symbols.append("circle-open" if illustrative and mark_points else "circle")
        tip = f"<b>{institution_label(iso3, lang)}</b> {y}<br>{fmt.value(value, unit, lang)}"
        if row and n_col and not fmt.is_missing(row.get(n_col)):
            tip += f"<br>{t('n_equals', lang, n=fmt.integer(row[n_col], lang))}"
        if row:
            tip += f"<br>{_status_text(row.get('data_status'), lang)}"
        hover.append(tip)
    return ys, symbols, hover, any_illustrative


# --------------------------------------------------------------------------- trends
TREND_ROW_PX = 190  # one row of small multiples
def latest_values(df: pl.DataFrame, institutions: Sequence[str], *, value_col: str = "value",
                  year_col: str = "year") -> dict[str, float]:
    """Each institution's value in its latest year with one (none: left out)."""
    latest: dict[str, tuple[int, float]] = {}
    wanted = set(institutions)
    for r in df.iter_rows(named=True):
        c, value = r["iso3"], r[value_col]
        if c in wanted and not fmt.is_missing(value) and (c not in latest or r[year_col] > latest[c][0]):
            latest[c] = (r[year_col], value)
    return {c: value for c, (_, value) in latest.items()}


@cached_figure
def trend_small_multiples(df: pl.DataFrame, *, title: str, unit: str, lang: str,
                          institutions: Sequence[str], value_col: str = "value",
                          year_col: str = "year", n_col: str | None = None,
                          baseline_year: int | None = 2017, cols: int = 3,
                          ends: int | None = None) -> go.Figure:
    """One small panel per institution, shared y axis, gaps where data are missing.

    Illustrative points are drawn as open markers (legend entry); the 2017
    baseline is marked with a dotted line when inside the range.
    `ends`: with more institutions than twice this, the panels of the `ends` highest and
    lowest by their latest value only, in that order (the subtitle says so).
    """
    institutions = list(institutions)
    subtitle = None
    if ends is not None:
        latest = latest_values(df, institutions, value_col=value_col, year_col=year_col)
        ranked = sorted(latest, key=lambda c: -latest[c])
        if len(ranked) > 2 * ends:
            institutions = ranked[:ends] + ranked[-ends:]
            subtitle = ends_subtitle("chart_ends_latest", ends, len(ranked), lang)
    rows_n = max(1, math.ceil(len(institutions) / cols))
    fig = make_subplots(rows=rows_n, cols=cols, shared_yaxes=True, shared_xaxes=True,
                        subplot_titles=[institution_label(c, lang) for c in institutions],
                        # a share of the whole height: many rows need a smaller one (~50 px)
                        vertical_spacing=0.12 if rows_n <= 4 else 50 / (rows_n * TREND_ROW_PX),
                        horizontal_spacing=0.04)
    all_years = sorted(set(df[year_col].to_list())) if df.height else []
    shown = df.filter(pl.col("iso3").is_in(institutions)) if df.height else df
    marked_once = all_illustrative(shown["data_status"].to_list()) if shown.height else False
    any_illustrative = False
    for i, c in enumerate(institutions):
        r, col = i // cols + 1, i % cols + 1
        sub = df.filter(pl.col("iso3") == c).sort(year_col)
        # Reindex on all years so a missing year is a gap (None), never a zero or a bridged line.
        by_year = {row[year_col]: row for row in sub.iter_rows(named=True)}
        ys, symbols, hover, illustrative = _yearly_points(by_year, all_years, c, unit=unit, lang=lang,
                                                          value_col=value_col, n_col=n_col,
                                                          mark_points=not marked_once)
        any_illustrative |= illustrative and not marked_once
        colour = palette.institution_colour(c)
        fig.add_trace(go.Scatter(
            x=all_years, y=ys, mode="lines+markers", connectgaps=False, name=institution_label(c, lang),
            line=dict(color=colour, width=2), marker=dict(color=colour, symbol=symbols, size=8,
                                                          line=dict(color=colour, width=2)),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", showlegend=False),
            row=r, col=col)
        if not sub.height:
            fig.add_annotation(text=fmt.no_data(lang), showarrow=False, font=dict(color="#777777"),
                               xref=f"x{i + 1 if i else ''} domain", yref=f"y{i + 1 if i else ''} domain",
                               x=0.5, y=0.5)
        if baseline_year and all_years and all_years[0] <= baseline_year <= all_years[-1]:
            fig.add_vline(x=baseline_year, line=dict(color="#999999", dash="dot", width=1), row=r, col=col)
    if any_illustrative:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t("illustrative_value", lang),
                                 marker=dict(symbol="circle-open", size=9, color="#555555")))
    fig.update_yaxes(rangemode="tozero", matches="y")  # one scale across all panels
    # Wrapped: beside one row of panels (190 px) a long unit ran up into the title block.
    fig.update_yaxes(title=axis_title(unit_label(unit, lang), 24), row=1, col=1)
    fig.update_xaxes(dtick=2 if len(all_years) > 6 else 1, tickformat="d")
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    # The baseline note only where the line is drawn, placed in pixels under the year ticks
    # (which turn vertical on a phone; a paper offset put the note across them).
    notes = ([t("baseline_note", lang, year=baseline_year)]
             if baseline_year and all_years and all_years[0] <= baseline_year <= all_years[-1] else [])
    _size_to_rows(fig, n_rows=rows_n, row_px=TREND_ROW_PX, top_px=TITLE_BLOCK_PX + 25, axis_px=50,
                  legend_rows=1 if any_illustrative else 0, notes=notes)
    return fig


# --------------------------------------------------------------------------- maps
@dataclass(frozen=True)
class MapPanel:
    """One geo subplot: its title key (`map_<key>`), its extent, the countries drawn on it
    (every country that reaches into it) and those it is home to (dots and † marks)."""
    key: str
    lon: tuple[float, float]
    lat: tuple[float, float]
    drawn: tuple[str, ...]
    home: tuple[str, ...]
    resolution: int  # plotly base map: 110 (1:110m) or 50 (1:50m)

    @property
    def area_deg2(self) -> float:
        return (self.lon[1] - self.lon[0]) * (self.lat[1] - self.lat[0])

    @property
    def aspect(self) -> float:
        """Height over width of the panel drawn in Mercator (what a stacked panel needs)."""
        return (_mercator_y(self.lat[1]) - _mercator_y(self.lat[0])) / math.radians(self.lon[1] - self.lon[0])

    @property
    def centre(self) -> dict[str, float]:
        """The middle of the panel as drawn. Plotly centres on the middle latitude in degrees,
        which in Mercator lies nearer the equator than the drawn middle: a panel reaching far
        south or north lost its end (Tierra del Fuego) where the frame is taller than the range."""
        mid_y = (_mercator_y(self.lat[0]) + _mercator_y(self.lat[1])) / 2
        return {"lon": (self.lon[0] + self.lon[1]) / 2, "lat": math.degrees(math.atan(math.sinh(mid_y)))}


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _geometry(g: dict) -> dict:
    return g.get("geometry", g) if g.get("type") == "Feature" else g


def _outer_rings(geometry: dict) -> list[list]:
    g = _geometry(geometry)
    return [g["coordinates"][0]] if g["type"] == "Polygon" else [p[0] for p in g["coordinates"]]


def _crosses_antimeridian(xs: Sequence[float]) -> bool:
    """A ring drawn across the 180° line (Chukotka, Fiji, the Aleutians) jumps from +179 to
    -179 between two vertices; its min and max longitudes would span the whole world."""
    return any(abs(a - b) > 180 for a, b in zip(xs, xs[1:]))


def _ring_bounds(ring: list) -> tuple[float, float, float, float]:
    """Bounds of a ring; one across the 180° line keeps the side holding most of its vertices
    (Russia: 27°E to 180°; Fiji: 177°E to 180°), so it never stretches a panel round the world."""
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    if _crosses_antimeridian(xs):
        east, west = [x for x in xs if x >= 0], [x for x in xs if x < 0]
        xs = east if len(east) >= len(west) else west
    return min(xs), min(ys), max(xs), max(ys)


def _ring_area(ring: list) -> float:
    xs = [p[0] for p in ring]
    if _crosses_antimeridian(xs):  # measured with the west side moved past 180°, all in one piece
        xs = [x + 360 if x < 0 else x for x in xs]
    return abs(sum(xa * b[1] - xb * a[1] for xa, xb, a, b in zip(xs, xs[1:], ring, ring[1:]))) / 2


def _union_bounds(boxes) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _box_gap(a, b) -> float:
    dx = max(0.0, a[0] - b[2], b[0] - a[2])
    dy = max(0.0, a[1] - b[3], b[1] - a[3])
    return math.hypot(dx, dy)


def country_core_bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of the country a map panel must show: its largest
    polygon and the parts near it or large. Far islands and overseas territories (Easter
    Island, the Canaries, French Guiana, Hawaii) would stretch a panel over empty ocean."""
    rings = _outer_rings(geometry)
    main = max(rings, key=_ring_area)
    main_box, main_area = _ring_bounds(main), _ring_area(main)
    main_lon = (main_box[0] + main_box[2]) / 2
    boxes = [b for ring in rings
             # a part across the antimeridian (Chukotka's tip for Russia) is near only on a globe
             if abs(((b := _ring_bounds(ring))[0] + b[2]) / 2 - main_lon) <= 180
             and (_box_gap(b, main_box) <= MAP_CORE_NEAR_DEG or _ring_area(ring) >= MAP_CORE_LARGE_SHARE * main_area)]
    return _union_bounds(boxes)


def _full_bounds(geometry: dict) -> tuple[float, float, float, float]:
    return _union_bounds(_ring_bounds(r) for r in _outer_rings(geometry))


def _centroid(geometry: dict) -> tuple[float, float]:
    """Mean of the largest ring's vertices: good enough to place a mark on a country."""
    ring = max(_outer_rings(geometry), key=len)
    return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))


@dataclass(frozen=True)
class CountryShape:
    """What the map code needs of a country's geometry: (min lon, min lat, max lon, max lat) of
    its core (`country_core_bounds`) and of all its parts, and a point to put a mark on."""
    core: tuple[float, float, float, float]
    full: tuple[float, float, float, float]
    centre: tuple[float, float]


# Per version of the boundaries (queries.boundaries(), one object per database file): walking
# every ring of 80 countries for each panel and each map took a few hundredths of a second.
_SHAPES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def country_shapes(geometries: Mapping[str, dict]) -> dict[str, CountryShape]:
    """{iso3: CountryShape}, computed once per boundaries object that can be remembered (the
    shared, read-only `queries.boundaries()`); for a plain dict, computed for this call."""
    try:
        return _SHAPES[geometries]
    except (KeyError, TypeError):  # TypeError: a plain dict cannot be weakly referenced
        pass
    shapes = {c: CountryShape(country_core_bounds(g), _full_bounds(g), _centroid(g)) for c, g in geometries.items()}
    try:
        _SHAPES[geometries] = shapes
    except TypeError:
        pass
    return shapes


def _inside(point: tuple[float, float], lon: tuple[float, float], lat: tuple[float, float]) -> bool:
    return lon[0] <= point[0] <= lon[1] and lat[0] <= point[1] <= lat[1]


def _reaches(box, lon: tuple[float, float], lat: tuple[float, float]) -> bool:
    return box[0] <= lon[1] and box[2] >= lon[0] and box[1] <= lat[1] and box[3] >= lat[0]


@functools.lru_cache(maxsize=1)
def _catalogue_regions() -> dict[str, str]:
    return {r["iso3"]: r.get("region", "") for r in catalogue.countries()}


def _map_region(iso3: str, centre: tuple[float, float]) -> str:
    """The panel group of a country: its catalogue region, or (a code the catalogue does not
    list) the continent its centre lies in, roughly."""
    region = MAP_REGION_GROUPS.get(_catalogue_regions().get(iso3, ""))
    if region:
        return region
    lon, lat = centre
    if lon < -25:
        return "americas"
    if lat >= 35 and lon < 60:
        return "europe"
    return "africa" if lon < 52 and lat < 35 else "asia_pacific"


def _panel(key: str, lon, lat, geometries: dict[str, dict], home: Sequence[str], resolution: int) -> MapPanel:
    shapes = country_shapes(geometries)
    drawn = tuple(c for c in geometries if _reaches(shapes[c].full, lon, lat))
    return MapPanel(key, tuple(lon), tuple(lat), drawn, tuple(home), resolution)


def _fitted(key: str, members: Sequence[str], geometries: dict[str, dict]) -> MapPanel:
    """A panel around `members`' cores, with a margin, at the finer base map when it is small."""
    shapes = country_shapes(geometries)
    box = _union_bounds(shapes[c].core for c in members)
    pad_lon = max(MAP_PAD_MIN_DEG, MAP_PAD_SHARE * (box[2] - box[0]))
    pad_lat = max(MAP_PAD_MIN_DEG, MAP_PAD_SHARE * (box[3] - box[1]))
    lon = (max(-180.0, box[0] - pad_lon), min(180.0, box[2] + pad_lon))
    lat = (max(MAP_LAT_LIMITS[0], box[1] - pad_lat), min(MAP_LAT_LIMITS[1], box[3] + pad_lat))
    resolution = 50 if lon[1] - lon[0] <= MAP_FINE_SPAN_DEG else 110
    return _panel(key, lon, lat, geometries, members, resolution)


def map_panels(geometries: dict[str, dict]) -> list[MapPanel]:
    """The panels a map of these countries needs, in reading order.

    The default, for the nine (and any set that fits it): the Americas and the Iberian
    Peninsula, fixed. Otherwise one panel per region that has countries (the Americas,
    Europe, Africa, Asia-Pacific), each fitted to its countries, when that makes at most
    two (Europe and Africa share one if that is what it takes); else one world panel
    fitted to all of them.
    """
    if not geometries:
        return [_panel(key, MAP_PANELS[key]["lon"], MAP_PANELS[key]["lat"], {}, (), res)
                for key, res in MAP_DEFAULT_PANELS]
    centres = {c: shape.centre for c, shape in country_shapes(geometries).items()}
    default_home = {key: [c for c in geometries if _inside(centres[c], **MAP_PANELS[key])]
                    for key, _ in MAP_DEFAULT_PANELS}
    if all(default_home.values()) and sum(map(len, default_home.values())) == len(geometries):
        return [_panel(key, MAP_PANELS[key]["lon"], MAP_PANELS[key]["lat"], geometries, default_home[key], res)
                for key, res in MAP_DEFAULT_PANELS]
    groups: dict[str, list[str]] = {}
    for c in geometries:
        groups.setdefault(_map_region(c, centres[c]), []).append(c)
    if len(groups) > MAP_MAX_PANELS and {"europe", "africa"} <= set(groups):
        groups["europe_africa"] = groups.pop("europe") + groups.pop("africa")
    if len(groups) > MAP_MAX_PANELS:
        return [_fitted("world", list(geometries), geometries)]
    return [_fitted(g, groups[g], geometries) for g in MAP_REGION_ORDER if g in groups]


def _features(geometries: dict[str, dict], only: Sequence[str] | None = None) -> dict:
    features = []
    for iso3, g in geometries.items():
        if only is not None and iso3 not in only:
            continue
        features.append({"type": "Feature", "id": iso3, "properties": {"iso3": iso3},
                         "geometry": _geometry(g)})
    return {"type": "FeatureCollection", "features": features}


def _is_small(shape: CountryShape, panel: MapPanel) -> bool:
    """A country too small to read as an area on its panel (Costa Rica, Panama on the
    Americas): gets a dot. Relative to the panel, so Portugal on the Iberia panel is not."""
    box = shape.core
    return (box[2] - box[0]) * (box[3] - box[1]) < MAP_SMALL_COUNTRY_SHARE * panel.area_deg2


def _is_default(panels: Sequence[MapPanel]) -> bool:
    return [p.key for p in panels] == [key for key, _ in MAP_DEFAULT_PANELS]


def _map_subplots(panels: Sequence[MapPanel], lang: str, side_by_side: bool) -> tuple[go.Figure, int]:
    """(figure with one geo subplot per panel, plot height in px). The default pair keeps its
    tuned shares; fitted panels share the height (stacked) or the width by their shapes."""
    titles = [t(f"map_{p.key}", lang) for p in panels]
    default = _is_default(panels)
    n = len(panels)
    if side_by_side:
        widths = MAP_COLUMN_WIDTHS if default else [(1 / p.aspect) / sum(1 / q.aspect for q in panels)
                                                    for p in panels]
        fig = make_subplots(rows=1, cols=n, column_widths=widths, specs=[[{"type": "geo"}] * n],
                            subplot_titles=titles, horizontal_spacing=0.03)
        return fig, MAP_SIDE_BY_SIDE_PX
    heights = MAP_ROW_HEIGHTS if default else [p.aspect / sum(q.aspect for q in panels) for p in panels]
    fig = make_subplots(rows=n, cols=1, row_heights=heights, specs=[[{"type": "geo"}]] * n,
                        subplot_titles=titles, vertical_spacing=MAP_ROW_SPACING if n > 1 else 0.0)
    plot_px = MAP_PLOT_PX if default else int(min(MAP_PLOT_MAX_PX, max(
        MAP_PLOT_MIN_PX, MAP_PANEL_WIDTH_PX * sum(p.aspect for p in panels))))
    return fig, plot_px


@cached_figure
def choropleth_panels(df: pl.DataFrame, geometries: dict[str, dict], *, title: str,
                      unit: str, lang: str, value_col: str = "value",
                      n_col: str | None = None, subtitle: str | None = None,
                      year_col: str | None = None, side_by_side: bool = False) -> go.Figure:
    """Map panels chosen from the countries (`map_panels`: the Americas and the Iberian
    Peninsula for the nine) sharing one colour scale, stacked (or `side_by_side` where the
    screen is known to be wide).

    Countries without a value are mid grey, explained in the legend ("no data");
    other countries are white on a pale sea, so the two never look alike.
    Countries too small to read as an area on their panel (Costa Rica, Panama) also get
    a dot in their colour. Illustrative values carry a † mark, explained in a footnote (a
    text-mode legend entry would draw a stray "Aa"). The colour bar lies under the maps.
    Show with `components.plotly_chart` (needs the local topojson config).
    """
    rows = {r["iso3"]: r for r in df.iter_rows(named=True) if not fmt.is_missing(r[value_col])}
    zmin, zmax, scale_note = map_colour_range([r[value_col] for r in rows.values()], unit, lang)
    marked_once = all_illustrative([r.get("data_status") for r in rows.values()])
    panels = map_panels(geometries)
    shapes = country_shapes(geometries)
    default = _is_default(panels)
    fig, plot_px = _map_subplots(panels, lang, side_by_side)
    hover = _map_hover(rows, geometries, unit=unit, lang=lang, value_col=value_col, n_col=n_col, year_col=year_col)
    marks = [] if marked_once else [c for c in rows if palette.is_illustrative(rows[c].get("data_status"))]
    legend_shown, any_small = False, False
    for i, panel in enumerate(panels):
        cell = dict(row=1, col=i + 1) if side_by_side else dict(row=i + 1, col=1)
        geo = "geo" if i == 0 else f"geo{i + 1}"
        missing = [c for c in panel.drawn if c not in rows]
        if missing:
            fig.add_trace(go.Choropleth(
                geojson=_features(geometries, missing), locations=missing, z=[0] * len(missing),
                featureidkey="id", colorscale=[[0, palette.MAP_NO_DATA_COLOUR], [1, palette.MAP_NO_DATA_COLOUR]],
                showscale=False, marker_line=dict(color="#FFFFFF", width=0.8), name=t("no_data", lang),
                legendgroup="no_data", hovertext=[hover[c] for c in missing],
                hovertemplate="%{hovertext}<extra></extra>", showlegend=not legend_shown), **cell)
            legend_shown = True
        locs = [c for c in panel.drawn if c in rows]
        if locs:
            fig.add_trace(go.Choropleth(
                geojson=_features(geometries, locs), locations=locs, z=[rows[c][value_col] for c in locs],
                featureidkey="id", coloraxis="coloraxis", marker_line=dict(color="#FFFFFF", width=0.8),
                hovertext=[hover[c] for c in locs], hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False, name=title), **cell)
        small = [c for c in panel.home if _is_small(shapes[c], panel)]
        any_small = any_small or bool(small)
        _add_small_country_dots(fig, small, rows, geometries, hover, value_col=value_col, geo=geo)
        # † marks last, above the dots; none when every value is illustrative (the title
        # area says so once).
        panel_marks = [c for c in marks if c in panel.home]
        if panel_marks:
            centres = [shapes[c].centre for c in panel_marks]
            fig.add_trace(go.Scattergeo(
                lon=[p[0] for p in centres], lat=[p[1] for p in centres], mode="text",
                text=[palette.ILLUSTRATIVE_MARK] * len(panel_marks),
                textfont=dict(size=15, color="#000000"), textposition="top right",
                hoverinfo="skip", showlegend=False, geo=geo))
        fig.layout[geo].update(
            projection_type="mercator", showland=True, landcolor=palette.MAP_LAND_COLOUR, showcountries=True,
            countrycolor="#C8C8C8", showcoastlines=True, coastlinecolor="#AAAAAA", showocean=True,
            oceancolor=palette.MAP_SEA_COLOUR, showlakes=False, showframe=True, framecolor="#DDDDDD",
            resolution=panel.resolution, lonaxis_range=list(panel.lon), lataxis_range=list(panel.lat),
            fitbounds=False)
        if not default:  # the default pair is drawn as it always was
            fig.layout[geo].update(center=panel.centre)
    # No drag mode (issue #12, see components.plotly_chart) set here, where it costs nothing:
    # a copy of the figure to set it there took ~0.05 s per map at 80 countries (issue #11).
    # The colour bar lies under the maps, across the chart: beside them it took a column
    # that left each map a sliver at phone width.
    fig.update_layout(dragmode=False, coloraxis=dict(
        colorscale=palette.SEQUENTIAL_SCALE, cmin=zmin, cmax=zmax,
        colorbar=dict(title=dict(text=unit_label(unit, lang), side="top"), orientation="h",
                      x=0, xanchor="left", y=-8 / plot_px, yanchor="top", len=0.6,
                      thickness=12, outlinewidth=0)))
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    notes = [scale_note]
    if marks:
        notes.append(f"{palette.ILLUSTRATIVE_MARK} {t('includes_illustrative', lang)}")
    if any_small:
        notes.append(t("map_small_country_dots", lang))
    _size_to_rows(fig, n_rows=1, row_px=plot_px, top_px=TITLE_BLOCK_PX + 10, axis_px=8 + MAP_COLOURBAR_PX,
                  legend_rows=1 if legend_shown else 0, notes=notes)
    for panel in panels:
        fig.update_annotations(selector=dict(text=t(f"map_{panel.key}", lang)), font=dict(size=15))
    return fig


# The name from when there were always two panels (kept for callers outside the pages).
choropleth_two_panels = choropleth_panels


def _map_hover(rows: dict, geometries: dict[str, dict], *, unit: str, lang: str, value_col: str,
               n_col: str | None, year_col: str | None) -> dict[str, str]:
    hover = {}
    for c, r in rows.items():
        year_text = f" ({r[year_col]})" if year_col and r.get(year_col) is not None else ""
        tip = (f"<b>{institution_label(c, lang)}</b>{year_text}<br>"
               f"{fmt.value(r[value_col], unit, lang, with_unit=unit != 'percent')}")
        if n_col and not fmt.is_missing(r.get(n_col)):
            tip += f"<br>{t('n_equals', lang, n=fmt.integer(r[n_col], lang))}"
        hover[c] = tip + f"<br>{_status_text(r.get('data_status'), lang)}"
    for c in geometries:
        if c not in rows:
            hover[c] = f"<b>{institution_label(c, lang)}</b><br>{fmt.no_data(lang)}"
    return hover


def _add_small_country_dots(fig: go.Figure, small: Sequence[str], rows: dict, geometries: dict[str, dict],
                            hover: dict[str, str], *, value_col: str, geo: str) -> None:
    """Dots on the small countries: their value in the shared colour scale, or grey (no data)."""
    for group, colour in (([c for c in small if c in rows], None),
                          ([c for c in small if c not in rows], palette.MAP_NO_DATA_COLOUR)):
        if not group:
            continue
        centres = [country_shapes(geometries)[c].centre for c in group]
        size = MAP_DOT_PX if len(small) <= MAP_DOTS_CROWDED else MAP_DOT_CROWDED_PX
        marker = dict(size=size, line=dict(color="#333333", width=1 if size == MAP_DOT_PX else 0.6), color=colour)
        if colour is None:
            marker.update(color=[rows[c][value_col] for c in group], coloraxis="coloraxis")
        fig.add_trace(go.Scattergeo(
            lon=[p[0] for p in centres], lat=[p[1] for p in centres], mode="markers", marker=marker,
            hovertext=[hover[c] for c in group], hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False, geo=geo))


def map_colour_range(values: Sequence[float], unit: str, lang: str) -> tuple[float, float, str]:
    """(cmin, cmax, note saying which scale): 0-100 for percentages and scores, else from zero
    to the highest value; a negative value (none today) stretches the scale down to it."""
    if unit in FULL_SCALE_UNITS:
        low, high = FULL_SCALE_UNITS[unit]
        return low, high, t("map_scale_full", lang, low=fmt.value(low, unit, lang, decimals=0),
                            high=fmt.value(high, unit, lang, decimals=0))
    present = [v for v in values if not fmt.is_missing(v)]
    low = min([0.0, *present])
    high = max([*present, low + 1])
    return low, high, t("map_scale_zero", lang)


# --------------------------------------------------------------------------- autonomy
MATRIX_LABEL_CHAR_PX = 7  # an upright criterion label: about this many px per character (14 px type)

@cached_figure
def autonomy_matrix(cells: pl.DataFrame, *, title: str, lang: str,
                    institutions: Sequence[str], criteria: Sequence[str] | None = None,
                    subtitle: str | None = None, ranking: dict[str, float] | None = None,
                    ends: int | None = None, keep: Sequence[str] = ()) -> go.Figure:
    """Institution x criterion grid: colour AND symbol per assessment, † if illustrative.

    A cell with no assessment row at all is left blank (white) — different from
    an explicit "no information" (grey, "?").
    `ranking` (iso3 -> score): rows from the highest down, those without one last; with
    `ends`, only the `ends` highest and lowest (and `keep`), a row saying how many are left
    out between them, the subtitle saying so.
    """
    criteria = list(criteria or [r["criterion_id"] for r in catalogue.criteria()])
    codes = catalogue.codes("assessment")
    index = {c: i for i, c in enumerate(codes)}
    lookup = {(r["iso3"], r["criterion_id"]): r for r in cells.iter_rows(named=True)}
    x_labels = [criterion_label(c, lang) for c in criteria]
    rows: list[str | None] = list(institutions)
    left_out = 0
    if ranking is not None:
        ranked = sorted((c for c in rows if not fmt.is_missing(ranking.get(c))), key=lambda c: -ranking[c])
        rows = ranked + [c for c in rows if c not in ranked]
        if ends is not None and len(rows) > 2 * ends:
            rows, left_out = ranking_ends(rows, ends, keep)
            subtitle = ends_subtitle("chart_ends_score", ends, len(ranked), lang, subtitle)
    y_codes = rows[::-1]
    z, text, hover = [], [], []
    any_illustrative = False
    shown = [r.get("data_status") for (iso, crit), r in lookup.items() if iso in y_codes and crit in criteria]
    marked_once = all_illustrative(shown)
    for iso in y_codes:
        zr, tr, hr = [], [], []
        for crit in criteria:
            r = lookup.get((iso, crit)) if iso is not GAP_ROW else None
            if iso is GAP_ROW:  # the left-out institutions: an empty row
                zr.append(None); tr.append(""); hr.append(gap_label(left_out, lang))
                continue
            if r is None:
                zr.append(None); tr.append(""); hr.append(
                    f"<b>{institution_label(iso, lang)}</b><br>{criterion_label(crit, lang)}<br>{fmt.no_data(lang)}")
                continue
            a = r["assessment"] or "no_information"
            illustrative = palette.is_illustrative(r.get("data_status")) and not marked_once
            any_illustrative |= illustrative
            zr.append(index.get(a, len(codes) - 1))
            tr.append(palette.assessment_symbol(a) + (palette.ILLUSTRATIVE_MARK if illustrative else ""))
            basis = vocab_label("basis", r["basis"], lang) if r.get("basis") else ""
            hr.append(f"<b>{institution_label(iso, lang)}</b><br>{criterion_label(crit, lang)}<br>"
                      f"{palette.assessment_symbol(a)} {vocab_label('assessment', a, lang)}"
                      + (f"<br>{basis}" if basis else "")
                      + f"<br>{_status_text(r.get('data_status'), lang)}")
        z.append(zr); text.append(tr); hover.append(hr)
    fig = go.Figure()
    y_labels = [gap_label(left_out, lang) if c is GAP_ROW else institution_label(c, lang) for c in y_codes]
    for i, code in enumerate(codes):  # one layer per assessment: its colour and a readable text colour
        colour = palette.status_colour("assessment", code)
        layer = [[1 if v == i else None for v in zr] for zr in z]
        fig.add_trace(go.Heatmap(
            z=layer, x=x_labels, y=y_labels,
            text=[[tx if v == i else "" for tx, v in zip(tr, zr)] for tr, zr in zip(text, z)],
            texttemplate="%{text}", textfont=dict(size=16, color=palette.text_colour_on(colour)),
            colorscale=[[0, colour], [1, colour]], showscale=False, xgap=2, ygap=2,
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name=code))
    for code in codes:  # legend: colour + symbol
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", showlegend=True,
            name=f"{palette.assessment_symbol(code)} {vocab_label('assessment', code, lang)}",
            marker=dict(symbol="square", size=14, color=palette.status_colour("assessment", code))))
    # Upright labels: slanted ones reached past the last column, so on a phone the grid shrank
    # to make room on the right and plotly hid every other criterion.
    fig.update_xaxes(side="top", tickangle=-90, title=None, showgrid=False)
    fig.update_yaxes(title=None, showgrid=False)
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    fig.update_layout(plot_bgcolor="#FFFFFF")
    notes = [f"{palette.ILLUSTRATIVE_MARK} {t('includes_illustrative', lang)}"] if any_illustrative else []
    # Top: title + the upright criterion labels above the grid (about 7 px a character).
    # Four legend rows reserved: on a phone the four long entries stack (they overlapped the note).
    label_px = MATRIX_LABEL_CHAR_PX * max((len(x) for x in x_labels), default=10)
    _size_to_rows(fig, n_rows=len(y_codes), row_px=44, top_px=TITLE_BLOCK_PX + label_px + 15,
                  axis_px=10, legend_rows=4, notes=notes)
    return fig


@cached_figure
def dumbbell(df: pl.DataFrame, *, title: str, unit: str, lang: str, year_a: int, year_b: int,
             value_a: str = "value_a", value_b: str = "value_b",
             status_a: str = "status_a", status_b: str = "status_b",
             ends: int | None = None) -> go.Figure:
    """Change between two years per institution: a line from year A (open) to year B (filled).

    Each end whose `data_status` (columns `status_a` / `status_b`, when present) is
    illustrative is marked † with a footnote; a text-mode legend entry would show a stray
    "Aa" glyph, hence the footnote.
    `ends`: with more institutions than twice this having both years, only the `ends`
    largest and smallest changes (B - A: a fall is the smallest), largest on top (the
    subtitle says so).
    """
    fig = go.Figure()
    rows = list(df.iter_rows(named=True))
    subtitle = None
    if ends is not None:
        both = [r for r in rows if not (fmt.is_missing(r.get(value_a)) or fmt.is_missing(r.get(value_b)))]
        if len(both) > 2 * ends:
            by_change = sorted(both, key=lambda r: r[value_b] - r[value_a], reverse=True)
            rows = (by_change[:ends] + by_change[-ends:])[::-1]  # plotly draws the first row lowest
            subtitle = ends_subtitle("chart_ends_change", ends, len(both), lang)
    marked_x, marked_y = [], []
    marked_once = all_illustrative([r.get(col) for r in rows for col, value in ((status_a, value_a), (status_b, value_b))
                                    if not fmt.is_missing(r.get(value))])
    for r in rows:
        c = r["iso3"]
        a, b = r.get(value_a), r.get(value_b)
        colour = palette.institution_colour(c)
        label = institution_label(c, lang)
        xs = [v for v in (a, b) if not fmt.is_missing(v)]
        if len(xs) == 2:
            fig.add_trace(go.Scatter(x=[a, b], y=[label, label], mode="lines",
                                     line=dict(color=colour, width=3), hoverinfo="skip", showlegend=False))
        for v, year, symbol, status_col in ((a, year_a, "circle-open", status_a), (b, year_b, "circle", status_b)):
            if fmt.is_missing(v):
                continue
            fig.add_trace(go.Scatter(
                x=[v], y=[label], mode="markers", showlegend=False,
                marker=dict(symbol=symbol, size=13, color=colour, line=dict(color=colour, width=2)),
                hovertext=[f"<b>{label}</b> {year}<br>{fmt.value(v, unit, lang)}"
                           f"<br>{_status_text(r.get(status_col), lang)}"],
                hovertemplate="%{hovertext}<extra></extra>"))
            if palette.is_illustrative(r.get(status_col)) and not marked_once:
                marked_x.append(v)
                marked_y.append(label)
        if len(xs) < 2:
            fig.add_annotation(x=xs[0] if xs else 0, y=label, text=f"  {fmt.no_data(lang)} ({year_a if fmt.is_missing(a) else year_b})",
                               showarrow=False, xanchor="left", font=dict(size=11, color="#777777"))
    if marked_x:
        fig.add_trace(go.Scatter(x=marked_x, y=marked_y, mode="text",
                                 text=[palette.ILLUSTRATIVE_MARK] * len(marked_x),
                                 textposition="top center", textfont=dict(size=14, color="#000000"),
                                 showlegend=False, hoverinfo="skip"))
    for year, symbol in ((year_a, "circle-open"), (year_b, "circle")):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=str(year),
                                 marker=dict(symbol=symbol, size=12, color="#555555")))
    fig.update_xaxes(title=axis_title(unit_label(unit, lang)), rangemode="tozero")
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    notes = [f"{palette.ILLUSTRATIVE_MARK} {t('includes_illustrative', lang)}"] if marked_x else []
    _size_to_rows(fig, n_rows=len(rows), row_px=40, top_px=55, axis_px=55, legend_rows=1,
                  notes=notes, min_plot_px=120)
    return fig


# --------------------------------------------------------------------------- stacked statuses
@cached_figure
def status_bars(df: pl.DataFrame, *, title: str, lang: str, row_col: str, row_labels: dict[str, str],
                status_col: str = "implementation_status", count_col: str = "n_recommendations",
                domain: str = "implementation_status", illustrative_col: str | None = None,
                subtitle: str | None = None, ends: int | None = None,
                rank_code: str = "implemented") -> go.Figure:
    """100 % stacked horizontal bars, one per row (institution or category), one segment
    per status, "no information" as its own grey segment; n at the end of each bar.

    Past MANY_INSTITUTIONS rows, rows go from the highest share of `rank_code` down and, with
    `ends`, only the `ends` highest and lowest are drawn, a row saying how many are left out
    between them (the subtitle says so)."""
    codes = catalogue.codes(domain)
    totals: dict[str, int] = {}
    counts: dict[tuple[str, str], int] = {}
    illustrative_rows: set[str] = set()
    for r in df.iter_rows(named=True):
        key = r[row_col]
        totals[key] = totals.get(key, 0) + (r[count_col] or 0)
        s = r[status_col] or "no_information"
        counts[(key, s)] = counts.get((key, s), 0) + (r[count_col] or 0)
        if illustrative_col and r.get(illustrative_col):
            illustrative_rows.add(key)
    row_keys: list[str | None] = [k for k in row_labels if totals.get(k)]
    left_out = 0
    if len(row_keys) > MANY_INSTITUTIONS:
        n_rows = len(row_keys)
        row_keys = sorted(row_keys, key=lambda k: counts.get((k, rank_code), 0) / totals[k], reverse=True)
        row_keys, left_out = ranking_ends(row_keys, ends)
        if left_out:
            subtitle = ends_subtitle("chart_ends_status", ends, n_rows, lang, subtitle)
    row_keys = row_keys[::-1]  # plotly draws the first row lowest
    y = [gap_label(left_out, lang) if k is GAP_ROW else row_labels[k] for k in row_keys]
    drawn = {k for k in row_keys if k is not GAP_ROW}
    marked_once = bool(drawn) and illustrative_rows >= drawn
    if marked_once:
        illustrative_rows = set()  # one note under the title instead of hatching every bar
    fig = go.Figure()
    for code in codes:
        xs, hover = [], []
        for k in row_keys:
            if k is GAP_ROW:
                xs.append(None); hover.append(y[len(xs) - 1])
                continue
            n = counts.get((k, code), 0)
            share = 100 * n / totals[k] if totals[k] else None
            xs.append(share)
            hover.append(f"<b>{row_labels[k]}</b><br>{vocab_label(domain, code, lang)}: "
                         f"{fmt.integer(n, lang)} / {fmt.integer(totals[k], lang)} ({fmt.percent(share, lang)})")
        fig.add_trace(go.Bar(
            x=xs, y=y, orientation="h", name=vocab_label(domain, code, lang),
            marker=dict(color=palette.status_colour(domain, code),
                        pattern=dict(shape=[palette.ILLUSTRATIVE_PATTERN if k in illustrative_rows else ""
                                            for k in row_keys], **HATCH)),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    # n under each row's name (beside the bar end it ran off a phone-width chart).
    fig.update_yaxes(tickmode="array", tickvals=y, ticktext=[
        f"<i style='color:#555555'>{label}</i>" if k is GAP_ROW else
        f"{label}<br><span style='color:#555555;font-size:12px'>"
        f"{t('n_equals', lang, n=fmt.integer(totals[k], lang))}</span>" for k, label in zip(row_keys, y)])
    fig.update_layout(barmode="stack", legend_traceorder="normal")  # legend in the bars' order
    fig.update_xaxes(title=axis_title(t("share_of_recommendations", lang)), range=[0, 100], ticksuffix="%")
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    if illustrative_rows:
        _illustrative_legend(fig, lang)
    # Legend under the axis title (two rows: up to six entries with long labels).
    _size_to_rows(fig, n_rows=len(row_keys), row_px=40, top_px=TITLE_BLOCK_PX, axis_px=60,
                  legend_rows=3, min_plot_px=110)
    return fig


# --------------------------------------------------------------------------- timeline
def _precision_date(value, precision: str | None, lang: str) -> str:
    return fmt.date(value, lang, precision or "day")


def period_end(value, precision: str | None):
    """The last day a date known to its `precision` can stand for: 2007 (year) -> 31 Dec 2007,
    May 2020 (month) -> 31 May 2020; a day is itself."""
    import calendar
    import datetime as dt
    if precision == "year":
        return dt.date(value.year, 12, 31)
    if precision == "month":
        return dt.date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    return value


# event, date column, precision column, label key, (years-after-ratification min, max) columns
TIMELINE_EVENTS = (
    ("ratification", "opcat_ratification_date", "opcat_ratification_precision", "event_ratification", None),
    ("designation", "npm_designation_date", "npm_designation_precision", "event_designation",
     ("years_to_designation_min", "years_to_designation_max")),
    ("operational", "npm_operational_date", "npm_operational_precision", "event_operational",
     ("years_to_operation_min", "years_to_operation_max")),
)
SPAN_PX = 12  # a date known to the month or year is drawn as a band over that period
TIMELINE_NOTE_WRAP_CHARS = 42


def _years_after(row: dict, event_date, precision: str | None, span_cols, lang: str) -> str | None:
    """'1,7–2,7' years after ratification: from the institution's own interval columns when
    given (they honour both dates' precision), else from the two dates."""
    from mirador.progress import years_span_text
    if span_cols and row.get(span_cols[0]) is not None:
        return years_span_text(row[span_cols[0]], row.get(span_cols[1]), lang)
    ratified = row.get("opcat_ratification_date")
    if ratified is None:
        return None
    low = (event_date - ratified).days / 365.25
    high = (period_end(event_date, precision) - ratified).days / 365.25
    return years_span_text(low, high, lang)


@cached_figure
def timeline(institutions: pl.DataFrame, *, title: str, lang: str, ends: int | None = None) -> go.Figure:
    """OPCAT ratification -> NPM designation -> operating NPM, one row per institution.

    A date known only to the month or the year is never drawn as its first day: it is a band
    over the whole month/year (with the event's marker, open, in its middle), and the tooltip
    gives it at its precision ("2007"), as `formatting.date` writes it everywhere.
    `ends`: with more institutions than twice this, the `ends` latest and earliest
    ratifications only (the subtitle says so).
    """
    df = institutions.sort("opcat_ratification_date", descending=True, nulls_last=True)
    subtitle = None
    if ends is not None and df.height > 2 * ends:
        subtitle = ends_subtitle("chart_ends_ratification", ends, df.height, lang)
        df = pl.concat([df.head(ends), df.tail(ends)])
    labels = [institution_label(c, lang) for c in df["iso3"].to_list()]
    fig = go.Figure()
    for row, label in zip(df.iter_rows(named=True), labels):
        starts = [row[col] for _, col, _, _, _ in TIMELINE_EVENTS if row.get(col) is not None]
        ends = [period_end(row[col], row.get(prec)) for _, col, prec, _, _ in TIMELINE_EVENTS
                if row.get(col) is not None]
        fig.add_trace(go.Scatter(x=[min(starts), max(ends)], y=[label, label], mode="lines",
                                 line=dict(color=palette.institution_colour(row["iso3"]), width=4),
                                 hoverinfo="skip", showlegend=False))
    any_span = False
    for event, col, prec_col, key, span_cols in TIMELINE_EVENTS:
        style = palette.EVENT_STYLES[event]
        xs, ys, symbols, hover = [], [], [], []
        for row, label in zip(df.iter_rows(named=True), labels):
            d, precision = row.get(col), row.get(prec_col) or "day"
            if d is None:
                continue
            tip = f"<b>{label}</b><br>{t(key, lang)}: {_precision_date(d, precision, lang)}"
            years = _years_after(row, d, precision, span_cols, lang) if event != "ratification" else None
            if years:
                tip += "<br>" + t("years_after_ratification", lang, years=years)
            if row.get("npm_designation_instrument") and event == "designation":
                tip += "<br>" + literal.plotly(row["npm_designation_instrument"])  # data: shown as typed
            end = period_end(d, precision)
            if end != d:  # the band over the month/year, then an open marker in its middle
                any_span = True
                fig.add_trace(go.Scatter(
                    x=[d, end], y=[label, label], mode="lines", legendgroup=event, showlegend=False,
                    line=dict(color=style["colour"], width=SPAN_PX), opacity=0.55,
                    hovertext=[tip, tip], hovertemplate="%{hovertext}<extra></extra>"))
                d = d + (end - d) / 2
            xs.append(d); ys.append(label); hover.append(tip)
            symbols.append(style["symbol"] + ("-open" if end != row[col] else ""))
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", name=t(key, lang), legendgroup=event,
            marker=dict(symbol=symbols, size=13, color=style["colour"],
                        line=dict(color="#333333", width=1)),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    all_dates = [d for _, col, _, _, _ in TIMELINE_EVENTS if col in df.columns
                 for d in df[col].to_list() if d is not None]
    tick_dates, tick_text = year_ticks(all_dates)
    # Our own tick labels: plotly writes English month names ("Jan 2013") on date axes.
    fig.update_xaxes(title=None, type="date", tickmode="array", tickvals=tick_dates, ticktext=tick_text)
    fig.update_yaxes(title=None)
    statuses = df["data_status"].to_list()
    marked_once = all_illustrative(statuses)
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    notes = ([t("includes_illustrative", lang)]
             if not marked_once and any(palette.is_illustrative(s) for s in statuses) else [])
    if any_span:
        notes.append(t("timeline_span_note", lang))
    # One institution is one row: a short chart, not a tall empty one.
    # Notes start at the plot's left edge, after the country names: wrapped narrower (at 390 px
    # a 60-character line ran past the screen). Three legend rows: on a phone the three events
    # stack, and one row let them run over the notes.
    _size_to_rows(fig, n_rows=len(labels), row_px=42, top_px=55, axis_px=30, legend_rows=3,
                  notes=notes, min_plot_px=80, note_wrap=TIMELINE_NOTE_WRAP_CHARS)
    return fig


def year_ticks(dates: Sequence, max_ticks: int = 10) -> tuple[list, list[str]]:
    """1 January of every year (or every 2nd, 5th... year) across `dates`, labelled with the
    year alone: numbers read the same in every language."""
    import datetime as dt
    if not dates:
        return [], []
    first, last = min(dates).year, max(dates).year + 1
    step = next(s for s in (1, 2, 5, 10, 20) if (last - first) / s <= max_ticks)
    years = range(first - first % step, last + 1, step)
    return [dt.date(y, 1, 1).isoformat() for y in years], [str(y) for y in years]


def keep_below_plot_px(fig: go.Figure, ratio: float) -> None:
    """Legend, colour bar and footnotes under the plot sit at paper offsets computed for the
    plot height the figure was laid out with; multiplied by old/new plot height they keep
    their distance in pixels when the figure is drawn at another height."""
    for annotation in fig.layout.annotations:
        # Plotly places an annotation without `yref` on the y axis (a category name may be
        # its position), not on the paper: only paper offsets below the plot are scaled.
        if annotation.yref == "paper" and isinstance(annotation.y, (int, float)) and annotation.y < 0:
            annotation.y = annotation.y * ratio
    if fig.layout.legend.y is not None and fig.layout.legend.y < 0:
        fig.layout.legend.y = fig.layout.legend.y * ratio
    colorbar = fig.layout.coloraxis.colorbar
    if colorbar.y is not None and colorbar.y < 0:
        colorbar.y = colorbar.y * ratio


def with_height(fig: go.Figure, height: int) -> go.Figure:
    """A copy of `fig` drawn `height` px tall, what sits under the plot kept where it was."""
    margin = fig.layout.margin
    fixed = (margin.t or 0) + (margin.b or 0)
    ratio = max((fig.layout.height or height) - fixed, 1) / max(height - fixed, 1)
    fitted = go.Figure(fig)
    fitted.update_layout(height=height)
    keep_below_plot_px(fitted, ratio)
    return fitted


def has_geo(fig: go.Figure) -> bool:
    """True when the figure draws on a geo subplot (needs the local topojson config)."""
    return any(tr.type in ("choropleth", "scattergeo") for tr in fig.data)


def to_json(fig: go.Figure) -> dict:
    """The figure spec as a dict (tests)."""
    return json.loads(fig.to_json())




# --------------------------------------------------------------------------- profile, compare, progress
@cached_figure
def relative_to_peer_median(df: pl.DataFrame, *, title: str, lang: str,
                            subtitle: str | None = None, one_line_labels: bool = False) -> go.Figure:
    """One institution's indicators as % of the peer median (100 = median), one bar per indicator.

    `df`: mirador.peers.indicator_vs_peers(...). Rows without a ratio are left
    out, except indicators without any value, which get a "no data" label
    (never a zero bar). Illustrative (own value or any peer value) = hatched.
    `one_line_labels`: each indicator's name, year and share on one line (a wide screen, e.g.
    presentation mode: 17 rows of three-line labels squeezed into a projector's 690 px overlap).
    """
    from mirador.i18n import indicator_label, indicator_unit
    rows = [r for r in df.iter_rows(named=True)
            if not fmt.is_missing(r["ratio_to_median_pct"]) or fmt.is_missing(r["value"])]
    rows = rows[::-1]  # plotly draws bottom-up: keep catalogue order top-down
    labels = [f"{indicator_label(r['indicator_id'], lang)} [{r['year']}]" if r["year"] is not None
              else indicator_label(r["indicator_id"], lang) for r in rows]
    xs, patterns, opacities, hover = [], [], [], []
    marked_once = all_illustrative([s for r in rows if not fmt.is_missing(r["value"])
                                    for s in (r["data_status"], r["peer_data_status"])])
    for r in rows:
        ratio = r["ratio_to_median_pct"]
        xs.append(ratio)
        flagged = not marked_once and (palette.is_illustrative(r["data_status"])
                                       or palette.is_illustrative(r["peer_data_status"]))
        patterns.append(palette.ILLUSTRATIVE_PATTERN if flagged else "")
        opacities.append(palette.ILLUSTRATIVE_OPACITY if flagged else 1.0)
        unit = indicator_unit(r["indicator_id"])
        if fmt.is_missing(r["value"]):
            hover.append(f"<b>{indicator_label(r['indicator_id'], lang)}</b><br>{fmt.no_data(lang)}")
            continue
        hover.append(
            f"<b>{indicator_label(r['indicator_id'], lang)}</b> {r['year']}<br>"
            f"{institution_label(r['iso3'], lang)}: {fmt.value(r['value'], unit, lang, with_unit=unit != 'percent')}<br>"
            + t("peer_median", lang, value=fmt.value(r["peer_median"], unit, lang))
            + f" ({t('n_equals', lang, n=fmt.integer(r['n_peers'], lang))})<br>"
            + f"{fmt.percent(ratio, lang, 0)}<br>{_status_text(r['data_status'], lang)}")
    colour = palette.institution_colour(rows[0]["iso3"]) if rows else "#777777"
    fig = go.Figure(go.Bar(
        x=xs, y=labels, orientation="h",
        marker=dict(color=colour, opacity=opacities, pattern=dict(shape=patterns, **HATCH)),
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", showlegend=False))
    fig.add_vline(x=100, line=dict(color=palette.MEDIAN_COLOUR, dash="dash", width=1.5))
    hatched_legend = any(patterns)
    if hatched_legend:
        _illustrative_legend(fig, lang)
    xmax = max([x for x in xs if not fmt.is_missing(x)], default=100)
    # Narrow: the wrapped indicator names leave the bars little room on a phone.
    fig.update_xaxes(title=axis_title(t("profile_ratio_axis", lang), 20), range=[0, max(xmax, 100) * 1.05],
                     ticksuffix="%")
    # The share under each indicator's name (wrapped), never beside a bar where the 100 %
    # line runs; "sin datos" where the institution has no value (never a zero bar).
    tick_text, n_lines = [], 0
    for r, label, x in zip(rows, labels, xs):
        name = [label] if one_line_labels else wrap_title(label, 26)
        shown = fmt.percent(x, lang, 0) if not fmt.is_missing(x) else fmt.no_data(lang)
        share = f"<span style='color:#555555;font-size:12px'>{shown}</span>"
        tick_text.append(f"{label} · {share}" if one_line_labels else "<br>".join(name) + f"<br>{share}")
        n_lines = max(n_lines, 1 if one_line_labels else len(name) + 1)
    fig.update_yaxes(title=None, tickmode="array", tickvals=labels, ticktext=tick_text)
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    _size_to_rows(fig, n_rows=len(rows), row_px=16 * n_lines + 10, top_px=TITLE_BLOCK_PX, axis_px=70,
                  legend_rows=1 if hatched_legend else 0, min_plot_px=120)
    return fig


@cached_figure
def compare_lines(df: pl.DataFrame, *, title: str, unit: str, lang: str,
                  institutions: Sequence[str], value_col: str = "value", year_col: str = "year",
                  n_col: str | None = None, baseline_year: int | None = None) -> go.Figure:
    """Institutions on one axis over the years: a line each, gaps where data are missing,
    illustrative points as open markers (legend entry)."""
    all_years = sorted(set(df[year_col].to_list())) if df.height else []
    fig = go.Figure()
    shown = df.filter(pl.col("iso3").is_in(list(institutions))) if df.height else df
    marked_once = all_illustrative(shown["data_status"].to_list()) if shown.height else False
    any_illustrative = False
    for c in institutions:
        by_year = {r[year_col]: r for r in df.filter(pl.col("iso3") == c).iter_rows(named=True)
                   if not fmt.is_missing(r[value_col])}
        ys, symbols, hover, illustrative = _yearly_points(by_year, all_years, c, unit=unit, lang=lang,
                                                          value_col=value_col, n_col=n_col,
                                                          mark_points=not marked_once)
        any_illustrative |= illustrative and not marked_once
        colour = palette.institution_colour(c)
        fig.add_trace(go.Scatter(
            x=all_years, y=ys, mode="lines+markers", connectgaps=False,
            name=institution_label(c, lang) + ("" if by_year else f" ({fmt.no_data(lang)})"),
            line=dict(color=colour, width=2.5),
            marker=dict(color=colour, symbol=symbols, size=9, line=dict(color=colour, width=2)),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    if any_illustrative:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t("illustrative_value", lang),
                                 marker=dict(symbol="circle-open", size=9, color="#555555")))
    if baseline_year and all_years and all_years[0] <= baseline_year <= all_years[-1]:
        fig.add_vline(x=baseline_year, line=dict(color="#999999", dash="dot", width=1))
    fig.update_yaxes(title=unit_label(unit, lang), rangemode="tozero")
    fig.update_xaxes(title=None, tickformat="d", dtick=2 if len(all_years) > 6 else 1)
    _base_layout(fig, title, lang, all_illustrative=marked_once)
    # Legend in pixels under the year ticks (a paper offset ran into the tick labels); two
    # rows, as four names and the illustrative entry wrap on a half-width or phone chart.
    entries = len(institutions) + (1 if any_illustrative else 0)
    _size_to_rows(fig, n_rows=1, row_px=260, top_px=TITLE_BLOCK_PX, axis_px=30,
                  legend_rows=1 if entries <= 2 else 2)
    return fig


# A curve has a point per institution and month (~600 tooltips): the same few hundred
# numbers, each formatted once (babel's formatter was a third of the page's script run).
@functools.lru_cache(maxsize=8192)
def _integer_text(n: int | None, lang: str) -> str:
    return fmt.integer(n, lang)


@functools.lru_cache(maxsize=8192)
def _percent_text(share: float | None, lang: str) -> str:
    return fmt.percent(share, lang)


@cached_figure
def implementation_curves(df: pl.DataFrame, *, title: str, lang: str, institutions: Sequence[str],
                          subtitle: str | None = None, max_month: int = 72,
                          ends: int | None = None) -> go.Figure:
    """Kaplan-Meier style: share implemented (%) by months since issue, a step line per
    institution (mart_time_to_implementation); dotted reference lines at 12, 24 and 36 months.
    `ends`: with more institutions than twice this, the lines of the `ends` highest and lowest
    at 24 months only (the subtitle says so)."""
    fig = go.Figure()
    institutions = list(institutions)
    if ends is not None and df.height and len(institutions) > 2 * ends:
        at_24 = {r["iso3"]: r["share_implemented"]  # rows in month order: the last one <= 24 wins
                 for r in df.filter(pl.col("iso3").is_in(institutions) & (pl.col("month") <= 24))
                 .sort("month").iter_rows(named=True) if not fmt.is_missing(r["share_implemented"])}
        ranked = sorted(at_24, key=lambda c: -at_24[c])
        if len(ranked) > 2 * ends:
            institutions = ranked[:ends] + ranked[-ends:]
            subtitle = ends_subtitle("chart_ends_24_months", ends, len(ranked), lang, subtitle)
    shown = df.filter(pl.col("iso3").is_in(list(institutions))) if df.height else df
    marked_once = all_illustrative(shown["data_status"].to_list()) if shown.height else False
    for position, c in enumerate(institutions):
        rows = [r for r in shown.iter_rows(named=True) if r["iso3"] == c and r["month"] <= max_month]
        colour = palette.institution_colour(c)
        # Institutions without a colour of their own (past the nine) share the grey: a dash
        # each, in turn, tells their lines and legend entries apart.
        dash = LINE_DASHES[position % len(LINE_DASHES)] if colour == palette.OTHER_INSTITUTION_COLOUR else "solid"
        hover = [f"<b>{institution_label(c, lang)}</b><br>{t('km_month', lang, n=_integer_text(r['month'], lang))}"
                 f"<br>{_percent_text(r['share_implemented'], lang)}"
                 f"<br>{t('km_at_risk', lang, n=_integer_text(r['n_at_risk'], lang))}" for r in rows]
        fig.add_trace(go.Scatter(
            x=[r["month"] for r in rows], y=[r["share_implemented"] for r in rows], mode="lines",
            line=dict(color=colour, width=2.5, shape="hv", dash=dash),
            name=institution_label(c, lang) + ("" if rows else f" ({fmt.no_data(lang)})"),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    for month in (12, 24, 36):
        fig.add_vline(x=month, line=dict(color="#999999", dash="dot", width=1))
    fig.update_yaxes(title=axis_title(t("km_axis_share", lang)), range=[0, 100], ticksuffix="%")
    fig.update_xaxes(title=t("km_axis_months", lang), dtick=12, range=[0, max_month])
    _base_layout(fig, title, lang, subtitle=subtitle, all_illustrative=marked_once)
    # Up to nine names fit two legend rows; more take a row per four.
    legend_rows = 1 if len(institutions) <= 2 else 2 if len(institutions) <= 9 else math.ceil(len(institutions) / 4)
    # +25: the long title and subtitle (six lines or more) reached the top tick label ("100%").
    _size_to_rows(fig, n_rows=1, row_px=300, top_px=TITLE_BLOCK_PX + 25, axis_px=50, legend_rows=legend_rows)
    return fig
