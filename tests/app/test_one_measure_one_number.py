"""One measure, one number (issue 8): the same measure for the same institution and period reads
the same on every page that shows it.

Portugal 2017 is worked out by hand from data/input/recommendation_totals.csv: of 18
recommendations, 10 were accepted ("acatadas") and 8 awaited a reply; the source says nothing
about implementation. Acceptance = 10 / 18 = 55.6 % (n = 18); implementation rate: none.
"""
from __future__ import annotations

import json

from page_runner import chart_specs, run_page


def _chart_json(at, title_start: str) -> str:
    """The whole figure of the chart whose title starts so (values sit in labels, texts, hovers)."""
    found = [json.dumps(spec, ensure_ascii=False) for spec in chart_specs(at)
             if spec["layout"]["meta"]["title"].startswith(title_start)]
    assert found, title_start
    return found[0]


def test_portugal_2017_acceptance_reads_the_same_on_recommendations_and_progress(bundled_db):
    recommendations = run_page("pages/recommendations.py", lang="en", c=["PRT"], y0="2017", y1="2017")
    assert "55.6% (n = 18)" in _chart_json(recommendations, "Acceptance rate, issued 2017")
    progress = run_page("pages/progress.py", lang="en", c=["PRT"])
    card = progress.dataframe[0].value
    assert card.iloc[0]["Acceptance rate"].startswith("55.6% (n = 18) [2017] → ")


def test_portugal_2017_has_no_implementation_rate_anywhere(bundled_db):
    recommendations = run_page("pages/recommendations.py", lang="en", c=["PRT"], y0="2017", y1="2017")
    chart = _chart_json(recommendations, "Implementation rate, ")
    assert "0.0%" not in chart and "Portugal" in chart  # 'not reported' is never a sourced 0.0 %
