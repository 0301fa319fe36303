"""Slide-ready chart images (PNG and SVG), rendered on the server with kaleido, offline.

A chart on a page carries its context around it (caption, source line, banner); an image
taken out of the page must carry it inside. `slide_figure` copies a page figure onto a
16:9 canvas with a title block (title; period and unit; the illustrative note when any
value is illustrative) and a footer (source, n for a rate, data date, credit line), all in
the page's language. `image_bytes` renders it; one headless Chromium (Debian's, through
kaleido) is started on first use and reused, since starting it costs about two seconds.

Offline: kaleido's page loads plotly.js from the installed plotly package; MathJax (a CDN
by default) is switched off; geo figures get the local `static/topojson/` folder.
"""
from __future__ import annotations

import copy
import os
import re
import shutil
import threading
import unicodedata
from dataclasses import dataclass
from typing import Sequence

import plotly.graph_objects as go
import polars as pl

from mirador import formatting as fmt
from mirador import figures, i18n, palette, paths
from mirador.i18n import t

# A 16:9 slide in CSS pixels; PNGs are drawn at twice that (2560 x 1440). At this size the
# page figure's own 14 px type, legend and footnote spacing read well projected, so the plot
# is not re-laid out, only given the slide's canvas.
SLIDE_WIDTH_PX, SLIDE_HEIGHT_PX = 1280, 720
PNG_SCALE = 2
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}

# Type sizes of the title block and footer (CSS px).
TITLE_FONT_PX = 25
SUBTITLE_FONT_PX = 16
FOOTER_FONT_PX = 12
SIDE_MARGIN_PX = 32
TITLE_TOP_PX = 22          # from the top edge to the first title line
LINE_GAP = 1.35            # line height as a multiple of the font size
PLOT_MIN_PX = 300          # below this the canvas grows (staying 16:9) instead of squeezing the plot
TITLE_WRAP_CHARS = 85
FOOTER_WRAP_CHARS = 200
MAX_SOURCES = 3
SOURCE_SHOWN_CHARS = 70    # a long URL is shortened on the image (the data download keeps it whole)
FOOTER_COLOUR = "#444444"
NOTE_COLOUR = "#7A4B00"    # the illustrative note: the dark amber used on the pages
BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
PLOTLY_DEFAULT_MARGIN = {"t": 100, "b": 80, "l": 80, "r": 80}
PLOTLY_DEFAULT_HEIGHT = 450


@dataclass(frozen=True)
class ChartText:
    """Everything an exported chart says besides the plot, already in the reader's language."""
    title: str
    subtitle: str | None
    illustrative_note: str | None
    footer: tuple[str, ...]      # source, n, data date, credit: one entry per line group


# --------------------------------------------------------------------------- the words
def period_text(data: pl.DataFrame, lang: str) -> str | None:
    """'2017–2023' (or '2023') from the data's year column, None when it has none."""
    for column in ("year", "year_issued"):
        if column in data.columns and data[column].drop_nulls().len():
            low, high = data[column].drop_nulls().min(), data[column].drop_nulls().max()
            return fmt.year(low, lang) if low == high else f"{fmt.year(low, lang)}–{fmt.year(high, lang)}"
    return None


def _short_source(text: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", text).rstrip("/")
    return shown if len(shown) <= SOURCE_SHOWN_CHARS else shown[:SOURCE_SHOWN_CHARS - 1] + "…"


def plain_source_line(data: pl.DataFrame, lang: str) -> str | None:
    """'Fuente: a; b; c y 3 más' in the reader's words (as on the page), without markdown."""
    from mirador import components  # the page's rules for what a reader may see as a source
    if "source" not in data.columns:
        return None
    statuses = data["data_status"].to_list() if "data_status" in data.columns else [None] * data.height
    shown: list[str] = []
    for raw, status in dict.fromkeys(zip(data["source"].to_list(), statuses)):
        for citation in components.reader_sources(raw, status, lang):
            if citation not in shown:
                shown.append(citation)
    if not shown:
        return None if any(palette.is_illustrative(s) for s in statuses) else t("no_source", lang)
    line = t("source_label", lang) + " " + "; ".join(_short_source(s) for s in shown[:MAX_SOURCES])
    more = len(shown) - MAX_SOURCES
    return line + (" " + t("and_more", lang, n=fmt.integer(more, lang)) if more > 0 else "")


def rate_n(data: pl.DataFrame, unit: str | None, n_total: int | None) -> int | None:
    """The n behind a rate: the one the page states, else the sum of the rows' n."""
    if n_total is not None:
        return n_total
    if unit != "percent" or "n" not in data.columns:
        return None
    rows = data.filter(pl.col("value").is_not_null()) if "value" in data.columns else data
    total = rows["n"].drop_nulls().sum() if rows.height else None
    return int(total) if total else None


def data_date_text(lang: str) -> str:
    from mirador import queries
    loaded = queries.data_as_of()
    return t("data_as_of", lang, when=fmt.date(loaded.date(), lang) if loaded else fmt.no_data(lang))


def chart_text(title: str, data: pl.DataFrame, lang: str, *, unit: str | None = None,
               n_total: int | None = None, period: str | None = None,
               notes: Sequence[str] = ()) -> ChartText:
    """The title block and footer of one exported chart (see module docstring)."""
    subtitle_bits = [period or period_text(data, lang)]
    if unit:
        subtitle_bits.append(i18n.unit_label(unit, lang))
    statuses = data["data_status"].to_list() if "data_status" in data.columns else []
    present = [s for s in statuses if s]
    note = None
    if present and all(palette.is_illustrative(s) for s in present):
        note = f"{palette.ILLUSTRATIVE_MARK} {t('chart_all_illustrative', lang)}"
    elif any(palette.is_illustrative(s) for s in present):
        note = f"{palette.ILLUSTRATIVE_MARK} {t('export_some_illustrative', lang)}"
    n = rate_n(data, unit, n_total)
    footer = [plain_source_line(data, lang), *notes,
              t("n_equals", lang, n=fmt.integer(n, lang)) if n is not None else None,
              data_date_text(lang) + " · " + t("export_credit", lang)]
    return ChartText(title=title, subtitle=" · ".join(b for b in subtitle_bits if b) or None,
                     illustrative_note=note, footer=tuple(f for f in footer if f))


# --------------------------------------------------------------------------- the canvas
def _wrap(text: str, width: int) -> list[str]:
    import textwrap
    return textwrap.wrap(text, width=width, break_long_words=False) or [text]


def _line_px(font_px: int) -> float:
    return font_px * LINE_GAP


def _block_lines(text: ChartText) -> tuple[list[tuple[str, int, str, bool]], list[str]]:
    """Title-block lines as (text, font px, colour, bold) and the footer's wrapped lines."""
    top = [(line, TITLE_FONT_PX, "#111111", True) for line in _wrap(text.title, TITLE_WRAP_CHARS)]
    if text.subtitle:
        top.append((text.subtitle, SUBTITLE_FONT_PX, "#333333", False))
    if text.illustrative_note:
        top.append((text.illustrative_note, SUBTITLE_FONT_PX, NOTE_COLOUR, False))
    footer = [line for entry in text.footer for line in _wrap(entry, FOOTER_WRAP_CHARS)]
    return top, footer


def _original_box(fig: go.Figure) -> tuple[float, float, float]:
    """(height, top margin, bottom margin) the page figure was laid out with."""
    margin = fig.layout.margin
    height = fig.layout.height or PLOTLY_DEFAULT_HEIGHT
    top = margin.t if margin.t is not None else PLOTLY_DEFAULT_MARGIN["t"]
    bottom = margin.b if margin.b is not None else PLOTLY_DEFAULT_MARGIN["b"]
    return float(height), float(top), float(bottom)


def _room_above_plot(fig: go.Figure, old_top: float) -> float:
    """Pixels the page figure keeps above its plot for things other than its title (the
    autonomy matrix's criterion labels): its top margin less its title block."""
    lines = (fig.layout.meta or {}).get("title_lines") if isinstance(fig.layout.meta, dict) else None
    if not lines:
        return 0.0
    title_px = figures.TITLE_BLOCK_PX + figures.TITLE_LINE_PX * (int(lines) - 1)
    return max(0.0, old_top - title_px)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slide_figure(fig: go.Figure, text: ChartText) -> go.Figure:
    """A copy of `fig` on a 16:9 canvas with the title block above and the footer below.

    The page figure places its legend and footnotes under the plot in paper units computed
    for its own plot height; they are converted to pixels and back for the new plot height,
    so they keep their distance from the axis instead of drifting.
    """
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    old_height, old_top, old_bottom = _original_box(fig)
    old_plot = max(old_height - old_top - old_bottom, 1.0)
    top_lines, footer_lines = _block_lines(text)
    title_px = TITLE_TOP_PX + sum(_line_px(size) for _, size, _, _ in top_lines) + 16
    top_px = title_px + _room_above_plot(fig, old_top)
    footer_px = 12 + _line_px(FOOTER_FONT_PX) * len(footer_lines) + 14
    bottom_px = old_bottom + footer_px
    height = max(SLIDE_HEIGHT_PX, top_px + bottom_px + PLOT_MIN_PX)
    width = round(height * SLIDE_WIDTH_PX / SLIDE_HEIGHT_PX)
    new_plot = height - top_px - bottom_px
    ratio = old_plot / new_plot

    figures.keep_below_plot_px(out, ratio)

    # The title block, from the top edge down (container units: unaffected by margins).
    y_px = TITLE_TOP_PX
    title_annotations = []
    for line, size, colour, bold in top_lines:
        shown = f"<b>{_escape(line)}</b>" if bold else _escape(line)
        title_annotations.append(dict(
            text=shown, xref="paper", yref="paper", x=0, xanchor="left", yanchor="top",
            y=1, yshift=top_px - y_px, showarrow=False, align="left",
            font=dict(size=size, color=colour)))
        y_px += _line_px(size)
    footer_top = old_bottom + 12
    footer_annotations = [dict(
        text=_escape(line), xref="paper", yref="paper", x=0, xanchor="left", yanchor="top", y=0,
        yshift=-(footer_top + i * _line_px(FOOTER_FONT_PX)), showarrow=False, align="left",
        font=dict(size=FOOTER_FONT_PX, color=FOOTER_COLOUR)) for i, line in enumerate(footer_lines)]
    for extra in title_annotations + footer_annotations:
        out.add_annotation(**extra)
    # Long country names need the room Streamlit's theme gives them on the page.
    out.update_xaxes(automargin=True)
    out.update_yaxes(automargin=True)
    margin = out.layout.margin
    out.update_layout(
        title=dict(text=""), width=width, height=height, autosize=False,
        margin=dict(t=top_px, b=bottom_px, l=max(margin.l or 0, SIDE_MARGIN_PX),
                    r=max(margin.r or 0, SIDE_MARGIN_PX)),
        meta={**(out.layout.meta or {}), "export_title": text.title})
    return out


# --------------------------------------------------------------------------- rendering
_render_lock = threading.Lock()


def _browser_path() -> str | None:
    found = os.environ.get("BROWSER_PATH") or next(
        (p for p in BROWSER_CANDIDATES if os.path.exists(p)), None) or shutil.which("chromium")
    return found


def _ensure_server() -> None:
    """One kaleido Chromium per process, started on first use (MathJax off: it is a CDN)."""
    import kaleido
    browser = _browser_path()
    if browser:
        os.environ.setdefault("BROWSER_PATH", browser)
    kaleido.start_sync_server(mathjax=False, n=1, timeout=60, silence_warnings=True)


def stop_server() -> None:
    """Close the shared Chromium (tests, command-line runs that want a clean exit)."""
    import kaleido
    kaleido.stop_sync_server(silence_warnings=True)


def topojson_url() -> str:
    """The local base-map folder as a file URL (never the CDN plotly uses by default)."""
    return paths.TOPOJSON_DIR.as_uri() + "/"


def render(fig: go.Figure, image_format: str) -> bytes:
    """PNG (at PNG_SCALE) or SVG bytes of a laid-out figure (its own width and height)."""
    import kaleido
    if image_format not in FORMATS:
        raise ValueError(f"unknown image format {image_format!r}")
    opts = {"format": image_format, "width": fig.layout.width or SLIDE_WIDTH_PX,
            "height": fig.layout.height or SLIDE_HEIGHT_PX,
            "scale": PNG_SCALE if image_format == "png" else 1}
    # The shared kaleido server answers one call at a time through a pair of queues: two
    # sessions clicking at once would read each other's image without this lock.
    with _render_lock:
        _ensure_server()
        return kaleido.calc_fig_sync(fig, opts=opts, topojson=topojson_url())


def image_bytes(fig: go.Figure, text: ChartText, image_format: str) -> bytes:
    """The slide image of a page figure: title block, plot, footer."""
    return render(slide_figure(fig, text), image_format)


def file_name(title: str, key: str, lang: str, image_format: str) -> str:
    """'mirador_personal-por-1000-personas-privadas-de-libertad-2023_resources_rank_es.png':
    readable from the title, unique per chart through the chart's key."""
    def slug(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return f"mirador_{slug(title)[:80].rstrip('-')}_{slug(key)}_{lang}.{image_format}"


def report_svg(fig: go.Figure, width_px: int, height_px: int | None = None) -> str:
    """A page figure as SVG text, without its title (the report's heading carries it, and the
    page around it the source, date and illustrative note), at `width_px` x `height_px`."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    old_height, old_top, old_bottom = _original_box(fig)
    top = _room_above_plot(fig, old_top) + 12
    height = height_px or (old_height - old_top + top)
    figures.keep_below_plot_px(out, max(old_height - old_top - old_bottom, 1.0) / max(height - top - old_bottom, 1.0))
    margin = out.layout.margin
    out.update_layout(title=dict(text=""), width=width_px, height=height, autosize=False,
                      margin=dict(t=top, b=old_bottom, l=margin.l, r=max(margin.r or 0, 12)))
    out.update_xaxes(automargin=True)
    out.update_yaxes(automargin=True)
    return render(out, "svg").decode("utf-8")
