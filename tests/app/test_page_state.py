"""Each page owns its selections: moving between pages never empties a page.

The dashboard is run through `dashboard.py` (navigation, language selector) and moved
with `switch_page`, as a reader moves with the sidebar. AppTest keeps the query string
across `switch_page` (a browser drops it), so these tests also check that one page's
URL keys (`c`, `i`, `y` mean different things on different pages) are not read by the
next page.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from page_runner import chart_specs, small_tables

from mirador import queries
from mirador.i18n import t
from mirador.navigation import PAGES

DASHBOARD = "../../dashboard.py"
PATH = {spec.url_path: spec.path for spec in PAGES}
TITLE_KEY = {spec.url_path: spec.title_key for spec in PAGES}
CHART_PAGES = ("overview", "resources", "autonomy", "recommendations", "profile", "compare")
TABLE_PAGES = ("progress",)  # opens on its donors' scorecard, a table (its chart is a tab away)
# The "choose ..." prompts a page shows instead of its charts when its selection is empty.
CHOOSE_PROMPTS = ("choose_institutions", "compare_choose_2_to_4", "compare_choose_indicator")


def _open(lang: str = "es", **params) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params.update({"lang": lang, **params})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(PATH[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _prompts(at: AppTest, lang: str) -> list[str]:
    """'Choose ...' messages shown (their text starts like the translated prompt)."""
    starts = [t(key, lang, n="").split("{")[0][:12] for key in CHOOSE_PROMPTS]
    shown = [box.value for box in [*at.warning, *at.info]]
    return [text for text in shown if any(text.startswith(start) for start in starts)]


def _assert_populated(at: AppTest, page: str, lang: str, came_from: str) -> None:
    where = f"{came_from} -> {page}"
    assert [x.value for x in at.title][:1] == [t(TITLE_KEY[page], lang)], where
    assert not _prompts(at, lang), f"{where}: {_prompts(at, lang)}"
    if page in CHART_PAGES:
        assert chart_specs(at), f"{where}: no chart"
    if page in TABLE_PAGES:
        tables = [d.value for d in at.dataframe] + small_tables(at)
        assert tables and len(tables[0]), f"{where}: no table"


def test_the_reported_journeys_show_populated_pages(bundled_db):
    """The moves of issue 6 that emptied pages, in one session, plus a full round."""
    walk = ["overview", "compare", "overview", "progress", "profile", "resources", "compare",
            "profile", "autonomy", "profile", "recommendations", "profile", "compare", "resources",
            "autonomy", "progress", "methods", "deck", "overview"]
    at = _open("es")
    _assert_populated(at, "overview", "es", "/")
    for came_from, page in zip(walk, walk[1:]):
        _go(at, page)
        _assert_populated(at, page, "es", came_from)


def test_resources_then_autonomy_opens_on_the_latest_autonomy_year(bundled_db):
    at = _open("es")
    _go(at, "resources")
    # A Resources year that Autonomy also has, but not its latest: it must not carry over.
    autonomy_years = queries.autonomy_years()
    shared = [int(y) for y in at.selectbox(key="qp_y").options if int(y) in autonomy_years[:-1]]
    at.selectbox(key="qp_y").select(shared[0]).run()
    _go(at, "autonomy")
    assert at.selectbox(key="qp_y").value == max(queries.autonomy_years())


def test_a_selection_stays_on_its_page(bundled_db):
    """One institution chosen on Resources is not Compare's selection (which needs 2-4)."""
    at = _open("es")
    _go(at, "resources")
    at.multiselect(key="qp_c").set_value(["PER"]).run()
    assert at.query_params.get("c") in ("PER", ["PER"])
    _go(at, "compare")
    chosen = at.multiselect(key="qp_c").value
    assert 2 <= len(chosen) <= 4, chosen
    _go(at, "profile")
    assert at.selectbox(key="qp_c").value in queries.institution_codes()
    # Back on Resources, the page's own default (all institutions), not the old choice.
    _go(at, "resources")
    assert len(at.multiselect(key="qp_c").value) == len(queries.institution_codes())


def test_the_language_travels_between_pages(bundled_db):
    at = _open("es")
    at.sidebar.selectbox(key="qp_lang").select("pt").run()
    _go(at, "compare")
    assert at.title[0].value == t("page_compare", "pt")
    assert at.query_params.get("lang") in ("pt", ["pt"])


def test_a_deep_link_restores_its_page_and_selection(bundled_db):
    """The first page of a session reads its URL (a shared link)."""
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params.update({"lang": "pt", "c": ["PER", "MEX"], "y": "2019", "t": "staff"})
    at.switch_page(PATH["resources"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("page_resources", "pt")
    assert at.multiselect(key="qp_c").value == ["PER", "MEX"]
    assert at.selectbox(key="qp_y").value == 2019


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_the_root_address_forwards_to_the_overview_with_its_query(bundled_db, lang):
    at = _open(lang, i="autonomy_score")
    assert at.title[0].value == t("page_overview", lang)
    assert at.selectbox(key="qp_i").value == "autonomy_score"
    assert at.query_params.get("lang") in (lang, [lang])


def test_the_presentation_link_asks_for_presentation_mode():
    from mirador import state
    link = state.share_url("http://host/resources", {"lang": ["es"], "y": ["2019"], "embed": ["true"]},
                           embed=True)
    assert link.startswith("http://host/resources?")
    query = link.split("?", 1)[1].split("&")
    assert {"lang=es", "y=2019", "present=1", "embed=true"} == set(query)
    plain = state.share_url("http://host/resources", {"lang": ["es"], "present": ["1"]})
    assert "present" not in plain and "embed" not in plain
