"""The workshop report, one PDF per language (see `mirador.report`): cover, overview map,
one page per institution (the one-pager), comparison charts for resources, autonomy and
recommendations, the donor scorecard, and a methods and sources annex."""
from __future__ import annotations

import re

import polars as pl

from mirador import chart_export, components, exports, figures, palette, progress, queries
from mirador import formatting as fmt
from mirador.i18n import indicator_label, indicator_unit, institution_label, t
from mirador.report import one_pager, typeset

CHART_WIDTH_PX = 900
MAP_INDICATOR = "budget_per_detainee_usd"
# Comparison section: (indicator, chart kind); autonomy is drawn as the criteria matrix.
COMPARISON_INDICATORS = ("staff_per_1000_detainees", "budget_per_detainee_usd",
                         "implemented_within_24_months", "acceptance_rate")
METHODS_KEYS = ("methods_autonomy_score", "methods_implementation_rate", "methods_no_information",
                "methods_derived", "methods_missing", "methods_peer_median", "methods_progress",
                "methods_map_scale")
MAX_ANNEX_SOURCES = 60


def _segments(markdown: str) -> list[dict]:
    """'**Rate** = ...' -> [{'text': 'Rate', 'bold': True}, {'text': ' = ...', 'bold': False}]:
    the methods texts carry markdown bold; the template sets it without reading markup."""
    parts = re.split(r"\*\*", markdown)
    return [{"text": p, "bold": i % 2 == 1} for i, p in enumerate(parts) if p]


def _chart(fig, title: str, data: pl.DataFrame, lang: str, unit: str | None) -> dict:
    text = chart_export.chart_text(title, data, lang, unit=unit)
    return {"title": title, "svg": chart_export.report_svg(fig, CHART_WIDTH_PX),
            "footer": [text.illustrative_note or "", *text.footer[:-1]]}


def _latest_complete(indicator_id: str, lang: str) -> tuple[pl.DataFrame, str, str] | None:
    """(values, title, unit) of the indicator in its latest complete year, as the pages default to."""
    year = queries.latest_complete_year(indicator_id)
    if year is None:
        return None
    data = queries.indicator_values(indicator_id).filter(pl.col("year") == year)
    title = t("title_indicator_year", lang, indicator=indicator_label(indicator_id, lang), year=year)
    return data, title, indicator_unit(indicator_id)


def _ranking(indicator_id: str, lang: str) -> dict | None:
    if (latest := _latest_complete(indicator_id, lang)) is None:
        return None
    data, title, unit = latest
    fig = figures.ranking_bars(data, title=title, unit=unit, lang=lang,
                               institutions=queries.institution_codes(), n_col="n")
    return _chart(fig, title, data, lang, unit)


def overview_map(lang: str) -> dict | None:
    if (latest := _latest_complete(MAP_INDICATOR, lang)) is None:
        return None
    data, title, unit = latest
    fig = figures.choropleth_two_panels(data, queries.boundaries(), title=title, unit=unit, lang=lang,
                                        n_col="n")
    return _chart(fig, title, data, lang, unit)


def autonomy_chart(lang: str) -> dict | None:
    years = queries.autonomy_years()
    if not years:
        return None
    cells = queries.autonomy_cells(years[-1])
    title = t("report_autonomy_matrix_title", lang, year=years[-1])
    fig = figures.autonomy_matrix(cells, title=title, lang=lang, institutions=queries.institution_codes())
    return _chart(fig, title, cells, lang, None)


def scorecard(lang: str) -> dict:
    """The donor scorecard of the Progress page, baseline 2017 (or the first year) -> latest."""
    years = queries.indicator_years()
    codes = queries.institution_codes()
    baseline = progress.DEFAULT_BASELINE_YEAR if progress.DEFAULT_BASELINE_YEAR in years else years[0]
    latest = years[-1]
    first_npm_years = {r["iso3"]: r["first_npm_year"] for r in queries.institutions().iter_rows(named=True)}
    headline = progress.indicator_statements(
        queries.indicator_values(progress.HEADLINE_MEASURES, codes), baseline=baseline, latest=latest,
        institutions=codes, indicators=progress.HEADLINE_MEASURES, lang=lang,
        cells=queries.autonomy_cells(), first_npm_years=first_npm_years)
    table = progress.scorecard(headline, codes, progress.HEADLINE_MEASURES, lang)
    return {"heading": t("progress_section_scorecard", lang) + f" ({baseline} → {latest})",
            "messages": progress.key_messages(headline, lang),
            "messages_heading": t("progress_key_messages_heading", lang),
            "columns": table.columns, "rows": [list(r) for r in table.iter_rows()],
            "note": t("progress_scorecard_note", lang)}


def annex(lang: str) -> dict:
    sources = components.sources_table(queries.sources(), lang)
    cited = sources.filter(~pl.col("has_illustrative") | pl.col("source").str.starts_with("http"))
    listed = [{"country": institution_label(r["iso3"], lang), "source": r["source"]}
              for r in cited.iter_rows(named=True)]
    share = components.banner_text(queries.illustrative_share(), lang)
    return {"methods": [_segments(t(key, lang)) for key in METHODS_KEYS],
            "sources": listed[:MAX_ANNEX_SOURCES],
            "sources_more": t("and_more", lang, n=fmt.integer(len(listed) - MAX_ANNEX_SOURCES, lang))
            if len(listed) > MAX_ANNEX_SOURCES else "",
            "illustrative_share": share or "",
            "citation": exports.citation(lang, queries.data_as_of(), bool(share))}


def content(lang: str) -> dict:
    codes = queries.institution_codes()
    comparisons = [c for c in (*(_ranking(i, lang) for i in COMPARISON_INDICATORS[:2]),
                               autonomy_chart(lang),
                               *(_ranking(i, lang) for i in COMPARISON_INDICATORS[2:])) if c]
    return {
        "lang": lang,
        "labels": {**one_pager.labels(lang),
                   "report_title": t("report_workshop_title", lang),
                   "tagline": t("app_tagline", lang),
                   "overview": t("page_overview", lang),
                   "institutions": t("report_section_institutions", lang),
                   "comparisons": t("report_section_comparisons", lang),
                   "methods": t("page_methods", lang),
                   "annex_sources": t("section_sources", lang),
                   "cite_as": t("methods_cite_as", lang),
                   "contents": t("report_contents", lang)},
        "data_date": chart_export.data_date_text(lang),
        "illustrative_banner": components.banner_text(queries.illustrative_share(), lang) or "",
        "countries": [institution_label(c, lang) for c in codes],
        "map": overview_map(lang),
        "institutions": [one_pager.content(c, lang) for c in codes],
        "comparisons": comparisons,
        "scorecard": scorecard(lang),
        "annex": annex(lang),
        "illustrative_mark": palette.ILLUSTRATIVE_MARK,
    }


def pdf_bytes(lang: str) -> bytes:
    return typeset.compile_pdf("workshop.typ", content(lang))


def file_name(lang: str) -> str:
    return f"mirador_workshop_{lang}.pdf"
