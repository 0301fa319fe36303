"""Sentences of the Progress page, checked against sentences written by hand.

The frame below is tiny and made up; every expected sentence was worked out on
paper from it (rounding, signs, separators per language), not copied from the
code's output. NBSP = no-break space (Spanish puts one before %), MINUS = U+2212.
"""
from __future__ import annotations

import polars as pl
import pytest

from mirador import progress

NBSP = "\u00a0"
MINUS = "\u2212"

VALUES = pl.DataFrame(
    [
        # iso3, year, indicator_id, value, n, data_status
        ("PER", 2017, "npm_staff", 40.0, None, "sourced"),
        ("PER", 2025, "npm_staff", 50.0, None, "sourced"),
        ("PER", 2017, "implementation_rate", 47.2, 125, "illustrative"),
        ("PER", 2025, "implementation_rate", 11.734694, 196, "illustrative"),
        ("PAN", 2025, "npm_staff", 30.0, None, "illustrative"),
        ("URY", 2017, "autonomy_score", 75.0, 14, "sourced"),
        ("URY", 2025, "autonomy_score", 88.461538, 13, "estimate"),
        ("CHL", 2017, "annual_report_published", 0.0, None, "sourced"),
        ("CHL", 2025, "annual_report_published", 1.0, None, "sourced"),
        ("ESP", 2017, "budget_per_detainee_usd", 12.34, None, "sourced"),
        ("ESP", 2025, "budget_per_detainee_usd", 12.31, None, "sourced"),
        ("MEX", 2017, "npm_budget_usd", 1234567.0, None, "sourced"),
        ("MEX", 2025, "npm_budget_usd", 2469134.0, None, "sourced"),
        ("MEX", 2020, "npm_staff", 99.0, None, "sourced"),  # neither end: not comparable
    ],
    schema=["iso3", "year", "indicator_id", "value", "n", "data_status"], orient="row",
)

CELLS = pl.DataFrame(
    [
        # iso3, year, criterion_id, assessment, data_status
        ("PER", 2017, "legal_mandate", "not_met", "illustrative"),
        ("PER", 2025, "legal_mandate", "met", "illustrative"),
        ("PER", 2017, "own_staff", "met", "sourced"),
        ("PER", 2025, "own_staff", "partially_met", "sourced"),
        ("PER", 2017, "separate_budget", "not_met", "sourced"),
        ("PER", 2025, "separate_budget", "partially_met", "sourced"),
        ("PER", 2017, "dedicated_unit", "met", "sourced"),          # unchanged: no sentence
        ("PER", 2025, "dedicated_unit", "met", "sourced"),
        ("PER", 2017, "external_experts", "no_information", "sourced"),
        ("PER", 2025, "external_experts", "met", "sourced"),
    ],
    schema=["iso3", "year", "criterion_id", "assessment", "data_status"], orient="row",
)


def _one(iso3, indicator, lang):
    out = progress.indicator_statements(VALUES, baseline=2017, latest=2025, institutions=[iso3],
                                        indicators=[indicator], lang=lang)
    assert len(out) == 1
    return out[0]


@pytest.mark.parametrize("lang, expected", [
    ("en", "Peru: NPM staff rose from 40 persons in 2017 to 50 persons in 2025 (+25.0%): improved."),
    ("es", f"Perú: Personal del MNP subió de 40 personas en 2017 a 50 personas en 2025 (+25,0{NBSP}%): mejoró."),
    ("pt", "Peru: Pessoal do MNP subiu de 40 pessoas em 2017 para 50 pessoas em 2025 (+25,0%): melhorou."),
])
def test_rise_with_relative_change(lang, expected):
    s = _one("PER", "npm_staff", lang)
    assert s.text == expected
    assert s.direction == "improved" and not s.illustrative


@pytest.mark.parametrize("lang, expected", [
    ("en", f"Peru: Implementation rate fell from 47.2% (n = 125) in 2017 to 11.7% (n = 196) in 2025 "
           f"({MINUS}35.5 percentage points): worsened (illustrative data)."),
    ("es", f"Perú: Tasa de implementación bajó de 47,2{NBSP}% (n = 125) en 2017 a 11,7{NBSP}% (n = 196) en 2025 "
           f"({MINUS}35,5 puntos porcentuales): empeoró (datos ilustrativos)."),
    ("pt", f"Peru: Taxa de implementação desceu de 47,2% (n = 125) em 2017 para 11,7% (n = 196) em 2025 "
           f"({MINUS}35,5 pontos percentuais): piorou (dados ilustrativos)."),
])
def test_rate_fall_in_points_with_n_and_illustrative_flag(lang, expected):
    s = _one("PER", "implementation_rate", lang)
    assert s.text == expected
    assert s.direction == "worsened" and s.illustrative


def test_score_change_is_between_the_figures_shown_and_estimate_flagged():
    # 75 -> 88.46 shows as 75 -> 88, so the change reads +13 points (not +13.46).
    s = _one("URY", "autonomy_score", "en")
    assert s.text == ("Uruguay: Autonomy score rose from 75 (14 criteria assessed) in 2017 to 88 "
                      "(13 criteria assessed) in 2025 (+13 points): improved (includes estimates).")
    assert s.estimate and not s.illustrative


def test_yes_no_reads_as_words():
    assert _one("CHL", "annual_report_published", "es").text == (
        "Chile: Informe anual publicado: No en 2017, Sí en 2025: mejoró.")


def test_equal_as_shown_is_unchanged():
    # 12.34 and 12.31 both show as 12.3 (one decimal for USD per detainee).
    s = _one("ESP", "budget_per_detainee_usd", "en")
    assert s.text == ("Spain: Budget per detainee (USD) stayed at 12.3 USD per detainee in 2017 "
                      "and in 2025.")
    assert s.direction == "unchanged"


@pytest.mark.parametrize("lang, expected", [
    ("en", "Mexico: NPM budget (USD) rose from 1,234,567 USD in 2017 to 2,469,134 USD in 2025 "
           "(+100.0%): improved."),
    ("es", f"México: Presupuesto del MNP (USD) subió de 1.234.567 USD en 2017 a 2.469.134 USD en 2025 "
           f"(+100,0{NBSP}%): mejoró."),
    ("pt", f"México: Orçamento do MNP (USD) subiu de 1{NBSP}234{NBSP}567 USD em 2017 para "
           f"2{NBSP}469{NBSP}134 USD em 2025 (+100,0%): melhorou."),
])
def test_thousands_separators_per_language(lang, expected):
    assert _one("MEX", "npm_budget_usd", lang).text == expected


@pytest.mark.parametrize("iso3, lang, expected", [
    ("PAN", "en", "Not comparable: no data for NPM staff (Panama) in 2017."),
    ("PAN", "es", "No comparable: sin datos de Personal del MNP (Panamá) en 2017."),
    ("MEX", "pt", "Não comparável: sem dados de Pessoal do MNP (México) em 2017 e 2025."),
])
def test_missing_end_gives_no_sentence_only_a_not_comparable_note(iso3, lang, expected):
    s = _one(iso3, "npm_staff", lang)
    assert s.text == expected
    assert not s.comparable and s.direction == progress.NOT_COMPARABLE


def test_lower_is_better_flips_the_verdict(monkeypatch):
    real = progress.catalogue.indicator

    def fake(indicator_id):
        row = dict(real(indicator_id))
        row["higher_is_better"] = "no"
        return row

    monkeypatch.setattr(progress.catalogue, "indicator", fake)
    s = _one("PER", "npm_staff", "en")
    assert s.text.endswith(": worsened.") and s.direction == "worsened"


def _criteria(lang):
    return progress.criteria_statements(
        CELLS, baseline=2017, latest=2025, institutions=["PER"], lang=lang,
        criteria=["legal_mandate", "dedicated_unit", "own_staff", "separate_budget", "external_experts"])


def test_criteria_sentences_in_english():
    texts = [s.text for s in _criteria("en")]
    assert texts == [
        "Peru: the criterion “Mandate in law”, not met in 2017, was met in 2025 (illustrative data).",
        "Peru: the criterion “Own staff”, met in 2017, was partially met in 2025: no longer met.",
        "Peru: the criterion “Separate budget”, not met in 2017, was partially met in 2025.",
        "Not comparable: no information on the criterion “External experts” (Peru) in 2017.",
    ]


def test_criteria_sentences_in_spanish_and_portuguese():
    es = [s.text for s in _criteria("es")]
    assert es[0] == ("Perú: el criterio «Mandato en ley», no cumplido en 2017, se cumplía en 2025 "
                     "(datos ilustrativos).")
    assert es[1] == ("Perú: el criterio «Personal propio», cumplido en 2017, figuraba como parcialmente "
                     "cumplido en 2025: dejó de cumplirse.")
    pt = [s.text for s in _criteria("pt")]
    assert pt[3] == "Não comparável: sem informação sobre o critério «Peritos externos» (Peru) em 2017."
    directions = [s.direction for s in _criteria("en")]
    assert directions == ["improved", "worsened", "improved", progress.NOT_COMPARABLE]


def test_tally_counts_directions_per_institution():
    statements = progress.indicator_statements(
        VALUES, baseline=2017, latest=2025, institutions=["PER", "PAN"],
        indicators=["npm_staff", "implementation_rate"], lang="en")
    tally = {r["iso3"]: r for r in progress.tally(statements).iter_rows(named=True)}
    assert (tally["PER"]["improved"], tally["PER"]["worsened"], tally["PER"]["not_comparable"]) == (1, 1, 0)
    assert (tally["PAN"]["improved"], tally["PAN"]["not_comparable"]) == (0, 2)


def test_endpoints_keep_missing_as_null():
    ends = progress.endpoints(VALUES, "npm_staff", 2017, 2025, ["PER", "PAN", "CRI"])
    rows = {r["iso3"]: r for r in ends.iter_rows(named=True)}
    assert (rows["PER"]["value_a"], rows["PER"]["value_b"]) == (40.0, 50.0)
    assert rows["PAN"]["value_a"] is None and rows["PAN"]["value_b"] == 30.0
    assert rows["CRI"]["value_a"] is None and rows["CRI"]["value_b"] is None
