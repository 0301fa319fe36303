"""Recommendations: implementation rates (with n), statuses, trend, breakdowns, map, public table."""
import polars as pl
import streamlit as st

import catalogue
from mirador import components, exports, figures, queries, state
from mirador import formatting as fmt
from mirador.i18n import indicator_label, institution_label, t, vocab_label

RATES = ("implementation_rate", "implemented_or_partial_rate")
DIMENSIONS = queries.RECOMMENDATION_DIMENSIONS
TABLE_FILTERS = ("implementation_status", "place_type", "theme", "authority")  # URL keys: f_<column>

lang = state.language()
st.title(t("page_recommendations", lang))
st.markdown(t("recommendations_intro", lang))

# ---- selection
all_institutions = queries.institution_codes()
years = queries.recommendation_years()
if not years:
    st.info(t("no_data_for_selection", lang))
    st.stop()
chosen = state.institutions(all_institutions, lang)
left, right = st.columns(2)
year_from = state.selectbox("y0", f"{t('year_range', lang)}: {t('year_from', lang)}", years, years[0],
                            container=left)
year_to = state.selectbox("y1", f"{t('year_range', lang)}: {t('year_to', lang)}", years, years[-1],
                          container=right)
year_from, year_to = min(year_from, year_to), max(year_from, year_to)
period = f"{year_from}–{year_to}" if year_from != year_to else str(year_from)
if not chosen:
    st.info(t("choose_institutions", lang))
    st.stop()

# ---- data
rates = queries.implementation_rates(year_from, year_to).filter(pl.col("iso3").is_in(chosen))
statuses = queries.status_counts(year_from, year_to).filter(pl.col("iso3").is_in(chosen))

# ---- implementation rates, both definitions, each with n
st.header(t("section_rates", lang))
for rate in RATES:  # full width each: long titles and "value (n = ...)" labels need the room
    rate_title = t("rates_title", lang, indicator=indicator_label(rate, lang), period=period)
    components.chart_block(
        figures.ranking_bars(rates, title=rate_title, unit="percent", lang=lang, institutions=chosen,
                             value_col=rate, n_col="n_with_information"),
        title=rate_title, data=rates, lang=lang, key=f"rec_{rate}", unit="percent",
        n_total=rates["n_with_information"].sum())
components.missing_data_note(chosen, rates, None, lang, value_col="implementation_rate")

# ---- statuses per institution ("no information" is its own category)
st.header(t("section_status", lang))
status_title = t("status_title", lang, period=period)
components.chart_block(
    figures.status_bars(statuses, title=status_title, lang=lang, row_col="iso3",
                        row_labels={c: institution_label(c, lang) for c in chosen},
                        illustrative_col="has_illustrative"),
    title=status_title, data=statuses, lang=lang, key="rec_status",
    n_total=statuses["n_recommendations"].sum())

# ---- trend by year issued
st.header(t("section_trends", lang))
trend_rate = state.segmented("r", t("rate_kind", lang), RATES, RATES[0],
                             format_func=lambda r: indicator_label(r, lang))
by_year = (queries.implementation_rates_by_year()
           .filter(pl.col("iso3").is_in(chosen))
           .filter(pl.col("year_issued").is_between(year_from, year_to)))
trend_title = t("rate_trend_title", lang, indicator=indicator_label(trend_rate, lang))
components.chart_block(
    figures.trend_small_multiples(by_year, title=trend_title, unit="percent", lang=lang,
                                  institutions=chosen, value_col=trend_rate, year_col="year_issued",
                                  n_col="n_with_information"),
    title=trend_title, data=by_year, lang=lang, key="rec_trend", unit="percent")

# ---- breakdown by place type / theme / authority
st.header(t("section_breakdown", lang))
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

# ---- map of the implementation rate
map_title = t("rates_title", lang, indicator=indicator_label(trend_rate, lang), period=period)
components.chart_block(
    figures.choropleth_two_panels(rates, queries.boundaries(), title=map_title, unit="percent",
                                  lang=lang, value_col=trend_rate, n_col="n_with_information"),
    title=map_title, data=rates, lang=lang, key="rec_map", unit="percent")

# ---- public recommendations, filterable
st.header(t("section_public_table", lang))
public = (queries.public_recommendations(chosen)
          .filter(pl.col("year_issued").is_between(year_from, year_to)))
filtered = public
for column, name in zip(st.columns(len(TABLE_FILTERS)), TABLE_FILTERS):
    codes = catalogue.codes(name)
    picked = state.multiselect(f"f_{name}", t(f"filter_{name}", lang), codes, [],
                               format_func=lambda c, n=name: vocab_label(n, c, lang), container=column)
    if picked:
        filtered = filtered.filter(pl.col(name).is_in(picked))
st.caption(t("rows_shown" if filtered.height < public.height else "rows_shown_all", lang,
             n=fmt.integer(filtered.height, lang), total=fmt.integer(public.height, lang)))
table = components.data_table(filtered.drop("year_issued"), lang)
components.dataframe(table, lang, height=420)
st.download_button(t("download_csv", lang), exports.csv_bytes(table, lang),
                   file_name=f"mirador_public_recommendations_{lang}.csv", mime="text/csv",
                   on_click="ignore", key="download_public_recommendations")
