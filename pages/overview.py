"""Overview: a card per institution, then the two-panel map, the OPCAT timeline and the sources
in section tabs."""
import polars as pl
import streamlit as st

from mirador import components, figures, literal, palette, presentation, queries, state
from mirador import formatting as fmt
from mirador.i18n import (indicator_label, indicator_unit, institution_label, measure_label, t,
                          vocab_label)

# The headline implementation measure is the share implemented within 24 months (issue 8):
# the rate to date falls for recent years only because they have had less time.
CARD_INDICATORS = ("npm_staff", "budget_per_detainee_usd", "autonomy_score", "implemented_within_24_months")
MAP_INDICATORS = ("budget_per_detainee_usd", "staff_per_1000_detainees", "npm_budget_share_pct",
                  "visits_per_place", "autonomy_score", "implemented_within_24_months",
                  "acceptance_rate")
CARDS_PER_ROW = 3

lang = state.language()
st.title(t("page_overview", lang))
st.markdown(t("overview_intro", lang))

# ---- selection: each card figure is of its indicator's latest complete year, the year
# the other pages open on, so a figure here reads the same there.
institutions = queries.institution_codes()
card_years = {i: queries.latest_complete_year(i) for i in CARD_INDICATORS}
card_values = queries.indicator_values(CARD_INDICATORS)
latest_any = {r["iso3"]: r["year"] for r in queries.latest_year_with_data().iter_rows(named=True)}
names = {r["iso3"]: r for r in queries.institutions().iter_rows(named=True)}


def _figure(r: dict) -> str:
    """'12,5 % † (2023, n = 179)': value, illustrative mark, year and n where it is a rate."""
    unit = indicator_unit(r["indicator_id"])
    mark = f" {palette.ILLUSTRATIVE_MARK}" if palette.is_illustrative(r["data_status"]) else ""
    n_text = (f", {t('n_equals', lang, n=fmt.integer(r['n'], lang))}"
              if r["n"] is not None and unit == "percent" else "")
    return f"{fmt.value(r['value'], unit, lang)}{mark} ({r['year']}{n_text})"


def _card_line(iso3: str, indicator: str) -> str:
    """The value in the indicator's complete year; when missing, says so and gives the latest one."""
    mine = card_values.filter((pl.col("iso3") == iso3) & (pl.col("indicator_id") == indicator))
    year = card_years[indicator]
    in_year = mine.filter(pl.col("year") == year) if year is not None else mine.clear()
    if in_year.height:
        shown = f"**{_figure(in_year.row(0, named=True))}**"
    elif mine.height and year is not None:
        shown = t("card_no_data_in_year", lang, year=fmt.year(year, lang),
                  latest=_figure(mine.sort("year").row(-1, named=True)))
    else:
        shown = f"**{fmt.no_data(lang)}**"
    return f"- {indicator_label(indicator, lang)}: {shown}"


def _column_name(indicator: str) -> str:
    """'Staff of the NPM, 2024': a table column holds one year, as a card line does."""
    unit = indicator_unit(indicator)
    label = indicator_label(indicator, lang) + (" (%)" if unit == "percent" else "")
    return t("title_indicator_year", lang, indicator=label, year=card_years[indicator])


def _row_status(statuses: list[str]) -> str:
    """One word for a row's figures: all illustrative, all of one status, or mixed."""
    if not statuses:
        return fmt.no_data(lang)
    if len(set(statuses)) == 1:
        return vocab_label("data_status", statuses[0], lang)
    return t("overview_status_mixed", lang)


def _institutions_table() -> pl.DataFrame:
    """One row per institution, numbers kept as numbers so that a click on a header sorts."""
    in_year = card_values.join(pl.DataFrame({"indicator_id": list(card_years), "year": list(card_years.values())},
                                            schema={"indicator_id": pl.String, "year": pl.Int64}),
                               on=["indicator_id", "year"])
    cells = {(r["iso3"], r["indicator_id"]): r for r in in_year.iter_rows(named=True)}
    rows = []
    for iso3 in institutions:
        row = {t("col_country", lang): institution_label(iso3, lang)}
        for indicator in CARD_INDICATORS:
            cell = cells.get((iso3, indicator))
            row[_column_name(indicator)] = cell["value"] if cell else None
            if indicator_unit(indicator) == "percent":
                row[t("overview_col_n", lang, indicator=indicator_label(indicator, lang))] = cell["n"] if cell else None
        row[t("latest_year_with_data", lang)] = latest_any.get(iso3)
        row[t("col_data_status", lang)] = _row_status(
            [cells[(iso3, i)]["data_status"] for i in CARD_INDICATORS if (iso3, i) in cells])
        # Last: the long official names would push the figures out of view.
        row[t("col_institution_name", lang)] = names[iso3]["institution_name"]
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)


# ---- cards for the nine; past a dozen, one sortable table (80 cards would be 27 screens)
st.header(t("section_institutions", lang))
if state.many_institutions(institutions):
    st.caption(t("overview_table_caption", lang))
    table = _institutions_table()
    whole_numbers = [t("latest_year_with_data", lang)] + [
        t("overview_col_n", lang, indicator=indicator_label(i, lang)) for i in CARD_INDICATORS
        if indicator_unit(i) == "percent"]
    # Each figure with its unit's decimals (the cards' own), still a number for sorting.
    decimals = {_column_name(i): fmt.UNIT_DECIMALS.get(indicator_unit(i), 1) for i in CARD_INDICATORS}
    components.dataframe(table, lang, height=560, column_config={
        **{name: st.column_config.NumberColumn(format=f"%.{n}f") for name, n in decimals.items()},
        **{name: st.column_config.NumberColumn(format="%d") for name in whole_numbers},
        t("col_institution_name", lang): st.column_config.TextColumn(width="medium")})
else:
    st.caption(t("cards_period_note", lang))
    for start in range(0, len(institutions), CARDS_PER_ROW):
        for column, iso3 in zip(st.columns(CARDS_PER_ROW), institutions[start:start + CARDS_PER_ROW]):
            with column.container(border=True):
                st.subheader(f"{institution_label(iso3, lang)}", anchor=False)
                inst = names[iso3]
                st.caption(f"{literal.markdown(inst['institution_name'])} · "
                           f"{literal.markdown(inst['npm_unit_name'])}")
                lines = [_card_line(iso3, indicator) for indicator in CARD_INDICATORS]
                lines.append(f"- {t('latest_year_with_data', lang)}: **{fmt.year(latest_any.get(iso3), lang)}**")
                st.markdown("\n".join(lines))

# ---- the map, the OPCAT timeline and the sources in section tabs, only the open one built
# (issue #11: the three drawn one under the other made the landing page's cold open 1.6x the
# floor's and a switch back to it the app's slowest; each is one click away and in the URL).
def map_section() -> None:
    map_indicator = state.selectbox("i", t("map_indicator", lang), MAP_INDICATORS, MAP_INDICATORS[0],
                                    format_func=lambda m: measure_label(m, lang))
    map_year = queries.latest_complete_year(map_indicator)
    map_data = queries.series(map_indicator).filter(pl.col("year") == (map_year or 0))
    map_title = t("title_indicator_year", lang, indicator=indicator_label(map_indicator, lang), year=map_year)
    components.chart_block(
        figures.choropleth_panels(map_data, queries.boundaries(), title=map_title,
                                  unit=indicator_unit(map_indicator), lang=lang, n_col="n",
                                  side_by_side=presentation.is_on()),
        title=map_title, data=map_data, lang=lang, key="overview_map", unit=indicator_unit(map_indicator))
    components.missing_data_note(institutions, map_data, map_year, lang, key="overview")


def timeline_section() -> None:
    institution_rows = queries.institutions()
    timeline_title = t("timeline_title", lang)
    components.chart_block(
        figures.timeline(institution_rows, title=timeline_title, lang=lang,
                         ends=components.chart_ends(len(institutions), lang)),
        title=timeline_title, lang=lang, key="overview_timeline",
        data=institution_rows.select("iso3", "institution_name", "opcat_ratification_date",
                                     "npm_designation_date", "npm_operational_date",
                                     "data_status", "source"))


def sources_section() -> None:
    st.caption(components.data_as_of_text(lang))
    st.markdown(t("sources_intro", lang))
    sources_shown, link_config = components.link_column(
        components.data_table(components.sources_table(queries.sources(), lang), lang), t("col_source", lang), lang)
    components.dataframe(sources_shown, lang, column_config=link_config)


components.section_tabs("tab", [
    components.Section("map", t("section_map", lang), map_section),
    components.Section("timeline", t("section_timeline", lang), timeline_section),
    components.Section("sources", t("section_sources", lang), sources_section),
], lang)
