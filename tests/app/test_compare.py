"""Compare page: languages, the 2-4 rule, URL restore, widgets change the table and charts.

Expected figures are worked out by hand from the bundled data (Peru's
recommendations issued in 2019: 72 implemented of 176 with status
information = 40.9 %; in 2018: 66 of 175 = 37.7 %).
"""
from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from page_runner import chart_specs, chart_titles, run_page, small_tables

PAGE = "pages/compare.py"






def _table(at: AppTest):
    """The comparison table, read as the reader reads it (a small table: every column in view)."""
    return small_tables(at)[0]


@pytest.mark.parametrize("lang, title", [("es", "Comparar"), ("pt", "Comparar"), ("en", "Compare")])
def test_renders_in_each_language(bundled_db, lang, title):
    at = run_page(PAGE, lang=lang)
    assert [x.value for x in at.title] == [title]
    assert at.get("plotly_chart"), "no chart"


def test_intro_is_translated(bundled_db):
    at = run_page(PAGE, lang="pt")
    assert at.markdown[0].value.startswith("Compare de duas a quatro instituições")


@pytest.mark.parametrize("chosen, message", [
    (["PER"], "Choose between 2 and 4 institutions to compare (now 1)."),
    (["CHL", "CRI", "ECU", "MEX", "PAN"], "Choose between 2 and 4 institutions to compare (now 5)."),
])
def test_two_to_four_institutions_enforced(bundled_db, chosen, message):
    at = run_page(PAGE, lang="en", c=chosen)
    assert [w.value for w in at.warning] == [message]
    assert not at.get("plotly_chart")


def test_url_restores_institutions_indicators_year(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER", "MEX"], i=["implementation_rate"], y="2019", tr="0")
    assert at.multiselect(key="qp_c").value == ["PER", "MEX"]
    assert at.multiselect(key="qp_i").value == ["implementation_rate"]
    assert at.selectbox(key="qp_y").value == 2019
    assert at.toggle(key="qp_tr").value is False
    table = _table(at)
    assert list(table.columns) == ["Indicator", "Unit", "Peru", "Mexico"]
    # PER 2019, public records only (issue 12): 48 implemented of 124 with status information
    # The value keeps its mark and the count stays whole (no-break spaces): a cell breaks only
    # between them ("(n =" / "124)" read as two figures).
    assert table.iloc[0]["Peru"] == "38.7%\u00a0† (n\u00a0=\u00a0124)"
    assert chart_titles(at) == ["<b>Implementation rate, 2019</b>"]


def test_year_and_trend_toggle_change_what_is_shown(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER", "MEX"], i=["implementation_rate"], y="2019")
    assert len(at.get("plotly_chart")) == 2  # bars for the year + lines over the years
    at.selectbox(key="qp_y").select(2018).run()
    assert "Comparison, 2018" in [h.value for h in at.header]
    assert _table(at).iloc[0]["Peru"] == "35.9%\u00a0† (n\u00a0=\u00a0117)"  # PER 2018 public: 42 of 117
    at.toggle(key="qp_tr").set_value(False).run()
    assert chart_titles(at) == ["<b>Implementation rate, 2018</b>"]


def test_adding_an_institution_adds_a_column_and_a_bar(bundled_db):
    at = run_page(PAGE, lang="es", c=["PER", "MEX"], i=["autonomy_score"], y="2025", tr="0")
    at.multiselect(key="qp_c").select("URY").run()
    assert list(_table(at).columns)[-1] == "Uruguay"
    bars = chart_specs(at)[0]["data"][0]
    assert set(bars["y"]) == {"Perú", "México", "Uruguay"}


def test_illustrative_values_are_marked_on_the_chart(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER", "MEX"], i=["implementation_rate"], y="2019", tr="0")
    spec = chart_specs(at)[0]
    # Both values are illustrative: the chart says so once, no bar is hatched.
    assert "Illustrative values, not published data" in spec["layout"]["title"]["text"]
    assert not any(spec["data"][0]["marker"]["pattern"]["shape"])
