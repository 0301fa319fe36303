"""Progress since a baseline year (2017 by default), the donors' page: the selection on top, then
section tabs (URL `tab=`), the headline first: key messages and the scorecard | the summary chart |
counts per institution | plain sentences per institution, with what cannot be compared and the
sentences as a text file. The sentences are written by `mirador.progress`."""
import polars as pl
import streamlit as st

import catalogue
from mirador import components, figures, presentation, progress, queries, state
from mirador import formatting as fmt
from mirador.i18n import indicator_label, indicator_unit, institution_label, t

DEFAULT_INDICATORS = ("npm_staff", "budget_per_detainee_usd", "staff_per_1000_detainees",
                      "visits_per_place", "implemented_within_24_months", "autonomy_score")
TALLY_COLUMNS = ("improved", "worsened", "unchanged", progress.NOT_COMPARABLE)

lang = state.language()
title_slot = st.empty()  # the title names the baseline year, chosen below
title_slot.title(t("page_progress", lang))

# ---- selection
years = queries.indicator_years()
if not years:
    st.info(t("no_data_for_selection", lang))
    st.stop()
if len(years) < 2:  # one year of data: say plainly that progress needs two
    st.info(t("progress_needs_two_years", lang, year=fmt.year(years[0], lang)))
    st.stop()
baseline_default = progress.DEFAULT_BASELINE_YEAR if progress.DEFAULT_BASELINE_YEAR in years else years[0]
left, right = st.columns(2)
baseline = state.year_select("b", t("progress_baseline_year", lang), years, baseline_default,
                             container=left)
latest = state.year_select("e", t("progress_latest_year", lang), years, years[-1], container=right)
title_slot.title(t("progress_title", lang, year=baseline))
st.markdown(t("progress_intro", lang))
all_institutions = queries.institution_codes()
all_indicators = [r["indicator_id"] for r in catalogue.indicators()]
chosen = state.institutions(all_institutions, lang)
indicators = state.multiselect("i", t("progress_select_indicators", lang), all_indicators,
                               list(DEFAULT_INDICATORS), format_func=lambda i: indicator_label(i, lang))
if latest <= baseline:
    st.warning(t("progress_years_order", lang, a=baseline, b=latest))
    st.stop()
if not chosen:
    st.info(t("choose_institutions", lang))
    st.stop()
ends = components.chart_ends(len(chosen), lang)  # past a dozen: both ends, the rest on request

# ---- what the tabs share: the chosen indicators' values, the autonomy cells, when each NPM began
values = queries.indicator_values(indicators, chosen)
cells = queries.autonomy_cells()
first_npm_years = {r["iso3"]: r["first_npm_year"] for r in queries.institutions().iter_rows(named=True)
                   if r.get("first_npm_year") is not None}


def statements() -> list:
    """Every sentence of the selection (cached in mirador.progress), built by the tabs that show them."""
    return (progress.indicator_statements(values, baseline=baseline, latest=latest, institutions=chosen,
                                          indicators=indicators, lang=lang, cells=cells,
                                          first_npm_years=first_npm_years)
            + progress.criteria_statements(cells, baseline=baseline, latest=latest,
                                           institutions=chosen, lang=lang))


# ---- the content in section tabs, only the open one built (issue #11); the donors' headline first
def scorecard_section() -> None:
    """Three key messages and the scorecard: headline measures, baseline -> latest."""
    headline = progress.indicator_statements(
        queries.indicator_values(progress.HEADLINE_MEASURES, chosen), baseline=baseline, latest=latest,
        institutions=chosen, indicators=progress.HEADLINE_MEASURES, lang=lang, cells=cells,
        first_npm_years=first_npm_years)
    st.subheader(t("progress_section_scorecard", lang), anchor=False)
    # In a container: presentation mode hides the text above a page's first chart, but a donor
    # meeting needs the key messages on the screen (presentation.KEPT_TEXT_KEY).
    with st.container(key=presentation.KEPT_TEXT_KEY):
        st.markdown(f"**{t('progress_key_messages_heading', lang)}**")
        st.markdown("\n".join(f"{k}. {message}" for k, message in
                               enumerate(progress.key_messages(headline, lang), start=1)))
    components.text_table(progress.scorecard(headline, chosen, progress.HEADLINE_MEASURES, lang), lang,
                          label=t("progress_section_scorecard", lang), key="scorecard")
    st.caption(t("progress_scorecard_note", lang))


def chart_section() -> None:
    """One chosen indicator at both ends (chart indicator `d`), and why some are not compared."""
    if not indicators:
        st.info(t("compare_choose_indicator", lang))
        return
    chart_indicator = state.selectbox("d", t("progress_chart_indicator", lang), indicators,
                                      "autonomy_score" if "autonomy_score" in indicators else indicators[0],
                                      format_func=lambda i: indicator_label(i, lang))
    unit = indicator_unit(chart_indicator)
    end_values = progress.endpoints(values, chart_indicator, baseline, latest, chosen)
    chart_title = t("progress_chart_title", lang, indicator=indicator_label(chart_indicator, lang),
                    a=baseline, b=latest)
    chart_data = values.filter((pl.col("indicator_id") == chart_indicator)
                               & pl.col("year").is_in([baseline, latest]))
    components.chart_block(
        figures.dumbbell(end_values, title=chart_title, unit=unit, lang=lang, year_a=baseline, year_b=latest,
                         ends=ends),
        title=chart_title, data=chart_data, lang=lang, key="progress_dumbbell", unit=unit)
    gaps = [s.text for s in statements() if s.subject == chart_indicator and not s.comparable]
    if gaps:
        st.caption("ℹ️ " + " ".join(gaps))


def tally_section() -> None:
    """How many indicators improved, worsened, stayed or cannot be compared, per institution."""
    st.subheader(t("progress_section_tally", lang, a=baseline, b=latest), anchor=False)
    tally = progress.tally(statements())
    if tally.height:
        components.dataframe(pl.DataFrame([
            {t("col_country", lang): institution_label(r["iso3"], lang),
             **{t(f"progress_tally_{k}", lang): r[k] for k in TALLY_COLUMNS}}
            for r in tally.iter_rows(named=True)]), lang)


def institution_sentences(iso3: str, mine: list, many: bool) -> None:
    """One institution's sentences: indicators, autonomy criteria, and what cannot be compared."""
    if not many:
        st.subheader(institution_label(iso3, lang), anchor=False)
    indicator_lines = [s.text for s in mine if s.comparable and s.kind == progress.KIND_INDICATOR]
    criterion_lines = [s.text for s in mine if s.comparable and s.kind == progress.KIND_CRITERION]
    st.markdown("\n".join(f"- {line}" for line in indicator_lines) or t("progress_no_indicator", lang))
    st.markdown(f"**{t('progress_criteria_heading', lang)}**")
    st.markdown("\n".join(f"- {line}" for line in criterion_lines)
                or t("progress_no_criterion_change", lang, a=baseline, b=latest))
    gaps = [s.text for s in mine if not s.comparable]
    if gaps and many:  # already in a closed box (Streamlit nests no expanders)
        st.markdown(f"**{t('progress_not_comparable_heading', lang, n=fmt.integer(len(gaps), lang))}**")
        st.markdown("\n".join(f"- {line}" for line in gaps))
    elif gaps:
        with st.expander(t("progress_not_comparable_heading", lang, n=fmt.integer(len(gaps), lang))):
            st.markdown("\n".join(f"- {line}" for line in gaps))


def sentences_section() -> None:
    """The sentences, institution by institution, and all of them as a text file."""
    shown = statements()
    st.caption(t("progress_sentences_note", lang))
    if any(i in indicators for i in ("implementation_rate", "implemented_or_partial_rate")):
        st.caption("ℹ️ " + t("progress_rate_note", lang))
    # Above the boxes: at 80 institutions the list below is long.
    st.download_button(t("progress_download_sentences", lang), "\n".join(s.text for s in shown).encode("utf-8"),
                       file_name=f"mirador_progress_{baseline}_{latest}_{lang}.txt", mime="text/plain",
                       on_click="ignore", key="download_progress_sentences")
    many = state.many_institutions(chosen)
    for iso3 in state.institution_options(chosen, lang):
        mine = [s for s in shown if s.iso3 == iso3]
        if not many:
            with st.container(border=True):
                institution_sentences(iso3, mine, many)
            continue
        # Past a dozen, a box each is pages of text: one closed box each, opened by name, its
        # sentences built once opened (at 80 institutions ~400 texts were sent for closed boxes).
        box = st.expander(institution_label(iso3, lang), key=f"progress_sentences_{iso3}", on_change="rerun")
        if box.open:
            with box:
                institution_sentences(iso3, mine, many)


components.section_tabs("tab", [
    components.Section("summary", t("progress_tab_summary", lang), scorecard_section),
    components.Section("chart", t("progress_tab_chart", lang), chart_section, opened_by=("d",)),
    components.Section("tally", t("progress_tab_tally", lang), tally_section),
    components.Section("sentences", t("progress_tab_sentences", lang), sentences_section),
], lang)
st.caption(components.data_as_of_text(lang))
