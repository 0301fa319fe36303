"""Section tabs and "show data" tables (issue #11): only what is open is built and sent.

A page opens on its headline section; every other section is one click away, in the URL as a
language-neutral code (`tab=trend`), and old links (section toggles `o_trend=1`, a section's
own selection `r=`) open the matching tab.
"""
from __future__ import annotations

from page_runner import (SECTION_TABS, chart_specs, chart_titles, open_data_tables, open_section, run_page,
                         small_tables)

RECOMMENDATIONS = "pages/recommendations.py"


def _geo(at) -> bool:
    return any(tr["type"] == "choropleth" for spec in chart_specs(at) for tr in spec["data"])


def _url(at, key: str) -> list[str]:
    value = at.query_params.get(key)
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def test_recommendations_opens_on_its_headline_chart_alone(bundled_db):
    at = run_page(RECOMMENDATIONS, lang="en")
    assert [tab.label for tab in at.tabs] == [
        "12, 24, 36 months", "Time to implement", "Acceptance", "Rates", "Status",
        "Trend and map", "Breakdown", "List"]  # short: the bar fits 1280 px without a scroll arrow
    assert chart_titles(at) == ["<b>Implemented within 24 months of issue, issued in 2023</b>"]
    assert _url(at, "tab") == ["by_age"]


def test_a_click_on_a_tab_builds_that_section_only_and_writes_its_code(bundled_db):
    at = open_section(run_page(RECOMMENDATIONS, lang="en"), "trend")
    assert _geo(at)
    assert len(chart_specs(at)) == 2  # the trend and the map, not the headline
    assert _url(at, "tab") == ["trend"]


def _main_content(at) -> tuple:
    """What the page shows in its main area: charts, tables, text, downloads."""
    return (tuple(chart_titles(at)), tuple(tr["type"] for spec in chart_specs(at) for tr in spec["data"]),
            tuple(str(d.value.columns) for d in at.dataframe), tuple(str(list(t.columns)) for t in small_tables(at)),
            tuple(m.value for m in at.main.markdown),
            tuple(b.proto.label for b in at.main.get("download_button")))


def test_every_section_of_every_page_draws(bundled_db):
    for page, codes in SECTION_TABS.items():
        at = run_page(page, lang="es")
        shown = {code: _main_content(open_section(at, code)) for code in codes}
        assert len(set(shown.values())) == len(codes), page  # each tab shows something of its own


def test_old_links_open_the_matching_tab(bundled_db):
    toggled = run_page(RECOMMENDATIONS, lang="en", o_trend="1")
    assert _geo(toggled) and _url(toggled, "tab") == ["trend"]
    assert _url(toggled, "o_trend") == []  # the tab is the state now
    assert _url(run_page(RECOMMENDATIONS, lang="en", r="implemented_or_partial_rate"), "tab") == ["trend"]
    assert _url(run_page(RECOMMENDATIONS, lang="en", o_breakdown="1"), "tab") == ["breakdown"]
    assert _url(run_page("pages/resources.py", lang="en", o_map="1"), "tab") == ["map"]
    assert _url(run_page("pages/autonomy.py", lang="en", ya="2017", yb="2025"), "tab") == ["change"]
    # A link naming its tab wins over an old toggle.
    assert _url(run_page(RECOMMENDATIONS, lang="en", o_trend="1", tab="status"), "tab") == ["status"]


def test_an_unknown_tab_in_a_link_opens_the_headline(bundled_db):
    at = run_page(RECOMMENDATIONS, lang="en", tab="no_such_tab")
    assert _url(at, "tab") == ["by_age"] and len(chart_specs(at)) == 1


def test_the_open_tab_survives_a_change_of_language(bundled_db):
    at = run_page(RECOMMENDATIONS, lang="en", tab="rates")
    at.session_state["mirador_language"] = "es"  # what the sidebar's language selector stores
    at.run()
    assert not at.exception
    assert "Tasas" in [tab.label for tab in at.tabs]
    assert _url(at, "tab") == ["rates"]
    assert all("Tasa" in title for title in chart_titles(at)) and len(chart_titles(at)) == 2


def test_presentation_mode_draws_every_section_without_tabs(bundled_db):
    shown = run_page("pages/resources.py", lang="en", present="1")
    assert not shown.tabs
    assert _geo(shown) and len(chart_specs(shown)) == 3
    assert [h.value for h in shown.header][-3:] == ["Comparison", "Map", "Trends"]


def test_compare_has_one_tab_per_chosen_indicator(bundled_db):
    at = run_page("pages/compare.py", lang="en", i=["autonomy_score", "npm_staff"])
    assert [tab.label for tab in at.tabs] == ["Autonomy score", "NPM staff"]
    assert all(title.startswith("<b>Autonomy score") for title in chart_titles(at))
    staff = open_section(at, "npm_staff")
    titles = chart_titles(staff)
    assert len(titles) == 2 and all(title.startswith("<b>NPM staff") for title in titles)  # bars and lines


def test_show_data_builds_its_table_and_csv_only_once_opened(bundled_db):
    closed = run_page(RECOMMENDATIONS, lang="en", c=["CHL", "PER"])
    tables_closed = len(closed.dataframe)
    csv_closed = [b for b in closed.get("download_button") if b.proto.label == "Download CSV"]
    opened = open_data_tables(closed)
    assert len(opened.dataframe) == tables_closed + 1
    data = opened.dataframe[0].value
    assert sorted(data["Country"]) == ["Chile", "Peru"]
    csv_opened = [b for b in opened.get("download_button") if b.proto.label == "Download CSV"]
    assert len(csv_opened) == len(csv_closed) + 1
