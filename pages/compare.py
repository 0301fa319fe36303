"""Compare: two to four institutions side by side on the indicators chosen (table, bars, lines)."""
import polars as pl
import streamlit as st

import catalogue
from mirador import components, exports, figures, palette, queries, state
from mirador import formatting as fmt
from mirador.i18n import (indicator_definition, indicator_label, indicator_unit,
                          indicator_unit_label, institution_label, t)

MIN_INSTITUTIONS, MAX_INSTITUTIONS = 2, 4
DEFAULT_INSTITUTIONS = ("CHL", "PER", "URY")
DEFAULT_INDICATORS = ("budget_per_detainee_usd", "staff_per_1000_detainees", "implemented_within_24_months",
                      "autonomy_score")
BASELINE_YEAR = 2017

lang = state.language()
st.title(t("page_compare", lang))
st.markdown(t("compare_intro", lang))

# ---- selection
all_institutions = queries.institution_codes()
if len(all_institutions) < MIN_INSTITUTIONS:  # data of one institution: nothing to compare with
    st.info(t("compare_needs_two", lang, name=", ".join(institution_label(c, lang) for c in all_institutions)))
    st.stop()
all_indicators = [r["indicator_id"] for r in catalogue.indicators()]
chosen = state.institutions(all_institutions, lang, label_key="compare_select_institutions",
                            default=[c for c in DEFAULT_INSTITUTIONS if c in all_institutions])
indicators = state.multiselect("i", t("compare_select_indicators", lang), all_indicators,
                               list(DEFAULT_INDICATORS), format_func=lambda i: indicator_label(i, lang))
if not MIN_INSTITUTIONS <= len(chosen) <= MAX_INSTITUTIONS:
    st.warning(t("compare_choose_2_to_4", lang, n=fmt.integer(len(chosen), lang)))
    st.stop()
if not indicators:
    st.info(t("compare_choose_indicator", lang))
    st.stop()

values = queries.indicator_values(indicators, chosen)
# Default year: the latest year complete for every chosen indicator (one table, one year), so
# with the 24-month measure it is earlier than the other pages' default: the caption says why.
default_year = queries.latest_complete_year(indicators)
left, right = st.columns([1, 2])
year = state.year_select("y", t("select_year", lang), values["year"].to_list(), default_year,
                         container=left)
show_trends = state.toggle("tr", t("compare_show_trends", lang), default=True, container=right)
if year is None:
    st.info(t("no_data_for_selection", lang))
    st.stop()

# ---- table: indicators x institutions in the chosen year
st.header(t("compare_section_table", lang, year=year))
if year == default_year:
    st.caption(t("compare_year_note", lang, year=year))
snapshot = values.filter(pl.col("year") == year)
cells = {(r["indicator_id"], r["iso3"]): r for r in snapshot.iter_rows(named=True)}


def _cell(indicator_id: str, iso3: str) -> str:
    r = cells.get((indicator_id, iso3))
    if r is None:
        return fmt.no_data(lang)
    text = fmt.value(r["value"], indicator_unit(indicator_id), lang)
    # A narrow cell breaks only between the value (with its mark) and its count: a wrapped
    # "(n =" / "150)" read as two figures, and a mark alone on a line as belonging to nothing.
    if palette.is_illustrative(r["data_status"]):
        text += f"\u00a0{palette.ILLUSTRATIVE_MARK}"
    if r["n"] is not None and indicator_unit(indicator_id) == "percent":
        text += " (" + t("n_equals", lang, n=fmt.integer(r["n"], lang)).replace(" ", "\u00a0") + ")"
    return text


# Read across, every institution in view (a grid beside the sidebar cut the third at 1280 px).
components.small_table(pl.DataFrame([
    {t("col_indicator_id", lang): indicator_label(i, lang),
     t("compare_col_unit", lang): indicator_unit_label(i, lang),
     **{institution_label(c, lang): _cell(i, c) for c in chosen}}
    for i in indicators]), label=t("compare_section_table", lang, year=year), wrap=True,
    max_rows=len(all_indicators))
st.caption(t("compare_table_note", lang) + " " + components.source_line(snapshot, lang))
st.download_button(t("download_csv", lang), exports.csv_bytes(components.data_table(snapshot, lang), lang),
                   file_name=f"mirador_compare_{year}_{lang}.csv", mime="text/csv", on_click="ignore",
                   key="download_compare_table")

# ---- one tab per indicator: bars for the year, lines over the years (only the open one is
# built and sent, issue #11)
def indicator_section(indicator_id: str) -> None:
    label, unit = indicator_label(indicator_id, lang), indicator_unit(indicator_id)
    st.caption(f"{t('definition_label', lang)} {indicator_definition(indicator_id, lang)}")
    one = values.filter(pl.col("indicator_id") == indicator_id)
    one_year = one.filter(pl.col("year") == year)
    columns = st.columns(2) if show_trends else [st.container()]
    with columns[0]:
        bars_title = t("title_indicator_year", lang, indicator=label, year=year)
        components.chart_block(
            figures.ranking_bars(one_year, title=bars_title, unit=unit, lang=lang, institutions=chosen,
                                 n_col="n", show_median=False),
            title=bars_title, data=one_year, lang=lang, key=f"compare_bars_{indicator_id}", unit=unit)
        components.missing_data_note(chosen, one_year, year, lang, key=f"compare_{indicator_id}")
    if show_trends:
        with columns[1]:
            lines_title = (t("compare_lines_title_years", lang, indicator=label,
                             first=one["year"].min(), last=one["year"].max()) if one.height
                           else t("compare_lines_title", lang, indicator=label))
            components.chart_block(
                figures.compare_lines(one, title=lines_title, unit=unit, lang=lang, institutions=chosen,
                                      n_col="n", baseline_year=BASELINE_YEAR),
                title=lines_title, data=one, lang=lang, key=f"compare_lines_{indicator_id}", unit=unit)


components.section_tabs("tab", [
    components.Section(i, indicator_label(i, lang), lambda i=i: indicator_section(i)) for i in indicators
], lang)
