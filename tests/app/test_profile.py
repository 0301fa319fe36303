"""Institution profile page: languages, URL restore, widget changes, timeline, peer median.

Expected values are worked out by hand from data/input (institutions.csv,
autonomy scores of the bundled data), not read back from the page's code.
"""
from __future__ import annotations


import pytest

import csv
from pathlib import Path
from urllib.parse import urlparse

from page_runner import chart_titles, run_page, small_tables

REPO = Path(__file__).resolve().parents[2]
FACTS = REPO / "data" / "input" / "reference_facts.csv"

PAGE = "pages/profile.py"






@pytest.mark.parametrize("lang, title, tab", [
    ("es", "Perfil de la institución", "Hechos y fuentes"),
    ("pt", "Perfil da instituição", "Factos e fontes"),
    ("en", "Institution profile", "Facts and sources"),
])
def test_renders_in_each_language(bundled_db, lang, title, tab):
    at = run_page(PAGE, lang=lang)
    assert [x.value for x in at.title] == [title]
    assert tab in [x.label for x in at.tabs]


def test_url_restores_institution_and_year(bundled_db):
    at = run_page(PAGE, lang="en", c="PER", y="2019", tab="autonomy")
    assert at.selectbox(key="qp_c").value == "PER"
    assert at.selectbox(key="qp_y").value == 2019
    assert "<b>Peru: autonomy criteria, 2019</b>" in chart_titles(at)
    # The headline tab opens when the link names none (an old link's year does not move it).
    assert chart_titles(run_page(PAGE, lang="en", c="PER", y="2019")) == [
        "<b>Peru: each indicator as % of the peer median</b>"]


def test_timeline_gives_dates_instrument_and_years_after_ratification(bundled_db):
    at = run_page(PAGE, lang="en", c="PER", tab="timeline")
    timeline = next(m.value for m in at.markdown if "**OPCAT ratification**" in m.value)
    # Peru ratified 14 Sep 2006, designated 22 Dec 2015 by Ley 30394: 3,386 days = 9.27 years.
    assert "**OPCAT ratification**: September 14, 2006" in timeline
    assert "**NPM designation**: December 22, 2015 (9.3 years after ratification)" in timeline
    assert "Ley 30394" in timeline
    assert "**NPM operating**: no operating date recorded" in timeline  # not zero, not invented


def test_timeline_in_spanish_shows_month_precision(bundled_db):
    at = run_page(PAGE, lang="es", c="CHL", tab="timeline")
    timeline = next(m.value for m in at.markdown if "**Ratificación del OPCAT**" in m.value)
    # Chile's NPM is operating since May 2020 (known to the month only).
    assert "**MNP en funcionamiento**: mayo de 2020" in timeline


def test_choosing_another_institution_changes_the_view(bundled_db):
    at = run_page(PAGE, lang="en", c="PER")
    at.selectbox(key="qp_c").select("URY").run()
    assert not at.exception
    assert any(s.value.startswith("Uruguay:") for s in at.subheader)
    assert "<b>Uruguay: each indicator as % of the peer median</b>" in chart_titles(at)
    assert at.query_params["c"] in ("URY", ["URY"])


def test_autonomy_score_against_peer_median(bundled_db):
    # 2025 autonomy scores: PER 64.3; the other eight 50, 64.3, 64.3, 67.9, 71.4, 78.6, 85.7,
    # 88.5 -> median (67.9 + 71.4) / 2 = 69.6 -> shown "70"; ratio 64.3 / 69.6 = 92 %.
    at = run_page(PAGE, lang="en", c="PER")
    # the area table (formatted text), not the chart's "show data" table (raw numbers)
    mandate = next(table for table in small_tables(at)
                   if "Peer median" in table.columns and "Autonomy score" in set(table["Indicator"]))
    row = mandate[mandate["Indicator"] == "Autonomy score"].iloc[0]
    assert row["Value"] == "64 †"
    assert row["Year"] == "2025"
    assert row["Peer median"] == "70 †"
    assert row["Institutions in the median"] == "8"
    assert row["% of median"] == "92%"


def test_reference_facts_with_links_and_confidence(bundled_db):
    at = run_page(PAGE, lang="pt", c="PER", tab="facts")
    # Read whole (a small table): each fact with its quote, its source as a link, its confidence.
    facts = next(t for t in small_tables(at, hrefs=True) if "Citação" in t.columns)
    shown = next(t for t in small_tables(at) if "Citação" in t.columns)
    row = facts[facts["Dado"] == "Ratificação do OPCAT"].iloc[0]  # label, not the code opcat_ratification
    given = [r for r in csv.DictReader(FACTS.open(encoding="utf-8"))
             if (r["iso3"], r["field"]) == ("PER", "opcat_ratification")]
    assert given[0]["value"] == "2006-09-14" and row["Valor"] == "14 de setembro de 2006"
    assert row["Fonte"] == given[0]["source_url"] and row["Citação"] == given[0]["quote"]
    # The link reads as its site's name.
    assert shown[shown["Dado"] == "Ratificação do OPCAT"].iloc[0]["Fonte"] == urlparse(given[0]["source_url"]).hostname.removeprefix("www.")
    assert len(facts) == sum(1 for r in csv.DictReader(FACTS.open(encoding="utf-8")) if r["iso3"] == "PER")
    assert set(facts["Confiança"]) <= {"Alta", "Média", "Baixa"}


@pytest.mark.parametrize("lang, group, decimal", [("es", ".", ","), ("pt", "\u00a0", ","), ("en", ",", ".")])
def test_reference_facts_read_in_the_page_language_except_the_quote(bundled_db, lang, group, decimal):
    """A Spanish reader saw '230.49', '43961', 'persons' and 'undated' on a Spanish page. Every
    fact of the nine institutions: its unit in the page's language (catalogue/fact_units.csv),
    a plain number in the page's number format and worth what the file says, the quote as typed."""
    with (REPO / "catalogue" / "fact_units.csv").open(encoding="utf-8") as f:
        units = {r["unit"]: r for r in csv.DictReader(f)}
    given = list(csv.DictReader(FACTS.open(encoding="utf-8")))
    header = {"es": ("Dato", "Valor", "Unidad", "Año", "Cita"), "pt": ("Dado", "Valor", "Unidade", "Ano", "Citação"),
              "en": ("Fact", "Value", "Unit", "Year", "Quote")}[lang]
    undated = {"es": "sin fecha", "pt": "sem data", "en": "undated"}[lang]
    numbers_checked = 0
    for iso3 in sorted({r["iso3"] for r in given}):
        facts = next(t for t in small_tables(run_page(PAGE, lang=lang, c=iso3, tab="facts")) if header[4] in t.columns)
        for _, row in facts.iterrows():
            # The quote is the key back to the input row: verbatim, in the source's language.
            source_row = next(r for r in given if r["iso3"] == iso3 and r["quote"] == row[header[4]])
            unit = source_row["unit"]
            assert row[header[2]] == (units[unit][f"label_{lang}"] if unit else ""), (iso3, unit)
            assert row[header[3]] == (undated if source_row["year"] == "undated" else source_row["year"])
            value = source_row["value"]
            if unit and units[unit]["kind"] == "quantity" and value.replace(".", "", 1).isdigit() \
                    and not (value.count(".") and len(value.split(".")[1]) == 3):
                shown = row[header[1]]
                assert float(shown.replace(group, "").replace(decimal, ".")) == float(value), (iso3, value, shown)
                assert len(shown.split(decimal)[1]) == len(value.split(".")[1]) if "." in value else decimal not in shown
                numbers_checked += 1
    assert numbers_checked >= 30  # the bundled facts hold 39 plain numbers, some on a year unit


def test_autonomy_tab_reads_each_criterion_in_the_matrix_order_with_its_assessment(bundled_db):
    """The evidence table lists the year's criteria in the catalogue's order (the matrix's
    columns), each with its assessment as the input file gives it, every cell whole."""
    root = REPO
    criteria = sorted(csv.DictReader((root / "catalogue" / "criteria.csv").open(encoding="utf-8")),
                      key=lambda c: int(c["order"]))
    words = {r["code"]: r["label_en"] for r in csv.DictReader((root / "catalogue" / "vocabulary.csv").open(encoding="utf-8"))
             if r["domain"] == "assessment"}
    given = {r["criterion_id"]: r["assessment"] for r in csv.DictReader(
        (root / "data" / "input" / "autonomy_assessments.csv").open(encoding="utf-8"))
        if (r["iso3"], r["year"]) == ("CRI", "2025")}
    at = run_page(PAGE, lang="en", c="CRI", y="2025", tab="autonomy")
    table = next(table for table in small_tables(at) if "Evidence" in table.columns)
    expected = [c for c in criteria if c["criterion_id"] in given]
    assert list(table["Criterion"]) == [c["label_en"] for c in expected]
    assert [a.split(" ", 1)[1] for a in table["Assessment"]] == [words[given[c["criterion_id"]]] for c in expected]


def test_area_tables_link_the_latest_sourced_value_to_its_source(bundled_db):
    """Portugal's visits: the latest value (2024) is illustrative, the latest sourced one is 2022's
    (44, data/input/observations.csv); its source reads as the site's name and opens its page."""
    given = next(r for r in csv.DictReader((FACTS.parent / "observations.csv").open(encoding="utf-8"))
                 if (r["iso3"], r["year"], r["indicator_id"]) == ("PRT", "2022", "npm_visits"))
    at = run_page(PAGE, lang="en", c="PRT")
    linked = _row(small_tables(at, hrefs=True), "Visits to places of detention")
    shown = _row(small_tables(at), "Visits to places of detention")
    assert shown["Latest sourced value (year)"] == f"{given['value']} (2022)"
    assert linked["Source"] == given["source"]
    assert shown["Source"] == urlparse(given["source"]).hostname


def _row(tables, indicator: str):
    table = next(t for t in tables if indicator in set(t.get("Indicator", [])))
    return table[table["Indicator"] == indicator].iloc[0]
