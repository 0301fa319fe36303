"""Recommendations: implementation rates (with n), statuses, trend, breakdowns, map, public table."""
import polars as pl
import streamlit as st

import catalogue
from mirador import components, downloads, exports, figures, presentation, queries, state
from mirador import formatting as fmt
from mirador.i18n import indicator_label, institution_label, t, vocab_label

RATES = ("implementation_rate", "implemented_or_partial_rate")
DIMENSIONS = queries.RECOMMENDATION_DIMENSIONS
TABLE_FILTERS = ("response", "implementation_status", "place_type", "theme", "authority")  # URL keys: f_<column>
HEADLINE = "implemented_within_24_months"  # the headline measure, its year the default period

lang = state.language()
st.title(t("page_recommendations", lang))
st.markdown(t("recommendations_intro", lang))
st.caption(t("rec_public_only_note", lang))  # the rule on Methods, where the rates are read

# ---- selection
all_institutions = queries.institution_codes()
years = queries.recommendation_years()
if not years:
    st.info(t("no_data_for_selection", lang))
    st.stop()
chosen = state.institutions(all_institutions, lang)
# Default period: the headline measure's latest complete year, as on the Overview cards and
# Compare, so Chile's rate reads the same there and here; widen it to pool years.
default_year = queries.latest_complete_year(HEADLINE)
default_year = default_year if default_year in years else years[-1]
left, right = st.columns(2)
year_from = state.selectbox("y0", f"{t('year_range', lang)}: {t('year_from', lang)}", years, default_year,
                            container=left)
year_to = state.selectbox("y1", f"{t('year_range', lang)}: {t('year_to', lang)}", years, default_year,
                          container=right)
year_from, year_to = min(year_from, year_to), max(year_from, year_to)
period = f"{year_from}–{year_to}" if year_from != year_to else str(year_from)
if (year_from, year_to) == (default_year, default_year):
    st.caption(t("rec_default_period_note", lang, year=default_year))
if not chosen:
    st.info(t("choose_institutions", lang))
    st.stop()
ends = components.chart_ends(len(chosen), lang)  # past a dozen: both ends, the rest on request

# ---- the page's charts in section tabs, only the open one built (issue #11); the headline
# (implemented within 12/24/36 months, only years issued old enough, issue 8) opens first.
def by_age_section() -> None:
    st.caption(t("by_age_intro", lang))
    window = state.segmented("w", t("by_age_window", lang), (12, 24, 36), 24,
                             format_func=lambda m: t("by_age_window_label", lang, n=m))
    by_age = (queries.implementation_by_age(year_from, year_to)
              .filter(pl.col("iso3").is_in(chosen) & (pl.col("window_months") == window)))
    if not by_age.height:
        st.info(t("by_age_none", lang, months=window))
        return
    pooled = (by_age["first_year"].min(), by_age["last_year"].max())
    age_title = t("by_age_title_period", lang, months=window,
                  period=f"{pooled[0]}–{pooled[1]}" if pooled[0] != pooled[1] else str(pooled[0]))
    components.chart_block(
        figures.ranking_bars(by_age, title=age_title, unit="percent", lang=lang, institutions=chosen,
                             value_col="share_implemented_within", n_col="n_with_information", ends=ends),
        title=age_title, data=by_age, lang=lang, key="rec_by_age", unit="percent",
        n_total=by_age["n_with_information"].sum())


def time_to_implementation_section() -> None:
    curves = queries.time_to_implementation(chosen)
    km_title = t("km_title_years", lang, first=years[0], last=years[-1])  # every year issued, not the period
    components.chart_block(
        figures.implementation_curves(curves, title=km_title, lang=lang, institutions=chosen,
                                      subtitle=t("km_subtitle", lang), ends=components.panel_ends(ends)),
        title=km_title, data=curves, lang=lang, key="rec_km", unit="percent")
    open_lines = []
    for r in queries.open_recommendations().filter(pl.col("iso3").is_in(chosen)).iter_rows(named=True):
        half = (t("months_n", lang, n=fmt.number(r["median_months_to_implementation"], lang, 0))
                if r["median_months_to_implementation"] is not None else t("open_half_never", lang))
        open_lines.append("- " + t("open_age_line", lang, country=institution_label(r["iso3"], lang),
                                   n_open=fmt.integer(r["n_open"], lang),
                                   n=fmt.integer(r["n_with_information"], lang),
                                   age=fmt.number(r["median_open_age_months"], lang, 1),
                                   as_of=fmt.date(r["as_of_date"], lang), half=half))
    # Past a dozen, a line each would push the table a screen down: on request.
    open_box = (st.expander(t("open_age_list", lang, n=fmt.integer(len(open_lines), lang)))
                if state.many_institutions(chosen) else st.container())
    open_box.markdown("\n".join(open_lines))


def acceptance_section() -> None:
    """The authorities' response, apart from implementation."""
    acceptance = queries.acceptance_rates(year_from, year_to).filter(pl.col("iso3").is_in(chosen))
    acceptance_title = t("acceptance_title", lang, period=period)
    components.chart_block(
        figures.ranking_bars(acceptance, title=acceptance_title, unit="percent", lang=lang, institutions=chosen,
                             value_col="acceptance_rate", n_col="n_with_response", ends=ends),
        title=acceptance_title, data=acceptance, lang=lang, key="rec_acceptance", unit="percent",
        n_total=acceptance["n_with_response"].sum())


def rates() -> pl.DataFrame:
    return queries.implementation_rates(year_from, year_to).filter(pl.col("iso3").is_in(chosen))


def rates_section() -> None:
    """Implementation rates, both definitions, each with n."""
    st.caption("ℹ️ " + t("rate_by_year_caveat", lang))
    shown = rates()
    for rate in RATES:  # full width each: long titles and "value (n = ...)" labels need the room
        rate_title = t("rates_title", lang, indicator=indicator_label(rate, lang), period=period)
        components.chart_block(
            figures.ranking_bars(shown, title=rate_title, unit="percent", lang=lang, institutions=chosen,
                                 value_col=rate, n_col="n_with_information", ends=ends),
            title=rate_title, data=shown, lang=lang, key=f"rec_{rate}", unit="percent",
            n_total=shown["n_with_information"].sum())
    components.missing_data_note(chosen, shown, None, lang, value_col="implementation_rate", key="recommendations")


def status_section() -> None:
    """Statuses per institution ("no information" is its own category)."""
    statuses = queries.status_counts(year_from, year_to).filter(pl.col("iso3").is_in(chosen))
    status_title = t("status_title", lang, period=period)
    components.chart_block(
        figures.status_bars(statuses, title=status_title, lang=lang, row_col="iso3",
                            row_labels={c: institution_label(c, lang) for c in chosen},
                            illustrative_col="has_illustrative", ends=ends),
        title=status_title, data=statuses, lang=lang, key="rec_status",
        n_total=statuses["n_recommendations"].sum())


def trend_and_map_section() -> None:
    """Trend by year issued (every year issued, each point its own year, not the period) and
    the map, both of the rate chosen here."""
    trend_rate = state.segmented("r", t("rate_kind", lang), RATES, RATES[0],
                                 format_func=lambda r: indicator_label(r, lang))
    by_year = queries.implementation_rates_by_year().filter(pl.col("iso3").is_in(chosen))
    trend_title = t("rate_trend_title_years", lang, indicator=indicator_label(trend_rate, lang),
                    first=years[0], last=years[-1])
    components.chart_block(
        figures.trend_small_multiples(by_year, title=trend_title, unit="percent", lang=lang,
                                      institutions=chosen, value_col=trend_rate, year_col="year_issued",
                                      n_col="n_with_information", ends=components.panel_ends(ends)),
        title=trend_title, data=by_year, lang=lang, key="rec_trend", unit="percent")
    map_title = t("rates_title", lang, indicator=indicator_label(trend_rate, lang), period=period)
    components.chart_block(
        figures.choropleth_panels(rates(), queries.boundaries(), title=map_title, unit="percent",
                                  lang=lang, value_col=trend_rate, n_col="n_with_information",
                                  side_by_side=presentation.is_on()),
        title=map_title, data=rates(), lang=lang, key="rec_map", unit="percent")


def breakdown_section() -> None:
    """By place type / theme / authority."""
    dimension = state.segmented("d", t("breakdown_by", lang), DIMENSIONS, DIMENSIONS[0],
                                format_func=lambda d: t(f"dim_{d}", lang))
    breakdown = (queries.recommendation_breakdown(dimension, year_from, year_to)
                 .filter(pl.col("iso3").is_in(chosen))
                 .with_columns(pl.col("category").fill_null("not_reported")))
    categories = {code: vocab_label(dimension, code, lang) for code in catalogue.codes(dimension)}
    categories["not_reported"] = t("not_reported", lang)
    breakdown_title = t("breakdown_title", lang, dimension=t(f"dim_{dimension}", lang), period=period)
    components.chart_block(
        figures.status_bars(breakdown, title=breakdown_title, lang=lang, row_col="category",
                            row_labels=categories, illustrative_col="has_illustrative"),
        title=breakdown_title, data=breakdown, lang=lang, key="rec_breakdown",
        n_total=breakdown["n_recommendations"].sum(),
        notes=[t("from_totals_note", lang)] if breakdown["from_totals"].any() else [])


# ---- public recommendations, filterable. Counted, paged and exported in DuckDB (issue 12): a run
# sends one page of rows to the browser; a download is written on its first click, once per data
# version and selection (mirador/downloads.py), never on a page run.
PUBLIC_PAGE_SIZE = 50  # rows per page of the table


def public_table_section() -> None:
    """Public recommendations, filterable (filters `f_<column>`, page `pg`)."""
    table_filters = {}
    for column, name in zip(st.columns(len(TABLE_FILTERS)), TABLE_FILTERS):
        table_filters[name] = state.multiselect(
            f"f_{name}", t(f"filter_{name}", lang), catalogue.codes(name), [],
            format_func=lambda c, n=name: vocab_label(n, c, lang), container=column)
    n_matching, n_public = queries.public_recommendation_counts(chosen, year_from, year_to, table_filters)
    st.caption(t("rows_shown" if n_matching < n_public else "public_table_count", lang,
                 n=fmt.integer(n_matching, lang), total=fmt.integer(n_public, lang)))
    n_pages = max(1, -(-n_matching // PUBLIC_PAGE_SIZE))
    pager, rows_line = st.columns([1, 3], vertical_alignment="bottom")
    table_page = state.page_number("pg", t("public_table_page", lang, n=fmt.integer(n_pages, lang)), n_pages,
                                   selection=(tuple(chosen), year_from, year_to,
                                              tuple((k, tuple(v)) for k, v in table_filters.items())),
                                   container=pager)
    page_rows = queries.public_recommendations_page(chosen, year_from, year_to, table_filters,
                                                    table_page, PUBLIC_PAGE_SIZE)
    if page_rows.height:
        first_row = (table_page - 1) * PUBLIC_PAGE_SIZE + 1
        rows_line.caption(t("public_table_page_rows", lang, first=fmt.integer(first_row, lang),
                            last=fmt.integer(first_row + page_rows.height - 1, lang),
                            n=fmt.integer(n_matching, lang)))
    components.dataframe(components.data_table(page_rows.drop(downloads.HIDDEN_COLUMNS), lang), lang, height=420)
    st.caption(t("public_table_downloads_note", lang, n=fmt.integer(n_matching, lang)))
    for column, file_format in zip(st.columns(2, width=400), ("csv", "parquet")):
        column.download_button(
            t(f"download_{file_format}", lang),
            # Deferred: runs on the click only; the file is written once and then read from disk.
            data=lambda file_format=file_format: downloads.public_recommendations_file(
                chosen, year_from, year_to, table_filters, lang, file_format).read_bytes(),
            file_name=downloads.file_name(lang, file_format), mime=exports.FORMATS[file_format][1],
            on_click="ignore", key="download_public_recommendations" + ("" if file_format == "csv" else "_parquet"))


components.section_tabs("tab", [
    components.Section("by_age", t("tab_by_age", lang), by_age_section),
    components.Section("time", t("tab_time_to_implementation", lang), time_to_implementation_section),
    components.Section("acceptance", t("tab_acceptance", lang), acceptance_section),
    components.Section("rates", t("tab_rates", lang), rates_section),
    components.Section("status", t("section_status", lang), status_section),
    components.Section("trend", t("tab_trend_map", lang), trend_and_map_section, opened_by=("o_trend", "r")),
    components.Section("breakdown", t("section_breakdown", lang), breakdown_section,
                       opened_by=("o_breakdown", "d")),
    # A table to look records up, not a chart: last. An old link with a filter chosen opens it.
    components.Section("table", t("tab_public_list", lang), public_table_section,
                       opened_by=tuple(f"f_{name}" for name in TABLE_FILTERS)),
], lang)
