"""Progress page: languages, baseline in the URL, sentences with figures and flags,
not-comparable notes, summary chart.

Expected sentences are written by hand from the bundled data: Peru's
recommendations issued in 2018 were 66 implemented of 175 with status
information (37.7 %), those issued in 2025 23 of 196 (11.7 %): a fall of
26.0 points. Panama has no implementation rate for 2017 (its NPM started in
2018). Peru's "Operational independence" is not met in 2017 and met in 2025
(data/input/autonomy_assessments.csv). All of these rows are illustrative.
"""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from page_runner import run_page

PAGE = "pages/progress.py"
NBSP = "\u00a0"
MINUS = "\u2212"




def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


@pytest.mark.parametrize("lang, title", [
    ("es", "Avances desde 2017"), ("pt", "Progressos desde 2017"), ("en", "Progress since 2017")])
def test_renders_in_each_language_with_2017_baseline(bundled_db, lang, title):
    at = run_page(PAGE, lang=lang)
    assert [x.value for x in at.title] == [title]
    assert at.selectbox(key="qp_b").value == 2017


def test_url_restores_baseline_institutions_and_indicators(bundled_db):
    at = run_page(PAGE, lang="en", b="2018", e="2025", c=["PER"], i=["implementation_rate"])
    assert [x.value for x in at.title] == ["Progress since 2018"]
    assert at.multiselect(key="qp_c").value == ["PER"]
    assert at.multiselect(key="qp_i").value == ["implementation_rate"]
    # public records only (issue 12): 42/117 = 35.90 %, 17/135 = 12.59 %: the change from unrounded
    # values is -23.30 -> -23.3; the fall is what age explains (recent recommendations had less time): no verdict
    assert ("- Peru: Implementation rate fell from 35.9% (n = 117) in 2018 to 12.6% (n = 135) in 2025 "
            f"({MINUS}23.3 percentage points): no verdict: a rate by year issued depends on age (recent "
            "recommendations have had less time) (illustrative data).") in _text(at)


def test_sentence_in_spanish_formats_numbers_the_spanish_way(bundled_db):
    at = run_page(PAGE, lang="es", b="2018", c=["PER"], i=["implementation_rate"])
    assert (f"Perú: Tasa de implementación bajó de 35,9{NBSP}% (n = 117) en 2018 a 12,6{NBSP}% (n = 135) "
            f"en 2025 ({MINUS}23,3 puntos porcentuales): sin valoración: una tasa por año de emisión depende "
            "de la antigüedad (las recomendaciones recientes han tenido menos tiempo) (datos ilustrativos).") in _text(at)


def test_missing_baseline_is_not_comparable_and_has_no_sentence(bundled_db):
    at = run_page(PAGE, lang="en", c=["PAN"], i=["implementation_rate"])
    text = _text(at)
    # Panama's NPM operated from August 2018: the 2017 gap says so
    assert ("Not comparable: Implementation rate (Panama): the NPM was not yet operating in 2017 "
            "(first year: 2018).") in text
    assert "Panama: Implementation rate" not in text
    assert "No indicator has data in both years." in text


def test_autonomy_criterion_that_became_met(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["autonomy_score"])
    assert ("Peru: the criterion “Operational independence”, not met in 2017, was met in 2025 "
            "(illustrative data).") in _text(at)


def test_changing_the_baseline_changes_title_sentences_and_chart(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["implementation_rate"])
    assert "in 2017 to" in _text(at)
    at.selectbox(key="qp_b").select(2018).run()
    assert [x.value for x in at.title] == ["Progress since 2018"]
    assert "from 35.9% (n = 117) in 2018" in _text(at)
    assert _chart_specs(at)[0]["layout"]["meta"]["title"] == "Implementation rate: 2018 → 2025"
    assert at.query_params["b"] in ("2018", ["2018"])


def test_summary_chart_marks_illustrative_ends(bundled_db):
    at = run_page(PAGE, lang="pt", c=["PER", "URY"], i=["autonomy_score"])
    spec = _chart_specs(at)[0]
    assert spec["layout"]["meta"]["title"] == "Pontuação de autonomia: 2017 → 2025"
    # Both ends of both institutions are illustrative: the chart says so once, no † per end.
    assert "Valores ilustrativos, não são dados publicados" in spec["layout"]["title"]["text"]
    assert not [tr for tr in spec["data"] if tr.get("mode") == "text"]


def test_tally_counts_improved_and_worsened(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["implementation_rate", "autonomy_score"])
    tally = next(d.value for d in at.dataframe if "Improved" in d.value.columns)
    row = tally.iloc[0]
    # autonomy improved; the rate by year issued fell, which age explains: not counted as worsened
    assert (row["Country"], row["Improved"], row["Worsened"], row["Not comparable"]) == ("Peru", 1, 0, 0)


def test_scorecard_comes_first_and_chile_has_no_score_before_its_npm(bundled_db):
    at = run_page(PAGE, lang="en", c=["CHL", "PER"])
    assert [h.value for h in at.header][0] == "Donor scorecard: baseline → latest"
    card = at.dataframe[0].value
    chile = card[card["Country"] == "Chile"].iloc[0]
    # Chile's NPM operated from May 2020: no 2017 autonomy score, and the gap says why
    assert chile["Autonomy score"] == "— NPM not yet operating in 2017 (since 2020)"
    text = _text(at)
    assert "Chile: Autonomy score rose" not in text
    messages = [m.value for m in at.markdown if m.value.startswith("1. ")]
    assert messages and messages[0].startswith("1. Implemented within 24 months:")


def test_baseline_after_latest_year_is_refused(bundled_db):
    at = run_page(PAGE, lang="en", b="2025", e="2017")
    assert [w.value for w in at.warning] == ["The baseline year (2025) must come before the latest year (2017)."]
