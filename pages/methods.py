"""Data and methods: catalogues, how scores and rates are computed, data-status flags,
the load log, and downloads of every table with a citation line."""
import json

import polars as pl
import streamlit as st

import catalogue
from mirador import components, exports, figures, i18n, literal, queries, state
from mirador import formatting as fmt
from mirador.report import workshop
from mirador.i18n import (area_label, criterion_definition, criterion_label, criterion_source,
                          indicator_definition, indicator_derivation, indicator_label,
                          indicator_unit_label, t, vocab_label)

ALL_AREAS = "all"

lang = state.language()
st.title(t("page_methods", lang))
st.markdown(t("methods_intro", lang))

def status_counts() -> dict[str, int]:
    """How many values carry each data status flag."""
    return {r["data_status"]: r["n"] for r in queries.status_summary().iter_rows(named=True)}


# ---- sections in tabs, only the open one built and sent (issue #11)
def indicators_section() -> None:
    """The indicator catalogue, one table per area (the seven areas of an NPM's work), filtered
    by area. Drawn whole: a definition or a formula is read, not cut at a grid cell's edge."""
    area_ids = [a["area_id"] for a in catalogue.areas()]
    area = state.selectbox("a", t("methods_filter_area", lang), [ALL_AREAS, *area_ids], ALL_AREAS,
                           format_func=lambda a: t("methods_all_areas", lang) if a == ALL_AREAS else area_label(a, lang))
    for area_id in (area_ids if area == ALL_AREAS else [area]):
        in_area = [r for r in catalogue.indicators() if r["area_id"] == area_id]
        if not in_area:
            continue
        st.subheader(area_label(area_id, lang), anchor=False)
        components.small_table(pl.DataFrame([{
            t("col_indicator_id", lang): indicator_label(r["indicator_id"], lang),
            t("methods_col_code", lang): r["indicator_id"],
            t("compare_col_unit", lang): indicator_unit_label(r["indicator_id"], lang),
            t("col_definition", lang): indicator_definition(r["indicator_id"], lang),
            # An input has no formula: the cell says so instead of a dash beside a "kind" column.
            t("methods_col_derivation", lang): (indicator_derivation(r["indicator_id"], lang)
                                                or t("methods_kind_input", lang)),
            t("methods_col_higher_is_better", lang): vocab_label("yes_no", r["higher_is_better"], lang),
        } for r in in_area]), label=area_label(area_id, lang), wrap=True, max_rows=len(in_area))
    st.caption(t("methods_derivation_note", lang))


def criteria_section() -> None:
    """The autonomy criteria catalogue."""
    components.small_table(pl.DataFrame([{
        t("col_criterion_id", lang): criterion_label(r["criterion_id"], lang),
        t("col_definition", lang): criterion_definition(r["criterion_id"], lang),
        t("col_source", lang): criterion_source(r["criterion_id"]),
        t("methods_col_code", lang): r["criterion_id"],
    } for r in catalogue.criteria()]), label=t("tab_criteria", lang), wrap=True, max_rows=len(catalogue.criteria()))


def computation_section() -> None:
    """How figures are computed, and the honest measures (issue 8) with a worked example each."""
    st.markdown("\n".join(f"- {t(key, lang, min=fmt.integer(figures.MIN_N_TO_RANK, lang))}" for key in (
        "methods_autonomy_score", "methods_implementation_rate", "methods_public_only",
        "methods_no_information", "methods_min_n_to_rank",
        "methods_derived", "methods_missing", "methods_peer_median", "methods_progress",
        "methods_map_scale")))
    with st.expander(t("methods_honest_heading", lang)):
        st.markdown(t("methods_honest_body", lang))


def status_section() -> None:
    """What each data status flag means, with how many values carry it."""
    counts = status_counts()
    st.markdown("\n".join(
        f"- **{vocab_label('data_status', code, lang)}**: {t(f'methods_status_{code}', lang)} "
        f"({t('methods_status_count', lang, n=fmt.integer(counts.get(code, 0), lang))})"
        for code in catalogue.codes("data_status")))


def load_log_section() -> None:
    """Each load: files and rows, row counts, warnings."""
    log = queries.load_log()
    if not log.height:
        st.info(t("no_data_for_selection", lang))
    for load in log.iter_rows(named=True):
        with st.container(border=True):
            st.markdown(t("methods_load_heading", lang, id=load["load_id"], when=fmt.datetime(load["loaded_at"], lang),
                          version=literal.markdown(load["mirador_version"]) or "–"))
            # Files by name and rows only: the server's folder and the checksums are for the
            # maintainers (the load_log download keeps them), not for every visitor.
            files = json.loads(load["files"] or "[]")
            st.caption(t("methods_load_files", lang))
            components.dataframe(pl.DataFrame([{
                t("methods_col_file", lang): literal.file_name(f.get("name")), t("methods_col_rows", lang): f.get("rows")}
                for f in files], schema={t("methods_col_file", lang): pl.String,
                                         t("methods_col_rows", lang): pl.Int64}), lang)
            row_counts = json.loads(load["row_counts"] or "{}")
            st.caption(t("methods_row_counts", lang) + " " + "; ".join(
                f"{t(f'methods_table_{table}', lang)}: {fmt.integer(n, lang)}" for table, n in row_counts.items()
                if f"methods_table_{table}" in i18n.strings()))
            warnings = json.loads(load["warnings"] or "[]")
            if warnings:
                # A warning may repeat a header or a file name from the input: literal, no folder.
                st.warning("\n".join(f"- {literal.markdown(literal.without_folders(w))}" for w in warnings))
            else:
                st.caption(t("methods_no_warnings", lang))


def downloads_section() -> None:
    """Every table in three formats with a citation line, and the workshop report."""
    loaded_at = queries.data_as_of()
    partly_illustrative = status_counts().get("illustrative", 0) > 0
    cite = exports.citation(lang, loaded_at, partly_illustrative)
    st.markdown(t("methods_cite_as", lang))
    st.code(cite, language=None, wrap_lines=True)
    st.caption(t("methods_downloads_note", lang))
    for table in queries.EXPORT_TABLES:
        label_col, *buttons = st.columns([3, 1, 1, 1], vertical_alignment="center")
        label_col.markdown(f"**{t(f'methods_table_{table}', lang)}**")
        for column, fmt_key in zip(buttons, exports.FORMATS):
            column.download_button(
                fmt_key.upper() if fmt_key != "xlsx" else "Excel",
                # Deferred: the file is built only when someone clicks (runs off the page script).
                data=lambda table=table, fmt_key=fmt_key: exports.to_bytes(
                    queries.export_table(table), fmt_key, table, cite, lang),
                file_name=exports.file_name(table, fmt_key, loaded_at), mime=exports.FORMATS[fmt_key][1],
                on_click="ignore", key=f"download_{table}_{fmt_key}")
    # The workshop report (deferred: typeset only when someone clicks).
    st.subheader(t("report_workshop_heading", lang), anchor=False)
    st.caption(t("report_workshop_help", lang))
    st.download_button(t("report_download_workshop", lang), data=lambda: workshop.pdf_bytes(lang),
                       file_name=workshop.file_name(lang), mime="application/pdf", icon="📄",
                       on_click="ignore", key="download_workshop_report")


components.section_tabs("tab", [
    components.Section("indicators", t("methods_section_indicators", lang), indicators_section),
    components.Section("criteria", t("tab_criteria", lang), criteria_section),
    components.Section("computation", t("tab_computation", lang), computation_section),
    components.Section("status", t("methods_section_status", lang), status_section),
    components.Section("load_log", t("methods_section_load_log", lang), load_log_section),
    components.Section("downloads", t("methods_section_downloads", lang), downloads_section),
], lang)
