"""Streamlit building blocks shared by every page.

- `chart_block(...)`: the one way to show a chart: the figure (its title and
  unit are in the figure), a caption with unit, n and source line (from the
  data's `source` / `data_status`), a "show data" expander with the table, and
  a CSV download of that data (`on_click="ignore"`: no rerun).
- `plotly_chart(...)`: `st.plotly_chart` with the local topojson config that
  geo figures need offline (never call `st.plotly_chart` directly).
- `illustrative_banner(lang)`, `missing_data_note(...)`, `data_as_of_text(lang)`,
  `ensure_database()` (builds the DB with a spinner on first start).
"""
from __future__ import annotations

import re
from typing import Sequence

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from mirador import db, i18n, queries
from mirador import formatting as fmt
from mirador.i18n import t

# Plotly's geo subplot always fetches {topojsonURL}world_110m.json; serve ours (static/).
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"topojsonURL": TOPOJSON_URL, "displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

# Code columns shown with their catalogue label in tables: column -> vocabulary domain.
VOCAB_COLUMNS = {
    "assessment": "assessment", "implementation_status": "implementation_status",
    "place_type": "place_type", "theme": "theme", "authority": "authority", "basis": "basis",
    "data_status": "data_status", "npm_type": "npm_type",
}
MAX_SOURCES_SHOWN = 3


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
            st.error(t("database_unavailable", lang, error=str(exc)))
            st.stop()


def _lang() -> str:
    from mirador import state
    return state.language()


# --------------------------------------------------------------------------- charts
def plotly_chart(fig: go.Figure, key: str | None = None, **kwargs) -> None:
    """`st.plotly_chart` with the offline topojson config (required for every geo figure)."""
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch", **kwargs)


def _split_sources(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[;\n|]+|\s+(?=https?://)", text or "") if s.strip()]


def source_line(data: pl.DataFrame, lang: str) -> str:
    """'Source: a; b (+3) · 12 sourced, 30 illustrative' from the data's own columns."""
    parts = []
    if "source" in data.columns:
        sources: list[str] = []
        for raw in data["source"].drop_nulls().unique(maintain_order=True).to_list():
            for s in _split_sources(raw):
                if s not in sources:
                    sources.append(s)
        if sources:
            shown = [f"[{_short(s)}]({s})" if s.startswith("http") else s for s in sources[:MAX_SOURCES_SHOWN]]
            more = len(sources) - MAX_SOURCES_SHOWN
            parts.append(t("source_label", lang) + " " + "; ".join(shown)
                         + (" " + t("and_more", lang, n=fmt.integer(more, lang)) if more > 0 else ""))
        else:
            parts.append(t("no_source", lang))
    if "data_status" in data.columns and data.height:
        counts = data.group_by("data_status").len().sort("data_status")
        parts.append(", ".join(f"{fmt.integer(r['len'], lang)} {i18n.vocab_label('data_status', r['data_status'], lang).lower()}"
                               for r in counts.iter_rows(named=True) if r["data_status"]))
    return " · ".join(p for p in parts if p)


def _short(url: str) -> str:
    host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    return host or url


def _relabel(column: str, labels: dict[str, str]) -> pl.Expr:
    """Codes -> labels through a lookup (vectorised; unknown codes stay as they are)."""
    return pl.col(column).replace(labels)


def data_table(data: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The data as shown/downloaded: labels next to codes, translated column headers."""
    out = data
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
    return out.rename(renames)


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
    with st.expander(t("show_data", lang) + f": {title}"):
        table = data_table(data, lang)
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(t("download_csv", lang), table.write_csv().encode("utf-8"),
                           file_name=f"mirador_{key}_{lang}.csv", mime="text/csv",
                           on_click="ignore", key=f"download_{key}")


# --------------------------------------------------------------------------- banners and notes
def illustrative_banner(lang: str) -> None:
    """'The bundled dataset is partly illustrative' — shown while any value is illustrative."""
    summary = queries.status_summary()
    illustrative = summary.filter(pl.col("data_status") == "illustrative")["n"].sum()
    if illustrative:
        total = summary["n"].sum()
        st.warning(t("banner_illustrative", lang, n=fmt.integer(illustrative, lang),
                     total=fmt.integer(total, lang)), icon="⚠️")


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
                      lang: str, value_col: str = "value") -> list[str]:
    """Show (as a caption) why institutions in `expected_iso3` have no value; returns the missing codes."""
    present = set()
    if data.height and "iso3" in data.columns:
        rows = data if value_col not in data.columns else data.filter(pl.col(value_col).is_not_null())
        present = set(rows["iso3"].to_list())
    missing = [c for c in expected_iso3 if c not in present]
    if missing:
        st.caption("ℹ️ " + " ".join(missing_reasons(missing, year, lang)))
    return missing


def data_as_of_text(lang: str) -> str:
    loaded = queries.data_as_of()
    return t("data_as_of", lang, when=fmt.datetime(loaded, lang) if loaded else fmt.no_data(lang))


def page_header(title: str, lang: str, intro: str | None = None) -> None:
    st.title(title)
    if intro:
        st.markdown(intro)
