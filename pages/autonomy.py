"""Autonomy: criteria matrix, score ranking, criterion definitions, evidence, change over time."""
import polars as pl
import streamlit as st

import catalogue
from mirador import components, figures, literal, palette, queries, state
from mirador import formatting as fmt
from mirador.i18n import (criterion_definition, criterion_label, criterion_source, indicator_label,
                          institution_label, t, vocab_label)

lang = state.language()
st.title(t("page_autonomy", lang))
st.markdown(t("autonomy_intro", lang))

# ---- selection
all_institutions = queries.institution_codes()
years = queries.autonomy_years()
if not years:
    st.info(t("no_data_for_selection", lang))
    st.stop()
left, right = st.columns([1, 3])
# The score's latest complete year, as on the other pages (not a last year few have assessed).
year = state.year_select("y", t("select_year", lang), years, queries.latest_complete_year("autonomy_score"),
                         container=left)
chosen = state.institutions(all_institutions, lang, container=right)
if not chosen:
    st.info(t("choose_institutions", lang))
    st.stop()
ends = components.chart_ends(len(chosen), lang)  # past a dozen: both ends, the rest on request

# ---- data
cells = queries.autonomy_cells(year).filter(pl.col("iso3").is_in(chosen))
scores = queries.autonomy_scores(year).filter(pl.col("iso3").is_in(chosen))
criteria_ids = [r["criterion_id"] for r in catalogue.criteria()]


# ---- sections in tabs, only the open one built and sent (issue #11)
def matrix_section() -> None:
    """The criteria matrix (past a dozen, rows by score, so that both ends are the extremes; as
    few at each end as a panel chart: a row is a line of cells read across, and 21 of them took
    a screen and a half)."""
    matrix_title = t("matrix_title", lang, year=year)
    score_of = dict(scores.select("iso3", "autonomy_score").iter_rows()) if state.many_institutions(chosen) else None
    components.chart_block(
        figures.autonomy_matrix(cells, title=matrix_title, lang=lang, institutions=chosen, ranking=score_of,
                                ends=components.panel_ends(ends)),
        title=matrix_title, data=cells, lang=lang, key="autonomy_matrix")
    components.missing_data_note(chosen, cells, year, lang, value_col="assessment", key="autonomy_matrix")


def score_section() -> None:
    """The score ranking."""
    score_title = t("title_indicator_year", lang, indicator=indicator_label("autonomy_score", lang), year=year)
    components.chart_block(
        figures.ranking_bars(scores, title=score_title, unit="score", lang=lang, institutions=chosen,
                             value_col="autonomy_score", n_col="criteria_assessed",
                             n_label_key="criteria_assessed", ends=ends),
        title=score_title, data=scores, lang=lang, key="autonomy_score", unit="score",
        notes=[t("score_note", lang)])


def evidence_section() -> None:
    """The evidence behind one cell."""
    left, right = st.columns(2)
    evidence_iso3 = state.selectbox("ei", t("select_institution", lang), state.institution_options(chosen, lang),
                                    chosen[0], format_func=lambda c: institution_label(c, lang), container=left)
    evidence_criterion = state.selectbox("ec", t("select_criterion", lang), criteria_ids, criteria_ids[0],
                                         format_func=lambda c: criterion_label(c, lang), container=right)
    cell = cells.filter((pl.col("iso3") == evidence_iso3) & (pl.col("criterion_id") == evidence_criterion))
    with st.container(border=True):
        st.markdown(f"**{institution_label(evidence_iso3, lang)} · {criterion_label(evidence_criterion, lang)} · {year}**")
        st.caption(criterion_definition(evidence_criterion, lang))
        if cell.height:
            c = cell.row(0, named=True)
            assessment = c["assessment"] or "no_information"
            st.markdown(f"### {palette.assessment_symbol(assessment)} {vocab_label('assessment', assessment, lang)}")
            st.markdown(literal.markdown(components.reader_evidence(c["evidence"], c["data_status"], lang)))
            if c["evidence"] and not palette.is_illustrative(c["data_status"]):
                st.caption(t("evidence_recorded_note", lang))
            basis = vocab_label("basis", c["basis"], lang) if c["basis"] else t("basis_unknown", lang)
            status = vocab_label("data_status", c["data_status"], lang)
            st.caption(f"{t('basis_label', lang)} {basis} · {t('status_label', lang)} {status}"
                       + (f" {palette.ILLUSTRATIVE_MARK}" if palette.is_illustrative(c["data_status"]) else ""))
            st.caption(components.source_line(cell, lang))
        else:
            st.markdown(t("no_assessment", lang, year=year))


def criteria_section() -> None:
    """What each criterion means, every definition read whole."""
    components.small_table(
        pl.DataFrame({
            t("col_criterion_id", lang): [criterion_label(c, lang) for c in criteria_ids],
            t("col_definition", lang): [criterion_definition(c, lang) for c in criteria_ids],
            t("col_source", lang): [criterion_source(c) for c in criteria_ids],
        }), label=t("tab_criteria", lang), wrap=True, max_rows=len(criteria_ids))


def change_section() -> None:
    """Change between two years."""
    if len(years) < 2:
        st.info(t("single_year_only", lang))
        return
    left, right = st.columns(2)
    year_a = state.selectbox("ya", t("year_from", lang), years, years[0], container=left)
    year_b = state.selectbox("yb", t("year_to", lang), years, years[-1], container=right)
    all_scores = queries.autonomy_scores().filter(pl.col("iso3").is_in(chosen))
    score_a = all_scores.filter(pl.col("year") == year_a).select(
        "iso3", pl.col("autonomy_score").alias("value_a"), pl.col("data_status").alias("status_a"))
    score_b = all_scores.filter(pl.col("year") == year_b).select(
        "iso3", pl.col("autonomy_score").alias("value_b"), pl.col("data_status").alias("status_b"),
        "data_status")
    # Each end's year in every row of the table (and its CSV), so "A" and "B" read as years.
    change = (pl.DataFrame({"iso3": chosen}).join(score_a, on="iso3", how="left").join(score_b, on="iso3", how="left")
              .select("iso3", pl.lit(year_a).alias("year_a"), "value_a", "status_a",
                      pl.lit(year_b).alias("year_b"), "value_b", "status_b", "data_status"))
    change_title = t("change_title", lang, a=year_a, b=year_b)
    components.chart_block(
        figures.dumbbell(change, title=change_title, unit="score", lang=lang, year_a=year_a, year_b=year_b,
                         ends=ends),
        title=change_title, data=change, lang=lang, key="autonomy_change", unit="score")

    changed = queries.autonomy_changes(year_a, year_b).filter(pl.col("iso3").is_in(chosen))
    st.subheader(t("changed_cells", lang, a=year_a, b=year_b), anchor=False)
    if changed.height:
        # Columns named after their years ("Assessment 2017"), symbol + label in each cell.
        shown = {code: f"{palette.assessment_symbol(code)} {vocab_label('assessment', code, lang)}"
                 for code in catalogue.codes("assessment")}
        column_a, column_b = (f"{t('col_assessment', lang)} {y}" for y in (year_a, year_b))
        order = {c: i for i, c in enumerate(criteria_ids)}  # the matrix's order
        table = components.data_table(changed.sort(
            pl.col("iso3"), pl.col("criterion_id").replace_strict(order, default=len(order))).select(
            "iso3", "criterion_id",
            pl.col("assessment_a").fill_null("no_information").replace(shown).alias(column_a),
            pl.col("assessment_b").fill_null("no_information").replace(shown).alias(column_b),
            pl.exclude("iso3", "criterion_id", "assessment_a", "assessment_b")), lang)
        if state.many_institutions(chosen):
            components.dataframe(table, lang)  # hundreds of changes: the grid sorts and scrolls
        else:
            # One institution at a time, read whole: what changed and the evidence and source
            # for it (as one grid, the evidence and the source were out of view at 1280 px).
            country, iso3 = t("col_country", lang), t("col_iso3", lang)
            for code in chosen:
                rows = table.filter(pl.col(iso3) == code)
                if rows.height:
                    st.markdown(f"**{literal.markdown(institution_label(code, lang))}** "
                                f"({t('n_equals', lang, n=fmt.integer(rows.height, lang))})")
                    components.small_table(rows.drop(country, iso3), label=institution_label(code, lang),
                                           wrap=True, links=(t("col_source", lang),), max_rows=len(criteria_ids))
        st.caption(t("n_equals", lang, n=fmt.integer(changed.height, lang)))
    else:
        st.info(t("no_changes", lang, a=year_a, b=year_b))


components.section_tabs("tab", [
    components.Section("matrix", t("tab_matrix", lang), matrix_section),
    components.Section("score", t("tab_score", lang), score_section),
    components.Section("evidence", t("tab_evidence", lang), evidence_section),
    components.Section("criteria", t("tab_criteria", lang), criteria_section),
    components.Section("change", t("section_change", lang), change_section, opened_by=("o_change", "ya", "yb")),
], lang)
