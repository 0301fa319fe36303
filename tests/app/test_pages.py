"""Every page renders in every language; widgets change what is shown; URLs restore the view.

Pages are run through `dashboard.py` (navigation, language selector, banner) with
`switch_page`, and standalone for URL restores (a page switch clears query params).
"""
from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from page_runner import chart_specs, chart_titles, run_page

from mirador.i18n import LANGUAGES, indicator_label, t

DASHBOARD = "../../dashboard.py"
PAGES = {  # page file -> title key
    "pages/overview.py": "page_overview",
    "pages/resources.py": "page_resources",
    "pages/autonomy.py": "page_autonomy",
    "pages/recommendations.py": "page_recommendations",
    "pages/profile.py": "page_profile",
    "pages/compare.py": "page_compare",
    "pages/progress.py": "page_progress",
    "pages/methods.py": "page_methods",
}
MY_PAGES = ["pages/overview.py", "pages/resources.py", "pages/autonomy.py", "pages/recommendations.py"]


def _dashboard(lang: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page).run()
    return at








@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_in_each_language(bundled_db, page, lang):
    at = _dashboard(lang, page)
    assert not at.exception, [e.value for e in at.exception]
    assert [x.value for x in at.title] == [t(PAGES[page], lang)]


@pytest.mark.parametrize("page", MY_PAGES)
def test_my_pages_draw_charts_with_titles(bundled_db, page):
    at = _dashboard("en", page)
    specs = chart_specs(at)
    assert specs, f"{page} shows no chart"
    assert all(spec["layout"]["title"]["text"] for spec in specs)


def test_banner_says_data_are_partly_illustrative(bundled_db):
    at = _dashboard("pt")
    assert any("ilustrativ" in w.value for w in at.warning)


def test_sidebar_language_selector_switches_language(bundled_db):
    # On the default page: after `switch_page`, AppTest's tree no longer lists the
    # entrypoint's sidebar widgets, so the selector is driven from the first page.
    at = _dashboard("es")
    assert at.title[0].value == t("page_overview", "es")
    at.sidebar.selectbox(key="qp_lang").select("en").run()
    assert at.title[0].value == "Overview"


def test_overview_map_is_geo_and_changes_with_indicator(bundled_db):
    at = _dashboard("en", "pages/overview.py")
    before = chart_titles(at)
    assert any(tr["type"] == "choropleth" for spec in chart_specs(at) for tr in spec["data"])
    at.selectbox(key="qp_i").select("autonomy_score").run()
    after = chart_titles(at)
    assert before != after
    assert any(indicator_label("autonomy_score", "en") in title for title in after)


def test_resources_year_changes_ranking(bundled_db):
    at = run_page("pages/resources.py", lang="en")
    years = at.selectbox(key="qp_y").options
    assert len(years) > 1
    first = years[0]
    at.selectbox(key="qp_y").select(first).run()
    assert any(f", {first}" in title for title in chart_titles(at))
    assert at.query_params["y"] in (str(first), [str(first)])


def test_resources_url_restores_view(bundled_db):
    at = run_page("pages/resources.py", lang="pt", t="staff", rel="0", i="npm_staff", y="2019",
                     c=["PER", "MEX"])
    assert at.selectbox(key="qp_y").value == 2019
    assert at.multiselect(key="qp_c").value == ["PER", "MEX"]
    assert at.toggle(key="qp_rel").value is False
    titles = chart_titles(at)
    assert any(title.startswith(f"<b>{indicator_label('npm_staff', 'pt')}, 2019") for title in titles)
    ranking = chart_specs(at)[0]
    bars = [tr for tr in ranking["data"] if tr["type"] == "bar" and tr.get("y")]
    assert set(bars[0]["y"]) == {"Peru", "México"}


def test_resources_toggle_switches_to_absolute(bundled_db):
    at = run_page("pages/resources.py", lang="en", t="staff")
    assert any(indicator_label("staff_per_1000_detainees", "en") in x for x in chart_titles(at))
    at.toggle(key="qp_rel").set_value(False).run()
    assert any(x.startswith(f"<b>{indicator_label('npm_staff', 'en')}") for x in chart_titles(at))


def test_autonomy_url_restores_year_and_evidence(bundled_db):
    at = run_page("pages/autonomy.py", lang="es", y="2019", ei="URY", ec="separate_budget", tab="evidence")
    assert at.selectbox(key="qp_y").value == 2019
    assert at.selectbox(key="qp_ei").value == "URY"
    assert at.selectbox(key="qp_ec").value == "separate_budget"
    assert any("Uruguay" in m.value and "2019" in m.value for m in at.markdown)
    assert any("2019" in x for x in chart_titles(run_page("pages/autonomy.py", lang="es", y="2019")))


def test_autonomy_matrix_uses_symbols(bundled_db):
    at = run_page("pages/autonomy.py", lang="en")
    heatmap = next(tr for spec in chart_specs(at) for tr in spec["data"] if tr["type"] == "heatmap")
    symbols = {cell[0] for row in heatmap["text"] for cell in row if cell}
    assert symbols <= {"●", "◐", "○", "?"} and symbols


def test_recommendations_rates_show_n_and_filters_restore(bundled_db):
    ranking = chart_specs(run_page("pages/recommendations.py", lang="en", c=["CRI", "URY"], tab="rates"))[0]
    # Each value with its n is written under the institution's name (a second tick line).
    assert all("n = " in text for text in ranking["layout"]["yaxis"]["ticktext"])
    # A link with a filter chosen opens the public table's tab, filter restored.
    at = run_page("pages/recommendations.py", lang="en", c=["CRI", "URY"],
                  f_implementation_status=["implemented"])
    assert at.multiselect(key="qp_f_implementation_status").value == ["implemented"]
    table = at.dataframe[-1].value
    assert set(table.iloc[:, 0]) <= {"Costa Rica", "Uruguay"}


def test_recommendations_dimension_changes_breakdown(bundled_db):
    at = run_page("pages/recommendations.py", lang="es", d="theme")
    assert any("tema" in x for x in chart_titles(at))


def test_missing_database_is_built_from_bundled_data_on_first_start(tmp_path, monkeypatch):
    from mirador import db, queries
    target = tmp_path / "fresh" / "mirador.duckdb"
    monkeypatch.setenv("MIRADOR_DB", str(target))
    db.reset()
    queries.clear_cache()
    try:
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        at.query_params["lang"] = "en"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert target.exists()
        assert at.title[0].value == "Overview"
    finally:
        db.reset()
        queries.clear_cache()
