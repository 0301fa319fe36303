"""Streamlit building blocks shared by every page.

- `chart_block(...)`: the one way to show a chart: the figure (its title and
  unit are in the figure), a caption with unit, n and source line (from the
  data's `source` / `data_status`), a "show data" expander with the table, and
  a CSV download of that data (`on_click="ignore"`: no rerun).
- `plotly_chart(...)`: `st.plotly_chart` with the local topojson config that
  geo figures need offline (never call `st.plotly_chart` directly).
- `dataframe(table, lang)`: the one way to show a table (never call `st.dataframe`
  directly): missing values blank (never "None"/"nan"), dates as dates in the
  language's format, timestamps only where a column is a timestamp. The one exception:
  `small_table(table)`, a handful of rows of text already formatted, drawn whole (lighter);
  `text_table(...)` picks between the two by length (Progress's scorecard).
- `illustrative_banner(lang)`, `missing_data_note(...)`, `data_as_of_text(lang)`,
  `ensure_database()` (builds the DB with a spinner on first start).
- `share_links(lang)`: the sidebar "share this view" / "presentation link" element.
"""
from __future__ import annotations

import functools
import gc
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from mirador import db, exports, i18n, literal, palette, queries
from mirador import formatting as fmt
from mirador.i18n import t


def _freeze_imported_objects() -> None:
    """Leave what is imported by now (Streamlit, plotly, polars, DuckDB: ~100k objects that
    live as long as the server) out of every later garbage collection.

    Streamlit runs a full collection after each script run while holding the GIL, so the
    run's last messages waited for it: ~0.1 s of every page switch, a third to a half of
    the switch on a light page (issue #11; benchmarks/page_benchmark.py). Once frozen, a
    collection walks only what the runs create (~0.03 s). These objects are never garbage.
    That forced collection is now off (.streamlit/config.toml `runner.postScriptGC`); the
    freeze still keeps them out of Python's own full collections, which run as often as needed.
    """
    gc.collect()
    gc.freeze()


_freeze_imported_objects()

# Plotly's geo subplot always fetches {topojsonURL}world_110m.json; serve ours (static/).
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"topojsonURL": TOPOJSON_URL, "displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

# Code columns shown with their catalogue label in tables: column -> vocabulary domain.
VOCAB_COLUMNS = {
    "assessment": "assessment", "implementation_status": "implementation_status",
    "place_type": "place_type", "theme": "theme", "authority": "authority", "basis": "basis",
    "data_status": "data_status", "npm_type": "npm_type", "response": "response",
    "status_a": "data_status", "status_b": "data_status",  # the two ends of a change
}
MAX_SOURCES_SHOWN = 3
MANY_MISSING_LISTED = 12  # more institutions without data than this: counted, listed on request

# How a missing cell reads in every table: blank (the column says what is missing).
MISSING_CELL = ""
# momentJS formats for st.column_config Date/Datetime columns. Month names would come
# out in the browser's language, not the page's: es/pt use numbers only.
DATE_FORMATS = {"es": "DD/MM/YYYY", "pt": "DD/MM/YYYY", "en": "D MMM YYYY"}
DATETIME_FORMATS = {"es": "DD/MM/YYYY HH:mm", "pt": "DD/MM/YYYY HH:mm", "en": "D MMM YYYY, HH:mm"}


# --------------------------------------------------------------------------- database
def ensure_database() -> None:
    """Build the DB from the bundled data on first start (spinner), or stop with a message."""
    from mirador import paths
    if paths.db_path().exists():
        return
    lang = _lang()
    with st.spinner(t("building_database", lang)):
        try:
            db.ensure_database()
        except Exception as exc:  # noqa: BLE001 - show the reason instead of a traceback
            st.error(t("database_unavailable", lang, error=literal.markdown(literal.without_folders(exc))))
            st.stop()


def _lang() -> str:
    from mirador import state
    return state.language()


# --------------------------------------------------------------------------- charts
def plotly_chart(fig: go.Figure, key: str | None = None, **kwargs) -> None:
    """`st.plotly_chart` with the offline topojson config (required for every geo figure)."""
    from mirador import presentation  # presentation mode: no taller than a projector's screen
    st.plotly_chart(_maps_without_drag(presentation.fit_to_screen(fig)), key=key, config=PLOTLY_CONFIG,
                    width="stretch", **kwargs)


def _maps_without_drag(fig: go.Figure) -> go.Figure:
    """Maps open with no drag mode (a copy; cached figures are never changed).

    In plotly's default for maps ('pan') the map reads the chart's config once its base map
    has arrived; a reader who left the page before that got a script error, the chart being
    gone (issue #12, tests/browser/test_leaving_mid_draw.py). Hover is unchanged; pan and
    zoom are one click away in the chart's toolbar.
    """
    has_map = any(trace.type in ("choropleth", "scattergeo") for trace in fig.data)
    if not has_map or fig.layout.dragmode is not None:
        return fig
    return go.Figure(fig).update_layout(dragmode=False)


def _split_sources(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[;\n|]+|\s+(?=https?://)", text or "") if s.strip()]


# A file of this repository cited as a source (`data/reference/autonomy_criteria.md`): the
# reader cannot open it, so it reads as "the project's research notes".
LOCAL_FILE = re.compile(r"^/?[\w.-]+(/[\w.-]+)+\.\w+$")


def reader_sources(source: str | None, data_status: str | None, lang: str) -> list[str]:
    """The citations of one value as a reader can use them: links, and cited titles of
    sourced values. An illustrative value keeps only its links (its generator note says
    nothing to a reader; `illustrative_text` says what it is); a project file becomes
    "the project's research notes"."""
    out: list[str] = []
    for piece in _split_sources(source or ""):
        if piece.startswith(("http://", "https://")):
            shown = piece
        elif LOCAL_FILE.match(piece):
            shown = t("source_project_notes", lang)
        elif palette.is_illustrative(data_status):
            continue
        else:  # a cited title; a server folder in it is not for the reader
            shown = literal.without_folders(piece)
        if shown not in out:
            out.append(shown)
    return out


def illustrative_text(lang: str, n: int = 1) -> str:
    """'Valor ilustrativo, no es un dato publicado' (or the plural)."""
    return t("illustrative_one" if n == 1 else "chart_all_illustrative", lang)


def reader_evidence(evidence: str | None, data_status: str | None, lang: str) -> str:
    """The evidence behind an autonomy rating as shown: an illustrative rating says so in the
    reader's words (its generated note is not evidence); a sourced one shows what was noted."""
    if palette.is_illustrative(data_status):
        return illustrative_text(lang)
    return evidence or t("evidence_none", lang)


def status_counts_text(statuses: Sequence[str | None], lang: str) -> str:
    """'12 con fuente, 30 ilustrativos'; when all are illustrative, the reader's sentence."""
    present = [s for s in statuses if s]
    if present and all(palette.is_illustrative(s) for s in present):
        return illustrative_text(lang, len(present))
    order = [code for code in ("sourced", "estimate", "illustrative") if code in present]
    return ", ".join(t(f"status_count_{code}", lang, n=fmt.integer(present.count(code), lang))
                     for code in order)


def source_line(data: pl.DataFrame, lang: str) -> str:
    """'Fuente: a; b (+3) · 12 con fuente, 30 ilustrativos' from the data's own columns,
    in the reader's words: no generator notes, no file names (see `reader_sources`)."""
    parts = []
    statuses = data["data_status"].to_list() if "data_status" in data.columns else [None] * data.height
    if "source" in data.columns:
        sources: list[str] = []
        for raw, status in dict.fromkeys(zip(data["source"].to_list(), statuses)):
            for s in reader_sources(raw, status, lang):
                if s not in sources:
                    sources.append(s)
        if sources:
            shown = _source_links(sources[:MAX_SOURCES_SHOWN])
            more = len(sources) - MAX_SOURCES_SHOWN
            parts.append(t("source_label", lang) + " " + "; ".join(shown)
                         + (" " + t("and_more", lang, n=fmt.integer(more, lang)) if more > 0 else ""))
        elif not any(palette.is_illustrative(s) for s in statuses):
            parts.append(t("no_source", lang))
    if data.height and "data_status" in data.columns:
        parts.append(status_counts_text(statuses, lang))
    return " · ".join(p for p in parts if p)


def _source_links(sources: Sequence[str]) -> list[str]:
    """Markdown links named by their host (`_link_names`). Only http(s) addresses become links;
    every other citation is shown as literal text (`literal.markdown`)."""
    return [literal.markdown(source) if name is None else literal.markdown_link(name, source)
            for source, name in zip(sources, _link_names(sources))]


def _link_names(sources: Sequence[str]) -> list[str | None]:
    """Each http(s) address named by its host; two pages of one host read 'host (1)', 'host (2)'
    so a reader does not take them for the same source listed twice. None for any other citation."""
    hosts = [_short(s) if literal.is_web_link(s) else None for s in sources]
    seen: dict[str, int] = {}
    names: list[str | None] = []
    for host in hosts:
        if host is not None:
            seen[host] = seen.get(host, 0) + 1
            host = f"{host} ({seen[host]})" if hosts.count(host) > 1 else host
        names.append(host)
    return names


def reader_table(data: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Source, evidence and note columns as a reader sees them (see `reader_sources`):
    an illustrative row reads 'Valor ilustrativo, no es un dato publicado' plus any link,
    and loses its generator note; no repository file name is shown."""
    if "data_status" not in data.columns or not data.height:
        return data
    statuses = data["data_status"].to_list()
    columns = []
    if "source" in data.columns:
        columns.append(pl.Series("source", [
            "; ".join(([illustrative_text(lang)] if palette.is_illustrative(st_) else [])
                      + reader_sources(src, st_, lang)) or None
            for src, st_ in zip(data["source"].to_list(), statuses)], dtype=pl.String))
    if "evidence" in data.columns:
        columns.append(pl.Series("evidence", [
            reader_evidence(ev, st_, lang) if (ev or palette.is_illustrative(st_)) else None
            for ev, st_ in zip(data["evidence"].to_list(), statuses)], dtype=pl.String))
    if "note" in data.columns and data.schema["note"] == pl.String:
        columns.append(pl.Series("note", [None if palette.is_illustrative(st_) else note
                                          for note, st_ in zip(data["note"].to_list(), statuses)],
                                 dtype=pl.String))
    return data.with_columns(columns) if columns else data


def sources_table(sources: pl.DataFrame, lang: str) -> pl.DataFrame:
    """`queries.sources()` as a reader sees it: each citation once per institution (links,
    titles, "the project's research notes"), generated values as one 'illustrative' line."""
    rows: dict[tuple[str, str], dict] = {}
    for r in sources.iter_rows(named=True):
        status = "illustrative" if r["has_illustrative"] else "sourced"
        shown = reader_sources(r["source"], status, lang) or [illustrative_text(lang, 2)]
        for citation in shown:
            row = rows.setdefault((r["iso3"], citation), {"iso3": r["iso3"], "source": citation,
                                                          "has_illustrative": False, "n_values": 0})
            row["has_illustrative"] |= bool(r["has_illustrative"])
            row["n_values"] += r["n_values"]
    return pl.DataFrame(list(rows.values()), schema={"iso3": pl.String, "source": pl.String,
                                                     "has_illustrative": pl.Boolean, "n_values": pl.Int64})


def _short(url: str) -> str:
    host = re.split(r"[/?#]", re.sub(r"(?i)^https?://(www\.)?", "", url.strip()))[0]
    return host or url


def link_column(table: pl.DataFrame, column: str, lang: str) -> tuple[pl.DataFrame, dict]:
    """`table` with the web addresses of `column` shown as links, and the column config.

    Only http(s) addresses are links (validated again by the link column): when `column` also
    holds other citations, the addresses move to a link column of their own right after it
    and the rest stay in `column` as plain text, so a cell never hands the browser another
    scheme (`javascript:`, `data:`...) nor turns a title into a relative link.
    """
    values = table[column].to_list()
    links = [literal.web_link(v) for v in values]
    citations = [None if link else v for v, link in zip(values, links)]
    link_config = st.column_config.LinkColumn(validate=literal.WEB_LINK_PATTERN)
    if not any(citations):  # links only: the column itself is the link column
        return table.with_columns(pl.Series(column, links, dtype=pl.String)), {column: link_config}
    link_name = t("col_link", lang)
    out = (table.with_columns(pl.Series(column, citations, dtype=pl.String))
           .insert_column(table.columns.index(column) + 1, pl.Series(link_name, links, dtype=pl.String)))
    # Widths so that the columns after them stay in view (a citation reads whole, a long
    # address is cut but still opens).
    return out, {column: st.column_config.TextColumn(width="large"),
                 link_name: st.column_config.LinkColumn(validate=literal.WEB_LINK_PATTERN, width="medium")}


def _relabel(column: str, labels: dict[str, str]) -> pl.Expr:
    """Codes -> labels through a lookup (vectorised; unknown codes stay as they are)."""
    return pl.col(column).replace(labels)


def data_table(data: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The data as shown/downloaded: labels next to codes, translated column headers, sources
    and evidence in the reader's words (`reader_table`)."""
    out = reader_table(data, lang)
    if "iso3" in out.columns:
        codes = out["iso3"].unique().drop_nulls().to_list()
        out = out.with_columns(
            _relabel("iso3", {c: i18n.institution_label(c, lang) for c in codes}).alias("country"))
        out = out.select(["country", *[c for c in out.columns if c != "country"]])
    if "indicator_id" in out.columns:
        codes = out["indicator_id"].unique().drop_nulls().to_list()
        out = out.with_columns(_relabel("indicator_id", {c: i18n.measure_label(c, lang) for c in codes}))
    if "criterion_id" in out.columns:
        codes = out["criterion_id"].unique().drop_nulls().to_list()
        out = out.with_columns(_relabel("criterion_id", {c: i18n.criterion_label(c, lang) for c in codes}))
    for col, domain in VOCAB_COLUMNS.items():
        if col in out.columns and out.schema[col] == pl.String:
            codes = out[col].unique().drop_nulls().to_list()
            out = out.with_columns(_relabel(col, {c: i18n.vocab_label(domain, c, lang) for c in codes}))
    renames = {c: t(f"col_{c}", lang) for c in out.columns if f"col_{c}" in i18n.strings()}
    return blank_missing_text(out.rename(renames))


def blank_missing_text(table: pl.DataFrame) -> pl.DataFrame:
    """Text cells that are missing become empty text (shown and downloaded as blank)."""
    text_cols = [c for c, dtype in table.schema.items() if dtype in (pl.String, pl.Null)]
    if not text_cols:
        return table
    return table.with_columns(pl.col(c).cast(pl.String).fill_null(MISSING_CELL) for c in text_cols)


GRID_MAX_DECIMALS = 2


def grid_decimals(values: pl.Series) -> int:
    """The fewest decimals (0, 1 or 2) that show every value of a column as it rounds to two."""
    known = values.drop_nulls().drop_nans() if values.dtype.is_float() else values.drop_nulls()
    for decimals in range(GRID_MAX_DECIMALS):
        if (known.round(GRID_MAX_DECIMALS) == known.round(decimals)).all():
            return decimals
    return GRID_MAX_DECIMALS


def decimal_formats(table: pl.DataFrame) -> dict:
    """Every decimal column of a grid with at most two decimals, the same in every row.

    The grid's own format shows up to four decimals and drops trailing zeros: an implementation
    share of 9.90099 % read "9.901", which a reader of es/pt takes for nine thousand nine
    hundred and one (there the point groups thousands), and 28.125 read "28.125". With one or
    two decimals a point cannot be taken for a group of three digits. The numbers stay numbers
    (the grid sorts them); downloads keep every digit."""
    return {name: st.column_config.NumberColumn(format=f"%.{grid_decimals(table[name])}f")
            for name, dtype in table.schema.items() if dtype.is_float()}


def table_column_config(table: pl.DataFrame, lang: str) -> dict:
    """Date columns as dates (no 00:00:00) and timestamps with minutes, per language."""
    lang = i18n.normalise_language(lang)
    config = {}
    for name, dtype in table.schema.items():
        if dtype == pl.Date:
            config[name] = st.column_config.DateColumn(format=DATE_FORMATS[lang])
        elif isinstance(dtype, pl.Datetime):
            config[name] = st.column_config.DatetimeColumn(format=DATETIME_FORMATS[lang])
    return config


def dataframe(table: pl.DataFrame, lang: str, *, column_config: dict | None = None, **kwargs):
    """`st.dataframe` for every table: missing cells blank, dates per language, no index.

    Missing numbers stay missing (never 0): Streamlit's `placeholder` draws them blank.
    """
    table = blank_missing_text(table)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    shown = st.dataframe(table, column_config={**decimal_formats(table), **table_column_config(table, lang),
                                               **(column_config or {})},
                         placeholder=MISSING_CELL, **kwargs)
    print_table_note(table.height, kwargs.get("height", "auto"), lang)
    return shown


# A few rows of text, read whole: lighter than the grid (a canvas, its toolbar and observers).
SMALL_TABLE_MAX_ROWS = 10
SMALL_TABLE_CLASS, SMALL_TABLE_WRAP_CLASS = "mirador-small-table", "mirador-wrap"
SMALL_TABLE_LONG_CELL = 48  # characters: a longer cell wraps (`LAYOUT_CSS`)


def small_table(table: pl.DataFrame, *, label: str | None = None, wrap: bool = False,
                max_rows: int = SMALL_TABLE_MAX_ROWS, links: Sequence[str] = ()) -> None:
    """A table of a handful of rows (at most `SMALL_TABLE_MAX_ROWS`) of text already formatted
    for the reader, drawn whole as a plain HTML table; for anything else use `dataframe`.

    When: Profile's area tables (one to four rows each, seven of them on its first tab). Seven
    grids made its switch ~0.1 s slower; seven of these, ~0.015 s (issue #11; a one-chart app
    with seven 3-row tables added, median of 7). Every row shows and prints, nothing to sort,
    search or download (the chart's "show data" table above has the numbers as numbers).
    `dataframe` stays the way for longer tables, tables of numbers, dates or links.

    Cells are literal text (HTML-escaped; a value never becomes markup), missing ones blank
    as in `dataframe`. A cell stays on one line unless it is long; with `wrap`, every cell
    may wrap (a table of several long columns, to fit the screen's width). Scrolls sideways
    inside its box on a narrow screen (`LAYOUT_CSS`); `label` names it for screen readers.
    `max_rows` is for a table bounded by a catalogue, read whole and across (Compare's indicators
    by institutions, Methods' catalogues): there every column must stay in view, which a grid
    beside the sidebar at 1280 px does not do, and there is nothing to sort. In a column of
    `links` (citations, "; "-separated), each http(s) address is a link named by its host, opened
    in a new tab; any other citation stays text (the only links a page makes, `literal.is_web_link`).
    """
    if table.height > max_rows:
        raise ValueError(f"{table.height} rows: a table this long is a `dataframe`")
    table = blank_missing_text(table.with_columns(pl.all().cast(pl.String)))
    head = "".join(f'<th scope="col">{literal.html(c)}</th>' for c in table.columns)
    linked = [c in links for c in table.columns]
    body = "".join("<tr>" + "".join(_small_table_link(v) if is_link else _small_table_cell(v)
                                    for v, is_link in zip(row, linked)) + "</tr>" for row in table.iter_rows())
    name = f' aria-label="{literal.html(label)}"' if label else ""
    classes = SMALL_TABLE_CLASS + (f" {SMALL_TABLE_WRAP_CLASS}" if wrap else "")
    st.html(f'<div class="{classes}" role="region" tabindex="0"{name}><table>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def text_table(table: pl.DataFrame, lang: str, *, label: str, key: str) -> None:
    """A table of text already formatted for the reader (figures with their years, gaps said in
    words): drawn whole while it is short (`small_table`: every cell wraps, so nothing is cut at
    a projector's 1280 px or on paper), past `SMALL_TABLE_MAX_ROWS` rows the grid (sort, search,
    its own scroll). A CSV download under it either way (a small table has no toolbar)."""
    if table.height <= SMALL_TABLE_MAX_ROWS:
        small_table(table, label=label, wrap=True)
    else:
        dataframe(table, lang)
    st.download_button(t("download_csv", lang), lambda: exports.csv_bytes(table, lang),
                       file_name=f"mirador_{key}_{lang}.csv", mime="text/csv", on_click="ignore",
                       key=f"download_{key}")


def _small_table_link(value: str) -> str:
    """A cell of citations (split as `reader_sources` splits them): each http(s) address a link
    named by its host (`_link_names`), anything else literal text."""
    pieces = _split_sources(value)
    if not any(literal.is_web_link(piece) for piece in pieces):
        return _small_table_cell(value)
    shown = [_breakable(piece) if name is None else
             f'<a href="{literal.html(piece.strip())}" target="_blank" rel="noopener noreferrer">{_breakable(name)}</a>'
             for piece, name in zip(pieces, _link_names(pieces))]
    return f"<td>{'; '.join(shown)}</td>"


def _small_table_cell(value: str) -> str:
    """One line, as in the grid; a long text (a citation) wraps within a wide cell instead."""
    long = ' class="mirador-long"' if len(value) > SMALL_TABLE_LONG_CELL else ""
    return f"<td{long}>{_breakable(value)}</td>"


def _breakable(value: str) -> str:
    """Escaped text that may break after '_', and after '.' between letters, inside a word: a code
    (implemented_within_24_months) or a site's name (debates.parlamento.pt) would otherwise
    set its column's width and push the table past a 1280 px screen. Nothing is added to
    the text itself (<wbr> is a break opportunity, copied as nothing)."""
    text = re.sub(r"(?<=\w)_(?=\w)", "_<wbr>", literal.html(value))
    return re.sub(r"(?<=[^\W\d])\.(?=[^\W\d])", ".<wbr>", text)  # between letters: a number never splits


# The grid shows at most ten rows by default (`height="auto"`), 35 px a row under a 35 px header.
GRID_DEFAULT_ROWS, GRID_ROW_PX = 10, 35


def grid_rows_shown(n_rows: int, height) -> int:
    """How many rows a data grid of this height shows without scrolling (and so prints)."""
    if isinstance(height, int):
        return min(n_rows, max(0, (height - GRID_ROW_PX - 3) // GRID_ROW_PX))
    return min(n_rows, GRID_DEFAULT_ROWS) if height == "auto" else n_rows


def print_table_note(n_rows: int, height, lang: str) -> None:
    """On paper only: a grid cut short says how many rows it prints and where the rest is;
    one that prints all rows says so only if it is too wide for its box (`PRINT_SCRIPT` marks
    it). Plain escaped text in a sanitised `st.html` (no script), hidden on screen."""
    shown = grid_rows_shown(n_rows, height)
    if shown < n_rows:
        text = t("print_table_note", lang, shown=fmt.integer(shown, lang), total=fmt.integer(n_rows, lang))
        st.html(f'<p class="mirador-print-only">{html.escape(text)}</p>')
    else:
        text = t("print_table_columns_note", lang)
        st.html(f'<p class="mirador-print-only mirador-print-if-clipped">{html.escape(text)}</p>')


def chart_block(fig: go.Figure, *, title: str, data: pl.DataFrame, lang: str, key: str,
                unit: str | None = None, n_total: int | None = None,
                notes: Sequence[str] = ()) -> None:
    """Figure + caption (unit, n, source, notes) + 'show data' expander + CSV download."""
    plotly_chart(fig, key=f"chart_{key}")
    bits = []
    if unit:
        bits.append(t("unit_label", lang) + " " + i18n.unit_label(unit, lang))
    if n_total is not None:
        bits.append(t("n_equals", lang, n=fmt.integer(n_total, lang)))
    bits.append(source_line(data, lang))
    st.caption(" · ".join(b for b in bits if b))
    for note in notes:
        st.caption(note)
    image_downloads(fig, title=title, data=data, lang=lang, key=key, unit=unit, n_total=n_total,
                    notes=notes)
    # Built only once opened (a rerun): a closed expander's grid was sent and mounted with
    # every chart, for a table few readers open (issue #11).
    shown = st.expander(t("show_data", lang) + f": {title}", key=f"show_data_{key}", on_change="rerun")
    if shown.open:
        with shown:
            table = data_table(data, lang)
            dataframe(table, lang)
            # Written when clicked, not on every run.
            st.download_button(t("download_csv", lang), lambda: exports.csv_bytes(table, lang),
                               file_name=f"mirador_{key}_{lang}.csv", mime="text/csv",
                               on_click="ignore", key=f"download_{key}")


def image_downloads(fig: go.Figure, *, title: str, data: pl.DataFrame, lang: str, key: str,
                    unit: str | None = None, n_total: int | None = None, notes: Sequence[str] = ()) -> None:
    """PNG (slide, 2x) and SVG of the chart with its title block and footer (chart_export).
    Deferred: nothing renders until someone clicks (a render takes a headless Chromium)."""
    from mirador import chart_export

    def render(image_format: str) -> bytes:
        text = chart_export.chart_text(title, data, lang, unit=unit, n_total=n_total, notes=notes)
        return chart_export.image_bytes(fig, text, image_format)

    with st.container(horizontal=True):
        for image_format, label in (("png", "download_png"), ("svg", "download_svg")):
            st.download_button(
                t(label, lang), data=lambda image_format=image_format: render(image_format),
                file_name=chart_export.file_name(title, key, lang, image_format),
                mime=chart_export.FORMATS[image_format], on_click="ignore", icon="🖼️",
                type="tertiary", key=f"download_{image_format}_{key}")


@dataclass(frozen=True)
class Section:
    """One tab of a page's sections: a language-neutral code (its URL value), its label, what
    draws it, and the URL keys of an old link that open it (its former toggle `o_trend`, or a
    selection of its own such as `r`)."""
    code: str
    label: str
    draw: Callable[[], None]
    opened_by: Sequence[str] = ()


def section_tabs(param: str, sections: Sequence[Section], lang: str) -> str | None:
    """A page's sections as tabs, only the open one built and sent (issue #11: a page switch
    waited for every chart of the page). The first section opens by default; the open tab is
    in the URL (`param=<code>`) like any selection, so a shared link reopens it.

    In presentation mode every section is drawn, one after another under its label (the link
    fixes the view; no widgets there). Returns the open section's code (None when presenting).
    """
    from mirador import presentation, state
    if presentation.is_on():
        for section in sections:
            st.header(section.label)
            section.draw()
        return None
    by_code = {s.code: s for s in sections}
    code, tabs = state.tabs(param, list(by_code), sections[0].code,
                            format_func=lambda c: by_code[c].label,
                            opened_by={s.code: s.opened_by for s in sections if s.opened_by})
    for tab, section in zip(tabs, sections):
        if tab.open:
            with tab:
                section.draw()
    return code


def chart_ends(n_institutions: int, lang: str, container=None) -> int | None:
    """How many institutions a ranking chart draws at each end: None (all) for up to a dozen
    or when the reader turns on "show all" (a toggle drawn only past a dozen, kept in the
    URL as `all=1`); else `figures.CHART_ENDS` (`SCREEN_ENDS` in presentation mode), the
    rest on request."""
    from mirador import figures, presentation, state
    if n_institutions <= figures.MANY_INSTITUTIONS:
        return None
    if presentation.is_on():  # no widgets there: a link with all=1 still draws all
        return None if state.url_values("all") == ["1"] else figures.SCREEN_ENDS
    show_all = state.toggle("all", t("show_all_institutions", lang, n=fmt.integer(n_institutions, lang)),
                            help=t("show_all_institutions_help", lang), container=container)
    return None if show_all else figures.CHART_ENDS


def panel_ends(ranking_ends: int | None) -> int | None:
    """Small multiples, line charts and the autonomy matrix: fewer at each end than a ranking
    (each takes a panel, a colour or a row of cells of its own), and all of them whenever the
    rankings draw all."""
    from mirador import figures
    return None if ranking_ends is None else figures.PANEL_ENDS


# --------------------------------------------------------------------------- banners and notes
BANNER_KINDS = ("indicator", "context", "autonomy", "recommendation")  # order in the sentence


def banner_text(share: pl.DataFrame, lang: str) -> str | None:
    """'Contenido ilustrativo (...): 1.754 de 1.774 valores de indicadores y ... Cada gráfico
    los señala.' from `queries.illustrative_share()` (kind, n_illustrative, n_total);
    None when nothing is illustrative (then there is no banner)."""
    parts = []
    by_kind = {r["kind"]: r for r in share.iter_rows(named=True)}
    for kind in BANNER_KINDS:
        r = by_kind.get(kind)
        if not r or not r["n_illustrative"]:
            continue
        n, total = r["n_illustrative"], r["n_total"]
        key = f"banner_all_{kind}" if n == total else f"banner_part_{kind}"
        parts.append(t(key, lang, n=fmt.integer(n, lang), total=fmt.integer(total, lang)))
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + t("list_and", lang) + parts[-1]
    return f"{t('banner_lead', lang)} {listed}. {t('banner_tail', lang)}"


def illustrative_banner(lang: str) -> None:
    """The true share of illustrative values, per kind; no banner when there is none."""
    text = banner_text(queries.illustrative_share(), lang)
    if text:
        st.warning(text, icon="⚠️")


def missing_reasons(missing_iso3: Sequence[str], year: int | None, lang: str) -> list[str]:
    """One sentence per institution without data, explained from its operational date.

    'No data for Panama in 2017: NPM not yet operating (operating since June 2018).'
    Never hard-coded: derived from `institutions.npm_operational_date`.
    """
    inst = {r["iso3"]: r for r in queries.institutions().iter_rows(named=True)}
    out = []
    for c in missing_iso3:
        r = inst.get(c) or {}
        name = i18n.institution_label(c, lang)
        operational, designated = r.get("npm_operational_date"), r.get("npm_designation_date")
        if r and operational is None and designated is None:
            out.append(t("missing_not_operating_no_date", lang, country=name))
        elif operational is not None and year is not None and year < operational.year:
            since = fmt.date(operational, lang, r.get("npm_operational_precision") or "day")
            out.append(t("missing_before_operation", lang, country=name, year=fmt.year(year, lang), since=since))
        elif operational is None and designated is not None and year is not None and year < designated.year:
            out.append(t("missing_before_designation", lang, country=name, year=fmt.year(year, lang),
                         since=fmt.date(designated, lang)))
        elif year is not None:
            out.append(t("missing_not_reported_year", lang, country=name, year=fmt.year(year, lang)))
        else:
            out.append(t("missing_not_reported", lang, country=name))
    return out


def missing_data_note(expected_iso3: Sequence[str], data: pl.DataFrame, year: int | None,
                      lang: str, value_col: str = "value", *, key: str) -> list[str]:
    """Show (as a caption) why institutions in `expected_iso3` have no value; returns the missing codes.
    Past a dozen, the reasons are in a box (`key`: its name, unique on the page) built once opened."""
    present = set()
    if data.height and "iso3" in data.columns:
        rows = data if value_col not in data.columns else data.filter(pl.col(value_col).is_not_null())
        present = set(rows["iso3"].to_list())
    missing = [c for c in expected_iso3 if c not in present]
    if missing and len(missing) > MANY_MISSING_LISTED:
        # Past a dozen, one sentence each would bury the chart: a count, the reasons on request.
        st.caption(t("missing_many", lang, n=fmt.integer(len(missing), lang),
                     total=fmt.integer(len(expected_iso3), lang)))
        # Built only once opened, like "show data": at 80 institutions a page sent ~70 reasons
        # with every switch for a list few readers open (issue #11).
        box = st.expander(t("missing_many_list", lang, n=fmt.integer(len(missing), lang)),
                          key=f"missing_list_{key}", on_change="rerun")
        if box.open:
            with box:
                st.markdown("\n".join(f"- {reason}" for reason in missing_reasons(missing, year, lang)))
    elif missing:
        st.caption("ℹ️ " + " ".join(missing_reasons(missing, year, lang)))
    return missing


def data_as_of_text(lang: str) -> str:
    loaded = queries.data_as_of()
    return t("data_as_of", lang, when=fmt.datetime(loaded, lang) if loaded else fmt.no_data(lang))


# --------------------------------------------------------------------------- sharing, printing
# Printing (browser's Print, A4). Static CSS and one static script, no data in either.
# The printed page shows what the reader chose, not the controls: sidebar, toolbar, widgets,
# buttons, downloads and closed "show data" expanders are left out, rows of controls fold
# away, and the page runs over several sheets (Streamlit scrolls inside a fixed-height box).
_PRINT_CONTROLS = ", ".join(f'[data-testid="{tid}"]' for tid in (
    "stSelectbox", "stMultiSelect", "stButtonGroup", "stCheckbox", "stToggle", "stSlider",
    "stSelectSlider", "stRadio", "stTextInput", "stTextArea", "stDateInput", "stNumberInput",
    "stFileUploader", "stButton", "stDownloadButton", "stSegmentedControl", "stPageLink"))
_PRINT_KEPT_IN_ROWS = ", ".join(f'[data-testid="{tid}"]' for tid in (
    "stPlotlyChart", "stDataFrame", "stTable", "stMarkdown", "stHeading", "stMetric", "stAlert",
    "stImage", "stIFrame", "stHtml"))
# A chart's svg layers once `PRINT_SCRIPT` has given them a viewBox (so they can scale).
_FITTED = '[data-testid="stPlotlyChart"] .svg-container.mirador-print-fit'
# Tallest a chart may print, as a share of the sheet's height (room for its caption).
PRINT_CHART_MAX_HEIGHT_VH = 85

PRINT_CSS = f"""<style>
@page {{ size: A4; margin: 12mm; }}
@media print {{
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stElementToolbar"],
  .modebar-container {{ display: none !important; }}
  [data-testid="stMain"] [data-testid="stElementContainer"]:has({_PRINT_CONTROLS}) {{ display: none !important; }}
  [data-testid="stMain"] [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"]):not(:has({_PRINT_KEPT_IN_ROWS})) {{
    display: none !important; }}
  /* A closed expander prints nothing of its content: leave it out; an open one loses its arrow. */
  [data-testid="stLayoutWrapper"]:has(> [data-testid="stExpander"] > details:not([open])),
  [data-testid="stExpander"]:has(> details:not([open])) {{ display: none !important; }}
  [data-testid="stExpander"] summary [data-testid="stIconMaterial"] {{ display: none !important; }}
  [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
    position: static !important; overflow: visible !important; height: auto !important; }}
  [data-testid="stMainBlockContainer"] {{ padding: 0 !important; max-width: 100% !important; }}
  /* Charts keep their on-screen pixel size: scaled (via their viewBox) to the sheet's
     width, and no taller than one sheet, so that none is cut on the right or halved. */
  {_FITTED} {{
    width: 100% !important; height: auto !important; margin: 0 auto;
    max-width: min(100%, calc(var(--mirador-print-ratio) * {PRINT_CHART_MAX_HEIGHT_VH}vh)) !important;
    aspect-ratio: var(--mirador-print-ratio); }}
  {_FITTED} svg.main-svg {{ width: 100% !important; height: 100% !important; }}
  /* ...and the boxes around it follow (Streamlit holds them at the on-screen height). */
  [data-testid="stElementContainer"]:has({_FITTED}), [data-testid="stFullScreenFrame"]:has({_FITTED}),
  [data-testid="stPlotlyChart"]:has({_FITTED}) {{
    height: auto !important; min-height: 0 !important; contain: none !important; }}
  /* Tables: the grid draws on a canvas as wide as it was on screen: scale it to the sheet. */
  [data-testid="stDataFrame"] canvas {{ max-width: 100% !important; height: auto !important; }}
  [data-testid="stElementContainer"]:has(.mirador-print-if-clipped) {{ display: none !important; }}
  [data-testid="stElementContainer"].mirador-print-clipped
    + [data-testid="stElementContainer"]:has(.mirador-print-if-clipped) {{ display: block !important; }}
  .mirador-print-only {{ font-size: 0.8rem; color: #555; margin: 0; }}
  /* A row of cards or columns stays on one sheet, as do charts and tables. */
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stMetric"],
  [data-testid="stHorizontalBlock"] {{ break-inside: avoid; }}
  h1, h2, h3 {{ break-after: avoid; }}
}}
@media screen {{
  [data-testid="stElementContainer"]:has(.mirador-print-only) {{ display: none !important; }}
}}
[data-testid="stElementContainer"]:has(.mirador-print-script) {{ display: none !important; }}
</style>"""

# Plotly draws each chart at its on-screen pixel size, without a viewBox, so CSS alone would
# clip it on paper. Just before printing, give each chart layer a viewBox of its own size
# (and the box its aspect ratio) so the print rules can scale it; take them off afterwards,
# since plotly redraws at new sizes on screen. Runs once per browser tab.
PRINT_SCRIPT = """<span class="mirador-print-script"></span><script>
(() => {
  if (window.miradorPrintFit) return;
  window.miradorPrintFit = true;
  const BOXES = '[data-testid="stPlotlyChart"] .svg-container';
  window.addEventListener('beforeprint', () => {
    for (const box of document.querySelectorAll(BOXES)) {
      const layers = box.querySelectorAll(':scope > svg.main-svg');
      const first = layers[0];
      const width = first && parseFloat(first.getAttribute('width'));
      const height = first && parseFloat(first.getAttribute('height'));
      if (!width || !height) continue;
      for (const svg of layers) svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
      box.style.setProperty('--mirador-print-ratio', String(width / height));
      box.classList.add('mirador-print-fit');
    }
    // A table wider than its box prints only the columns in view: its note says so.
    for (const scroller of document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')) {
      if (scroller.scrollWidth > scroller.clientWidth + 1) {
        scroller.closest('[data-testid="stElementContainer"]')?.classList.add('mirador-print-clipped');
      }
    }
  });
  window.addEventListener('afterprint', () => {
    for (const box of document.querySelectorAll(BOXES + '.mirador-print-fit')) {
      box.querySelectorAll(':scope > svg.main-svg').forEach(svg => svg.removeAttribute('viewBox'));
      box.style.removeProperty('--mirador-print-ratio');
      box.classList.remove('mirador-print-fit');
    }
    document.querySelectorAll('.mirador-print-clipped').forEach(el => el.classList.remove('mirador-print-clipped'));
  });
})();
</script>"""


# Static layout CSS (no data in it). A segmented control wraps its options onto a second row
# instead of scrolling them out of sight (the Resources topic control hid its fourth option).
LAYOUT_CSS = """<style>
[data-testid="stButtonGroup"] [role="radiogroup"] { flex-wrap: wrap; overflow: visible; row-gap: 0.25rem; }
[data-testid="stElementContainer"]:has(.mirador-hidden-script) { display: none !important; }
.st-key-mirador_warm_up { display: none !important; }
.mirador-small-table { overflow-x: auto; border: 1px solid rgba(49, 51, 63, 0.1); border-radius: 0.5rem; }
.mirador-small-table table { border-collapse: collapse; font-size: 0.875rem; line-height: 1.4; }
.mirador-small-table th { background: rgba(49, 51, 63, 0.03); color: rgba(49, 51, 63, 0.7); font-weight: 400;
  text-align: left; }
.mirador-small-table th, .mirador-small-table td { padding: 0.45rem 0.5rem; vertical-align: top; white-space: nowrap;
  border-bottom: 1px solid rgba(49, 51, 63, 0.1); border-right: 1px solid rgba(49, 51, 63, 0.1); }
.mirador-small-table td.mirador-long { white-space: normal; min-width: 20rem; }
/* Every cell wraps; 9rem: Progress's scorecard, a name and five long cells, fits beside the
   sidebar at 1280 px */
.mirador-small-table.mirador-wrap table { width: 100%; }
.mirador-small-table.mirador-wrap td, .mirador-small-table.mirador-wrap th { white-space: normal; }
.mirador-small-table.mirador-wrap td.mirador-long { min-width: 9rem; }
.mirador-small-table tbody tr:last-child td { border-bottom: none; }
@media print {
  .mirador-small-table { overflow: visible; break-inside: avoid; }
  .mirador-small-table table { font-size: 0.7rem; width: 100%; }
  .mirador-small-table th, .mirador-small-table td { white-space: normal; }
  .mirador-small-table td.mirador-long, .mirador-small-table.mirador-wrap td.mirador-long { min-width: 0; }
}
</style>"""


# Streamlit loads each element's code the first time a page shows one: plotly.js alone is a few
# MB to fetch and compile. A reader who lands on a page without a chart (Methods, Progress's
# first tab, the deck) paid ~1 s on the first switch to a chart page (issue #11; measured
# with benchmarks/page_benchmark.py from Methods: 1.5 s -> 0.45 s). So once the first page is
# drawn and the browser is idle, load the code of the elements the pages use. Chunk names
# carry a hash per Streamlit release: found in the installed package, not written here.
PRELOADED_ELEMENTS = ("PlotlyChart", "DataFrame", "Multiselect", "ButtonGroup", "Checkbox", "Selectbox")
_STREAMLIT_JS = Path(st.__file__).parent / "static" / "static" / "js"


def element_chunks(elements: Sequence[str] = PRELOADED_ELEMENTS) -> list[str]:
    """The file names of Streamlit's lazily loaded code for `elements` (none found: none)."""
    return [chunk for element in elements if (chunk := _element_chunk(element))]


@functools.lru_cache(maxsize=None)
def _element_chunk(element: str) -> str | None:
    """Looked up once per process (the installed files do not change), not on every run."""
    found = sorted(_STREAMLIT_JS.glob(f"{element}.*.js"))
    return found[0].name if found else None


def preload_script(chunks: Sequence[str]) -> str:
    """A hidden script that imports `chunks` once per browser tab, when the browser is idle.
    URLs are built from Streamlit's own entry script, so a base URL path is kept; a failure
    only means the element's code loads later, when first needed, as without this."""
    names = json.dumps(list(chunks))
    return f"""<span class="mirador-hidden-script"></span><script>
(() => {{
  if (window.miradorPreloaded) return;
  window.miradorPreloaded = true;
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!entry) return;
  const load = () => {{ for (const name of {names}) import(new URL(name, entry.src).href).catch(() => {{}}); }};
  if ('requestIdleCallback' in window) requestIdleCallback(load, {{timeout: 3000}});
  else setTimeout(load, 1000);
}})();
</script>"""


# Loading the code is not all: React holds back the first widget of each kind a browser tab
# shows behind a placeholder until its lazy component resolves, and then reveals it no
# sooner than its fallback throttle allows (~0.2-0.3 s). Widgets of a kind already shown
# once in the tab appear at once. From the overview, the first switch to Resources waited
# on its topic buttons, toggle and institution list (issue #11: a 0.1 s one-chart app with a
# multiselect added on its second page switched in 0.34 s; with one already shown on its first
# page, in 0.15 s). So the frame draws one hidden widget of each kind the pages' selections use
# that the first page may lack. On every run, not only a session's first: a first run is often
# cut short (`/` forwards to the overview) before the browser draws it, and unchanged elements
# in the same place cost the browser nothing on later runs. The deck's text area and frame are
# on no other page: without them here, the first switch to the deck showed two placeholders.
WARM_UP_CONTAINER_KEY = "mirador_warm_up"


def warm_up_widget_kinds() -> None:
    """A hidden multiselect, segmented control, toggle, text area and empty frame at the foot of
    the sidebar (`LAYOUT_CSS` hides them on screen and on paper; they are bound to no URL parameter)."""
    with st.sidebar.container(key=WARM_UP_CONTAINER_KEY):
        st.multiselect("warm-up", ["-"], key="_warm_up_multiselect", label_visibility="collapsed")
        st.segmented_control("warm-up", ["-"], key="_warm_up_buttons", label_visibility="collapsed")
        st.toggle("warm-up", key="_warm_up_toggle", label_visibility="collapsed")
        st.text_area("warm-up", key="_warm_up_text_area", label_visibility="collapsed")
        st.iframe("<!-- empty -->", height=1)  # HTML, not an address: nothing is fetched


def preload_element_code() -> None:
    """Drawn once per run by dashboard.py; its script runs once per browser tab."""
    chunks = element_chunks()
    if chunks:
        st.html(preload_script(chunks), unsafe_allow_javascript=True)


def print_stylesheet() -> None:
    """The print and layout rules (drawn once per run by dashboard.py): styles only (no space
    on the page), and the static print script (its element hidden)."""
    st.html(PRINT_CSS + LAYOUT_CSS)
    st.html(PRINT_SCRIPT, unsafe_allow_javascript=True)


def _base_url() -> str | None:
    try:
        return st.context.url
    except Exception:  # noqa: BLE001 - no browser context (bare mode)
        return None


def share_links(container=None) -> None:
    """'Share this view' in the sidebar: the link with the page state, and a presentation link
    (`embed=true`: no sidebar, no toolbar). Redrawn whenever a widget writes the URL.

    Built only while opened (a rerun): closed, its two code blocks were sent and mounted on
    every run of every page, part of the frame each page switch paid for (issue #11)."""
    from mirador import state
    lang = state.language()
    box = (container or st.sidebar).expander("🔗 " + t("share_title", lang), key="share_box",
                                             on_change="rerun")
    if not box.open:
        state.on_url_change(lambda: None)
        return
    slot = box.empty()
    shown: list[str] = []

    def draw() -> None:
        params = state.snapshot()
        link, present = (state.share_url(_base_url(), params, embed=e) for e in (False, True))
        if shown == [link]:
            return
        shown[:] = [link]
        with slot.container():
            st.caption(t("share_view_label", lang))
            st.code(link, language=None, wrap_lines=True)
            st.caption(t("share_present_label", lang))
            st.code(present, language=None, wrap_lines=True)

    state.on_url_change(draw)
    draw()

