"""Sections below the fold (issue #11): built only when turned on, reopened by a link."""
from __future__ import annotations

from page_runner import chart_specs, run_page


def _geo(at) -> bool:
    return any(tr["type"] == "choropleth" for spec in chart_specs(at) for tr in spec["data"])


def test_recommendations_map_and_trend_wait_for_their_toggle(bundled_db):
    closed = run_page("pages/recommendations.py", lang="en")
    assert not _geo(closed)
    assert closed.toggle(key="qp_o_trend").value is False
    closed.toggle(key="qp_o_trend").set_value(True).run()
    assert _geo(closed)
    assert closed.query_params["o_trend"] in ("1", ["1"])
    assert len(chart_specs(closed)) == len(chart_specs(run_page("pages/recommendations.py", lang="en"))) + 2


def test_a_link_with_a_sections_selection_opens_it(bundled_db):
    at = run_page("pages/recommendations.py", lang="en", r="implemented_or_partial_rate")
    assert at.toggle(key="qp_o_trend").value is True
    assert _geo(at)


def test_presentation_mode_draws_every_section(bundled_db):
    shown = run_page("pages/resources.py", lang="en", present="1")
    assert _geo(shown)
    assert not [w for w in shown.toggle if w.key in ("qp_o_map", "qp_o_trend")]
    assert not _geo(run_page("pages/resources.py", lang="en"))
