"""Sentences of the Progress page, checked against sentences written by hand.

The frame below is tiny and made up; every expected sentence was worked out on
paper from it (rounding, signs, separators per language), not copied from the
code's output. NBSP = no-break space (Spanish puts one before %), MINUS = U+2212.
"""
from __future__ import annotations

import polars as pl
import pytest

from mirador import figure_cache, progress

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
           f"({MINUS}35.5 percentage points): no verdict: a rate by year issued depends on age (recent "
           f"recommendations have had less time) (illustrative data)."),
    ("es", f"Perú: Tasa de implementación bajó de 47,2{NBSP}% (n = 125) en 2017 a 11,7{NBSP}% (n = 196) en 2025 "
           f"({MINUS}35,5 puntos porcentuales): sin valoración: una tasa por año de emisión depende de la "
           f"antigüedad (las recomendaciones recientes han tenido menos tiempo) (datos ilustrativos)."),
    ("pt", f"Peru: Taxa de implementação desceu de 47,2% (n = 125) em 2017 para 11,7% (n = 196) em 2025 "
           f"({MINUS}35,5 pontos percentuais): sem avaliação: uma taxa por ano de emissão depende da "
           f"antiguidade (as recomendações recentes tiveram menos tempo) (dados ilustrativos)."),
])
def test_a_rate_by_year_issued_falls_without_being_called_worse(lang, expected):
    # 47.2 - 11.734694 = 35.465 -> 35.5; recent recommendations had less time: no verdict
    s = _one("PER", "implementation_rate", lang)
    assert s.text == expected
    assert s.direction == "down" and s.illustrative


def test_score_change_is_from_unrounded_values_and_estimate_flagged():
    # 75 -> 88.461538 shows as 75 -> 88, but the change is +13.46, read +13.5 points (not +13).
    s = _one("URY", "autonomy_score", "en")
    assert s.text == ("Uruguay: Autonomy score rose from 75 (14 criteria assessed) in 2017 to 88 "
                      "(13 criteria assessed) in 2025 (+13.5 points): improved (includes estimates).")
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
    figure_cache.clear()  # sentences are cached per arguments; the catalogue is fixed in a server
    try:
        s = _one("PER", "npm_staff", "en")
    finally:
        figure_cache.clear()  # none written with the changed catalogue is left for other tests
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
    # staff improved; the implementation rate by year issued fell, which age explains: "down", not "worsened"
    assert (tally["PER"]["improved"], tally["PER"]["worsened"], tally["PER"]["down"]) == (1, 0, 1)
    assert tally["PER"]["not_comparable"] == 0
    assert (tally["PAN"]["improved"], tally["PAN"]["not_comparable"]) == (0, 2)


def test_endpoints_keep_missing_as_null():
    ends = progress.endpoints(VALUES, "npm_staff", 2017, 2025, ["PER", "PAN", "CRI"])
    rows = {r["iso3"]: r for r in ends.iter_rows(named=True)}
    assert (rows["PER"]["value_a"], rows["PER"]["value_b"]) == (40.0, 50.0)
    assert rows["PAN"]["value_a"] is None and rows["PAN"]["value_b"] == 30.0
    assert rows["CRI"]["value_a"] is None and rows["CRI"]["value_b"] is None


# ----------------------------------------------------------------------------- like with like
AUTONOMY_CELLS = pl.DataFrame(
    [  # URY: 3 criteria assessed in 2017, 2 in 2025 (own_staff has no information in 2025)
        ("URY", 2017, "legal_mandate", "met", "sourced"),
        ("URY", 2017, "own_staff", "met", "sourced"),
        ("URY", 2017, "separate_budget", "not_met", "sourced"),
        ("URY", 2025, "legal_mandate", "met", "estimate"),
        ("URY", 2025, "own_staff", "no_information", "estimate"),
        ("URY", 2025, "separate_budget", "partially_met", "estimate"),
    ],
    schema=["iso3", "year", "criterion_id", "assessment", "data_status"], orient="row",
)
AUTONOMY_SCORES = pl.DataFrame(
    [  # as the mart computes them: 2017 (1 + 1 + 0) / 3 = 66.67; 2025 (1 + 0.5) / 2 = 75
        ("URY", 2017, "autonomy_score", 200 / 3, 3, "sourced"),
        ("URY", 2025, "autonomy_score", 75.0, 2, "estimate"),
    ],
    schema=["iso3", "year", "indicator_id", "value", "n", "data_status"], orient="row",
)


def test_autonomy_on_different_criteria_says_so_and_compares_the_common_ones():
    [s] = progress.indicator_statements(AUTONOMY_SCORES, baseline=2017, latest=2025, institutions=["URY"],
                                        indicators=["autonomy_score"], lang="en", cells=AUTONOMY_CELLS)
    # common criteria: legal_mandate, separate_budget -> 2017 (1 + 0) / 2 = 50; 2025 (1 + 0.5) / 2 = 75
    assert s.text == ("Uruguay: Autonomy score: 67 (3 criteria assessed) in 2017 and 75 (2 criteria assessed) "
                      "in 2025, on different criteria; on the 2 criteria assessed in both years, from 50 to 75 "
                      "(+25.0 points): improved (includes estimates).")
    assert s.direction == "improved" and s.figures["change"] == pytest.approx(25.0)


COHORTS = pl.DataFrame(
    [  # share implemented within 24 months, by year issued; 2024 and 2025 are too recent to have a value
        ("PER", 2017, "implemented_within_24_months", 40.0, 120, "illustrative"),
        ("PER", 2023, "implemented_within_24_months", 46.3, 160, "illustrative"),
        ("CHL", 2023, "implemented_within_24_months", 30.0, 90, "illustrative"),
    ],
    schema=["iso3", "year", "indicator_id", "value", "n", "data_status"], orient="row",
)


def test_a_windowed_measure_compares_with_the_latest_cohort_old_enough():
    per, chl = progress.indicator_statements(COHORTS, baseline=2017, latest=2025, institutions=["PER", "CHL"],
                                             indicators=["implemented_within_24_months"], lang="en")
    assert per.text == ("Peru: Implemented within 24 months rose from 40.0% (n = 120) in 2017 to 46.3% (n = 160) "
                        "in 2023 (+6.3 percentage points): improved (latest year issued with 24 months of "
                        "follow-up: 2023) (illustrative data).")
    assert not chl.comparable and "2017" in chl.text


def test_scorecard_and_key_messages_carry_figures_n_and_flags():
    statements = progress.indicator_statements(COHORTS, baseline=2017, latest=2025, institutions=["PER", "CHL"],
                                               indicators=["implemented_within_24_months"], lang="en")
    card = progress.scorecard(statements, ["PER", "CHL"], ["implemented_within_24_months"], "en")
    assert card.rows() == [
        ("Peru", "40.0% (n = 120) [2017] → 46.3% (n = 160) [2023] ↑ +6.3 percentage points · illustrative"),
        ("Chile", "— no data at one end"),
    ]
    [message] = progress.key_messages(statements, "en", measures=["implemented_within_24_months"])
    assert message == ("Implemented within 24 months: improved in 1 of 1 institutions with data at both ends "
                       "and worsened in 0; largest change: Peru, 40.0% (n = 120) [2017] → 46.3% (n = 160) [2023] "
                       "↑ +6.3 percentage points. No comparison for 1 (no data at one end, e.g. before the NPM "
                       "existed). (illustrative data)")


def test_a_gap_before_the_npm_operated_says_so():
    # Chile's NPM operated from 2020: no 2017 value is a gap of the NPM's history, not "not reported"
    [s] = progress.indicator_statements(COHORTS, baseline=2017, latest=2025, institutions=["CHL"],
                                        indicators=["implemented_within_24_months"], lang="en",
                                        first_npm_years={"CHL": 2020})
    assert s.text == ("Not comparable: Implemented within 24 months (Chile): the NPM was not yet operating "
                      "in 2017 (first year: 2020).")
    assert progress.scorecard_cell(s, "es") == "— el MNP aún no funcionaba en 2017 (desde 2020)"
