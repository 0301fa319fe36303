"""Resources: staff, budget, visits and places of detention; absolute or relative."""
import polars as pl
import streamlit as st

from mirador import components, figures, presentation, queries, state
from mirador.i18n import measure_definition, measure_label, measure_unit, t

# Topic -> (absolute measures, relative measures): indicator ids or context variables.
TOPICS = {
    "staff": (("npm_staff",), ("staff_per_1000_detainees",)),
    "budget": (("npm_budget_usd",), ("budget_per_detainee_usd", "npm_budget_share_pct")),
    "visits": (("npm_visits",), ("visits_per_place",)),
    "places": (("places_of_detention",), ("visits_per_place",)),
}

lang = state.language()
st.title(t("page_resources", lang))
st.markdown(t("resources_intro", lang))

# ---- selection
all_institutions = queries.institution_codes()
left, middle, right = st.columns([2, 1, 2])
topic = state.segmented("t", t("select_topic", lang), list(TOPICS), "budget",
                        format_func=lambda k: t(f"topic_{k}", lang), container=left)
relative = state.toggle("rel", t("mode_relative", lang), default=True, container=middle)
measures = TOPICS[topic][1 if relative else 0]
measure = state.selectbox("i", t("select_indicator", lang), measures, measures[0],
                          format_func=lambda m: measure_label(m, lang), container=right)
chosen = state.institutions(all_institutions, lang)
ends = components.chart_ends(len(chosen), lang)  # past a dozen: both ends, the rest on request

# ---- data
values = queries.series(measure)
unit = measure_unit(measure)
label = measure_label(measure, lang)
years = sorted(set(values["year"].to_list()))
# Default year: the measure's latest complete year, the one every page opens on.
year = state.year_select("y", t("select_year", lang), years, queries.latest_complete_year(measure))
st.caption(f"{t('definition_label', lang)} {measure_definition(measure, lang)}")

if not chosen:
    st.info(t("choose_institutions", lang))
    st.stop()
if year is None:
    st.info(t("no_data_for_selection", lang))
    st.stop()

selected = values.filter(pl.col("iso3").is_in(chosen))
snapshot = selected.filter(pl.col("year") == year)

# ---- sections in tabs, only the open one built and sent (issue #11)
def ranking_section() -> None:
    ranking_title = t("title_indicator_year", lang, indicator=label, year=year)
    components.chart_block(
        figures.ranking_bars(snapshot, title=ranking_title, unit=unit, lang=lang, institutions=chosen,
                             n_col="n", ends=ends),
        title=ranking_title, data=snapshot, lang=lang, key="resources_ranking", unit=unit)
    components.missing_data_note(chosen, snapshot, year, lang, key="resources")


def map_section() -> None:
    map_title = t("title_indicator_year", lang, indicator=label, year=year)
    components.chart_block(
        figures.choropleth_panels(snapshot, queries.boundaries(), title=map_title, unit=unit,
                                  lang=lang, n_col="n", side_by_side=presentation.is_on()),
        title=map_title, data=snapshot, lang=lang, key="resources_map", unit=unit)


def trend_section() -> None:
    trend_title = t("trend_title_years", lang, indicator=label, first=years[0], last=years[-1])
    components.chart_block(
        figures.trend_small_multiples(selected, title=trend_title, unit=unit, lang=lang,
                                      institutions=chosen, n_col="n", ends=components.panel_ends(ends)),
        title=trend_title, data=selected, lang=lang, key="resources_trend", unit=unit)


components.section_tabs("tab", [
    components.Section("ranking", t("section_ranking", lang), ranking_section),
    components.Section("map", t("section_map", lang), map_section, opened_by=("o_map",)),
    components.Section("trend", t("section_trends", lang), trend_section, opened_by=("o_trend",)),
], lang)
