"""One A4 page per institution and language (see `mirador.report`).

`content(iso3, lang)` gathers what the page says, as plain data in the reader's language;
`pdf_bytes(iso3, lang)` typesets it with `templates/one_pager.typ`. The workshop report
reuses `content` for its institution pages.
"""
from __future__ import annotations

import polars as pl

import catalogue
from mirador import chart_export, figures, palette, peers, progress, queries
from mirador import formatting as fmt
from mirador.i18n import (criterion_label, indicator_label, indicator_unit, institution_label, t,
                          vocab_label)
from mirador.report import typeset

# The key figures, in the order printed (autonomy comes from its own mart: it has criteria).
KEY_INDICATORS = ("npm_staff", "staff_per_1000_detainees", "budget_per_detainee_usd",
                  "implemented_within_24_months")
AUTONOMY_AFTER = "budget_per_detainee_usd"  # the autonomy row is printed after this one
CHART_WIDTH_PX = 520       # the chart's own CSS size; typst scales it to its column
CHART_HEIGHT_PX = None    # the figure's own height: one row per indicator
# The small chart: the key figures and a few more, as % of the peer median (the profile
# page shows all indicators; eight rows keep the chart's type readable on paper).
CHART_INDICATORS = ("npm_staff", "staff_per_1000_detainees", "budget_per_detainee_usd",
                    "npm_budget_share_pct", "autonomy_score", "visits_per_place",
                    "acceptance_rate", "implemented_within_24_months")
MAX_SOURCES = 6
SOURCE_SHOWN_CHARS = 95
ASSESSMENT_ORDER = ("met", "partially_met", "not_met", "no_information")


# --------------------------------------------------------------------------- pieces
def _mark(status: str | None) -> str:
    return f" {palette.ILLUSTRATIVE_MARK}" if palette.is_illustrative(status) else ""


def _figure(value, unit: str, lang: str) -> str:
    return fmt.no_data(lang) if fmt.is_missing(value) else fmt.value(value, unit, lang)


def _rate_n(unit: str, n, lang: str) -> str:
    """'n = 131' under a rate (the recommendations with information behind it)."""
    return t("n_equals", lang, n=fmt.integer(n, lang)) if unit == "percent" and not fmt.is_missing(n) else ""


def _indicator_row(r: dict, lang: str) -> dict:
    unit = indicator_unit(r["indicator_id"])
    peer = fmt.value(r["peer_median"], unit, lang) + _mark(r["peer_data_status"]) \
        if not fmt.is_missing(r["peer_median"]) else "–"
    return {"label": indicator_label(r["indicator_id"], lang),
            "value": _figure(r["value"], unit, lang) + _mark(r["data_status"]),
            "detail": _rate_n(unit, r["n"], lang),
            "year": fmt.year(r["year"], lang) if r["year"] is not None else "",
            "peer": peer, "n_peers": fmt.integer(r["n_peers"], lang) if r["n_peers"] else "–",
            "illustrative": palette.is_illustrative(r["data_status"]) or palette.is_illustrative(
                r["peer_data_status"])}


def latest_autonomy(iso3: str) -> tuple[dict | None, pl.DataFrame]:
    """The institution's latest year with an autonomy score, and every institution's score
    that year (for the peer median)."""
    mine = queries.autonomy_scores().filter((pl.col("iso3") == iso3) & pl.col("autonomy_score").is_not_null())
    if not mine.height:
        return None, queries.autonomy_scores().clear()
    row = mine.sort("year").row(-1, named=True)
    return row, queries.autonomy_scores(row["year"])


def _autonomy_row(score: dict | None, same_year: pl.DataFrame, lang: str) -> dict:
    label = indicator_label("autonomy_score", lang)
    if score is None:
        return {"label": label, "value": fmt.no_data(lang), "detail": "", "year": "", "peer": "–",
                "n_peers": "–", "illustrative": False}
    others = same_year.filter((pl.col("iso3") != score["iso3"]) & pl.col("autonomy_score").is_not_null())
    median = figures.median(others["autonomy_score"].to_list())
    worst_peer = "illustrative" if any(palette.is_illustrative(s) for s in others["data_status"].to_list()) else None
    assessed = t("report_criteria_assessed", lang, assessed=fmt.integer(score["criteria_assessed"], lang),
                 total=fmt.integer(score["criteria_total"], lang))
    return {"label": label,
            "value": fmt.value(score["autonomy_score"], "score", lang) + _mark(score["data_status"]),
            "detail": assessed,
            "year": fmt.year(score["year"], lang),
            "peer": fmt.value(median, "score", lang) + _mark(worst_peer) if median is not None else "–",
            "n_peers": fmt.integer(others.height, lang) if others.height else "–",
            "illustrative": palette.is_illustrative(score["data_status"]) or worst_peer is not None}


def key_figures(iso3: str, lang: str) -> list[dict]:
    """Staff, staff per 1,000 detainees, budget per detainee, autonomy score (with criteria
    assessed), share implemented within 24 months (with n): each against the median of the
    other institutions in the same year."""
    compared = peers.indicator_vs_peers(queries.indicator_values(KEY_INDICATORS), iso3, KEY_INDICATORS)
    by_id = {r["indicator_id"]: r for r in compared.iter_rows(named=True)}
    score, same_year = latest_autonomy(iso3)
    rows = []
    for indicator_id in KEY_INDICATORS:
        rows.append(_indicator_row(by_id[indicator_id], lang))
        if indicator_id == AUTONOMY_AFTER:
            rows.append(_autonomy_row(score, same_year, lang))
    return rows


def timeline(inst: dict, lang: str) -> list[dict]:
    """Ratification -> designation -> operating, each date at its precision, with the years
    since ratification (a range when a date is known only to the month or year)."""
    def since(low_key: str, high_key: str) -> str:
        if inst.get(low_key) is None:
            return ""
        return t("years_after_ratification", lang,
                 years=progress.years_span_text(inst[low_key], inst[high_key], lang))

    operational = inst["npm_operational_date"]
    return [
        {"label": t("event_ratification", lang),
         "date": fmt.date(inst["opcat_ratification_date"], lang, inst.get("opcat_ratification_precision") or "day"),
         "note": "", "known": inst["opcat_ratification_date"] is not None},
        {"label": t("event_designation", lang),
         "date": fmt.date(inst["npm_designation_date"], lang, inst.get("npm_designation_precision") or "day"),
         "note": since("years_to_designation_min", "years_to_designation_max"),
         "known": inst["npm_designation_date"] is not None},
        {"label": t("event_operational", lang),
         "date": fmt.date(operational, lang, inst.get("npm_operational_precision") or "day")
         if operational else t("profile_no_operational_date", lang),
         "note": since("years_to_operation_min", "years_to_operation_max") if operational else "",
         "known": operational is not None},
    ]


def autonomy_criteria(iso3: str, year: int | None, lang: str) -> dict:
    """The criteria of that year with their assessment symbol and word, and the counts."""
    if year is None:
        return {"year": "", "criteria": [], "counts": "", "illustrative": False}
    cells = queries.autonomy_cells_for(iso3).filter(pl.col("year") == year)
    by_id = {c["criterion_id"]: c for c in cells.iter_rows(named=True)}
    criteria = []
    for meta in catalogue.criteria():
        cell = by_id.get(meta["criterion_id"]) or {}
        code = cell.get("assessment") or "no_information"
        criteria.append({"label": criterion_label(meta["criterion_id"], lang),
                         "symbol": palette.assessment_symbol(code), "code": code,
                         "colour": palette.status_colour("assessment", code),
                         "word": vocab_label("assessment", code, lang) + _mark(cell.get("data_status"))})
    counts = {code: sum(c["code"] == code for c in criteria) for code in ASSESSMENT_ORDER}
    return {"year": fmt.year(year, lang), "criteria": criteria,
            "counts": " · ".join(f"{palette.assessment_symbol(code)} {vocab_label('assessment', code, lang)}: "
                                 f"{fmt.integer(counts[code], lang)}" for code in ASSESSMENT_ORDER),
            "illustrative": any(palette.is_illustrative(s) for s in cells["data_status"].to_list())}


def _short(citation: str) -> str:
    return citation if len(citation) <= SOURCE_SHOWN_CHARS else citation[:SOURCE_SHOWN_CHARS - 1] + "…"


def source_list(iso3: str, autonomy_year: int | None, lang: str) -> tuple[list[str], int]:
    """The citations behind what the page shows (institution dates, key figures, autonomy),
    in the reader's words; at most MAX_SOURCES, and how many more there are."""
    from mirador import components
    rows = [(r["source"], r["data_status"]) for r in [queries.institution(iso3)]]
    values = queries.indicator_values(KEY_INDICATORS, [iso3])
    rows += list(zip(values["source"].to_list(), values["data_status"].to_list()))
    if autonomy_year is not None:
        cells = queries.autonomy_cells_for(iso3).filter(pl.col("year") == autonomy_year)
        rows += list(zip(cells["source"].to_list(), cells["data_status"].to_list()))
    shown: list[str] = []
    for raw, status in dict.fromkeys(rows):
        for citation in components.reader_sources(raw, status, lang):
            if citation not in shown:
                shown.append(citation)
    return [_short(s) for s in shown[:MAX_SOURCES]], max(0, len(shown) - MAX_SOURCES)


def chart_svg(iso3: str, lang: str) -> tuple[str, str]:
    """The chart indicators as % of the peer median (the profile page's chart, shorter)."""
    compared = peers.indicator_vs_peers(queries.indicator_values(CHART_INDICATORS), iso3, CHART_INDICATORS)
    title = t("profile_ratio_title", lang, country=institution_label(iso3, lang))
    fig = figures.relative_to_peer_median(compared, title=title, lang=lang)
    return chart_export.report_svg(fig, CHART_WIDTH_PX, CHART_HEIGHT_PX), title


# --------------------------------------------------------------------------- the page
def labels(lang: str) -> dict[str, str]:
    """The fixed words of the page, in the reader's language."""
    return {
        "kind": t("report_one_pager_kind", lang),
        "key_figures": t("report_key_figures", lang),
        "col_measure": t("report_col_measure", lang), "col_value": t("col_value", lang),
        "col_year": t("col_year", lang), "col_peer": t("profile_col_peer_median", lang),
        "col_n_peers": t("report_col_n_peers", lang),
        "peers_note": t("report_peers_note", lang),
        "timeline": t("section_timeline", lang),
        "instrument": t("profile_legal_instrument", lang),
        "autonomy": t("profile_section_autonomy", lang),
        "sources": t("section_sources", lang),
        "chart_note": t("report_chart_note", lang),
        "illustrative_note": t("report_illustrative_note", lang),
        "credit": t("report_credit", lang),
    }


def content(iso3: str, lang: str) -> dict:
    """Everything the one-pager says, formatted for `lang` (also used by the workshop report)."""
    inst = queries.institution(iso3)
    if inst is None:
        raise KeyError(f"no institution {iso3!r} in the database")
    score, _ = latest_autonomy(iso3)
    autonomy_year = score["year"] if score else None
    keys = key_figures(iso3, lang)
    autonomy = autonomy_criteria(iso3, autonomy_year, lang)
    sources, more = source_list(iso3, autonomy_year, lang)
    svg, chart_title = chart_svg(iso3, lang)
    illustrative = (any(r["illustrative"] for r in keys) or autonomy["illustrative"]
                    or palette.is_illustrative(inst["data_status"]))
    return {
        "lang": lang, "labels": labels(lang), "iso3": iso3,
        "country": institution_label(iso3, lang),
        "institution": inst["institution_name"],
        "npm_unit": inst["npm_unit_name"] or "",
        "npm_type": vocab_label("npm_type", inst["npm_type"], lang) if inst["npm_type"] else "",
        "key_figures": keys, "timeline": timeline(inst, lang),
        "instrument": inst["npm_designation_instrument"] or fmt.no_data(lang),
        "autonomy": autonomy,
        "chart_svg": svg, "chart_title": chart_title,
        "sources": sources,
        "sources_more": t("and_more", lang, n=fmt.integer(more, lang)) if more else "",
        "illustrative": illustrative,
        "data_date": chart_export.data_date_text(lang),
    }


def pdf_bytes(iso3: str, lang: str) -> bytes:
    """The one-page PDF of one institution in one language."""
    return typeset.compile_pdf("one_pager.typ", content(iso3, lang))


def file_name(iso3: str, lang: str) -> str:
    return f"mirador_{iso3.lower()}_{lang}.pdf"
