"""Institution profile: one institution's indicators against the peer median, its road from
OPCAT ratification to an operating NPM, its autonomy criteria and its reference facts."""
import polars as pl
import streamlit as st

import catalogue
from mirador import components, figures, literal, palette, peers, presentation, progress, queries, state
from mirador import formatting as fmt
from mirador.report import one_pager
from mirador.i18n import (area_label, criterion_label, fact_field_label, fact_field_order, fact_unit_label,
                          indicator_label, indicator_unit, institution_label, t, vocab_label)

lang = state.language()
st.title(t("page_profile", lang))
st.markdown(t("profile_intro", lang))

# ---- selection
institutions = queries.institution_codes()
# Searchable (type a name); past a dozen listed by name. Opens on the first of the fixed order.
iso3 = state.selectbox("c", t("select_institution", lang), state.institution_options(institutions, lang),
                       institutions[0], format_func=lambda c: institution_label(c, lang))
inst = queries.institution(iso3)
country = institution_label(iso3, lang)
st.subheader(f"{country}: {literal.markdown(inst['institution_name'])}", anchor=False)
st.caption(f"{literal.markdown(inst['npm_unit_name'])} · {vocab_label('npm_type', inst['npm_type'], lang)}")
# Deferred: the PDF is typeset only when someone clicks (it renders a chart in Chromium).
st.download_button(t("report_download_pdf", lang), data=lambda: one_pager.pdf_bytes(iso3, lang),
                   file_name=one_pager.file_name(iso3, lang), mime="application/pdf", icon="📄",
                   on_click="ignore", key="download_one_pager")


def _shown(value, unit, status) -> str:
    mark = f" {palette.ILLUSTRATIVE_MARK}" if palette.is_illustrative(status) else ""
    return fmt.value(value, unit, lang) + mark if not fmt.is_missing(value) else fmt.no_data(lang)


def _published_shown(r: dict) -> str:
    """The latest sourced (or estimated) value with its year: '107 (2017)', '12 (2019, estimate)'."""
    if r["sourced_year"] is None:
        return "–"
    status = "" if r["sourced_status"] == "sourced" else \
        ", " + vocab_label("data_status", r["sourced_status"], lang)
    return f"{_shown(r['sourced_value'], indicator_unit(r['indicator_id']), r['sourced_status'])} " \
           f"({fmt.year(r['sourced_year'], lang)}{status})"


def _sources(r: dict) -> str:
    """Citations of the latest value and of the latest sourced one, each once."""
    cited = components.reader_sources(r["source"], r["data_status"], lang)
    cited += [s for s in components.reader_sources(r["sourced_source"], r["sourced_status"], lang)
              if s not in cited]
    return "; ".join(cited)


def _peers_shown(r: dict) -> str:
    if indicator_unit(r["indicator_id"]) in peers.NO_PEER_UNITS:
        return "–"
    if r["n_peers_yes"] is not None and r["n_peers"]:
        mark = f" {palette.ILLUSTRATIVE_MARK}" if palette.is_illustrative(r["peer_data_status"]) else ""
        return t("profile_peers_yes", lang, yes=fmt.integer(r["n_peers_yes"], lang),
                 n=fmt.integer(r["n_peers"], lang)) + mark
    return _shown(r["peer_median"], indicator_unit(r["indicator_id"]), r["peer_data_status"])


# ---- sections in tabs, only the open one built and sent (issue #11)
def indicators_section() -> None:
    """Indicators against the peer median, area by area."""
    compared = peers.indicator_vs_peers(queries.indicator_values(), iso3)
    chart_title = t("profile_ratio_title", lang, country=country)
    if len(institutions) < 2:  # one institution loaded: no peers, no median to draw against
        st.info(t("profile_no_peers", lang))
    else:
        st.caption(t("profile_peers_note", lang))
        components.chart_block(
            # Projected (a wide screen, 690 px high): one line per indicator, so 17 rows fit legibly.
            figures.relative_to_peer_median(compared, title=chart_title, lang=lang,
                                            one_line_labels=presentation.is_on()),
            title=chart_title, lang=lang, key="profile_peers",
            data=compared.select("indicator_id", "year", "value", "n", "data_status", "source",
                                 pl.col("peer_median").alias(t("profile_col_peer_median", lang)),
                                 pl.col("n_peers").alias(t("profile_col_n_peers", lang)),
                                 pl.col("ratio_to_median_pct").alias(t("profile_col_ratio", lang))),
            notes=[t("profile_ratio_unit_note", lang)])
    missing = compared.filter(pl.col("value").is_null())["indicator_id"].to_list()
    if missing:
        st.caption("ℹ️ " + t("profile_missing_indicators", lang, indicators="; ".join(
            indicator_label(i, lang) for i in missing)) + " " + components.missing_reasons([iso3], None, lang)[0])

    for area in catalogue.areas():
        rows = compared.filter(pl.col("area_id") == area["area_id"])
        if not rows.height:
            continue
        st.subheader(area_label(area["area_id"], lang), anchor=False)
        table = [{
            t("col_indicator_id", lang): indicator_label(r["indicator_id"], lang),
            t("col_value", lang): _shown(r["value"], indicator_unit(r["indicator_id"]), r["data_status"]),
            t("col_year", lang): fmt.year(r["year"], lang),
            t("col_n", lang): fmt.integer(r["n"], lang) if r["n"] is not None else "",
            t("profile_col_latest_sourced", lang): _published_shown(r),
            t("profile_col_peer_median", lang): _peers_shown(r),
            t("profile_col_n_peers", lang): fmt.integer(r["n_peers"], lang),
            t("profile_col_ratio", lang): fmt.percent(r["ratio_to_median_pct"], lang, 0)
            if r["ratio_to_median_pct"] is not None else "–",
            t("col_data_status", lang): vocab_label("data_status", r["data_status"], lang)
            if r["data_status"] else fmt.no_data(lang),
            t("col_source", lang): _sources(r),
        } for r in rows.iter_rows(named=True)]
        # Wrapped: ten columns, the comparison with the median last but one, must fit at 1280 px.
        components.small_table(pl.DataFrame(table), label=area_label(area["area_id"], lang), wrap=True,
                               links=(t("col_source", lang),))
    st.caption(t("cards_note", lang) + " " + t("profile_currency_note", lang))


def timeline_section() -> None:
    """Its road from OPCAT ratification to an operating NPM."""
    inst_rows = queries.institutions().filter(pl.col("iso3") == iso3)
    timeline_title = t("timeline_title", lang)
    components.chart_block(
        figures.timeline(inst_rows, title=timeline_title, lang=lang), title=timeline_title, lang=lang,
        key="profile_timeline",
        data=inst_rows.select("iso3", "opcat_ratification_date", "npm_designation_date",
                              pl.col("npm_designation_instrument").alias(t("profile_legal_instrument", lang)),
                              "npm_operational_date", "data_status", "source"))
    steps = [f"- **{t('event_ratification', lang)}**: {fmt.date(inst['opcat_ratification_date'], lang)}"]
    designation = fmt.date(inst["npm_designation_date"], lang)
    if inst["npm_designation_date"] and inst["years_to_designation"] is not None:
        designation += " (" + t("years_after_ratification", lang, years=progress.years_span_text(
            inst["years_to_designation_min"], inst["years_to_designation_max"], lang)) + ")"
    steps.append(f"- **{t('event_designation', lang)}**: {designation}")
    steps.append(f"- **{t('profile_legal_instrument', lang)}**: "
                 f"{literal.markdown(inst['npm_designation_instrument']) or fmt.no_data(lang)}")
    if inst["npm_operational_date"]:
        operating = fmt.date(inst["npm_operational_date"], lang, inst["npm_operational_precision"] or "day")
        if inst["years_to_operation"] is not None:
            operating += " (" + t("years_after_ratification", lang, years=progress.years_span_text(
                inst["years_to_operation_min"], inst["years_to_operation_max"], lang)) + ")"
    else:
        operating = t("profile_no_operational_date", lang)
    steps.append(f"- **{t('event_operational', lang)}**: {operating}")
    st.markdown("\n".join(steps))


def autonomy_section() -> None:
    """Its autonomy criteria in a year."""
    cells_all = queries.autonomy_cells_for(iso3)
    years = sorted(set(cells_all["year"].to_list()))
    if not years:
        st.info(t("no_data_for_selection", lang))
    else:
        year = state.year_select("y", t("select_year", lang), years)
        cells = cells_all.filter(pl.col("year") == year)
        score = queries.autonomy_scores(year).filter(pl.col("iso3") == iso3)
        if score.height and score["autonomy_score"][0] is not None:
            s = score.row(0, named=True)
            st.metric(t("profile_autonomy_score_label", lang, year=year),
                      _shown(s["autonomy_score"], "score", s["data_status"]),
                      border=True)
            st.caption(t("profile_autonomy_counts", lang, assessed=fmt.integer(s["criteria_assessed"], lang),
                         total=fmt.integer(s["criteria_total"], lang),
                         no_info=fmt.integer(s["n_no_information"], lang)) + " " + t("score_note", lang))
        matrix_title = t("profile_matrix_title", lang, country=country, year=year)
        components.chart_block(
            figures.autonomy_matrix(cells, title=matrix_title, lang=lang, institutions=[iso3]),
            title=matrix_title, data=cells, lang=lang, key="profile_matrix")
        # The evidence behind each cell, read whole (a grid cut it after a few words), in the
        # matrix's order of criteria.
        criteria_order = {c["criterion_id"]: i for i, c in enumerate(catalogue.criteria())}
        components.small_table(pl.DataFrame([{
            t("col_criterion_id", lang): criterion_label(c["criterion_id"], lang),
            t("col_assessment", lang): f"{palette.assessment_symbol(c['assessment'])} "
                                       f"{vocab_label('assessment', c['assessment'] or 'no_information', lang)}",
            t("col_basis", lang): vocab_label("basis", c["basis"], lang) if c["basis"] else "",
            t("col_evidence", lang): components.reader_evidence(c["evidence"], c["data_status"], lang),
            t("col_data_status", lang): vocab_label("data_status", c["data_status"], lang),
            t("col_source", lang): "; ".join(components.reader_sources(c["source"], c["data_status"], lang)),
        } for c in sorted(cells.iter_rows(named=True), key=lambda c: criteria_order.get(c["criterion_id"], 0))]),
            label=matrix_title, wrap=True, max_rows=len(criteria_order))


def facts_section() -> None:
    """Its reference facts and their sources."""
    st.caption(t("profile_facts_note", lang))
    facts = queries.reference_facts(iso3)
    if not facts.height:
        st.info(t("no_data_for_selection", lang))
    else:
        source = t("col_source", lang)
        confidence = {c: t(f"profile_confidence_{c}", lang) for c in ("high", "medium", "low")}
        # Read whole: each fact beside its quote and its source's link (a grid cut the quote and
        # left the link and the confidence out of view at 1280 px). A dozen or so an institution,
        # every one read whole however many there are. Values, units and "undated" in the
        # reader's language; the quote stays in the source's.
        columns = (
            (t("profile_col_field", lang), lambda f: fact_field_label(f["field"], lang)),
            (t("col_value", lang), lambda f: fmt.fact_value(f["value"], f["unit"], lang)),
            (t("profile_col_unit", lang), lambda f: fact_unit_label(f["unit"], lang)),
            (t("col_year", lang), lambda f: t("profile_fact_undated", lang) if f["year"] == "undated" else f["year"]),
            (t("profile_col_quote", lang), lambda f: f["quote"]),
            (source, lambda f: f["source_url"]),
            (t("profile_col_confidence", lang), lambda f: confidence.get(f["confidence"], f["confidence"])),
        )
        rows = sorted(facts.iter_rows(named=True), key=lambda f: (fact_field_order(f["field"]), f["year"] or ""))
        components.small_table(
            pl.DataFrame({name: [cell(f) for f in rows] for name, cell in columns},
                         schema={name: pl.String for name, _ in columns}),
            label=t("tab_facts", lang), wrap=True, links=(source,), max_rows=max(facts.height, 1))


components.section_tabs("tab", [
    components.Section("indicators", t("tab_indicators", lang), indicators_section),
    components.Section("timeline", t("section_timeline", lang), timeline_section),
    components.Section("autonomy", t("tab_autonomy", lang), autonomy_section),
    components.Section("facts", t("tab_facts", lang), facts_section),
], lang)
