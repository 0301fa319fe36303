"""Pages share defaults (issue 8): each opens on its measure's latest complete year, the latest
year in which more than half of the loaded institutions have a value, and every chart names
its period. The expected years are recounted here from the values themselves."""
from __future__ import annotations

import re

import polars as pl
import pytest

from mirador import queries
from page_runner import chart_titles, run_page

YEAR = re.compile(r"\b(19|20)\d\d\b")


def _recounted_complete_year(measure: str) -> int:
    values = queries.series(measure).filter(pl.col("value").is_not_null())
    per_year = values.group_by("year").agg(pl.col("iso3").n_unique().alias("n"))
    loaded = len(queries.institution_codes())
    return max(r["year"] for r in per_year.iter_rows(named=True) if 2 * r["n"] > loaded)


@pytest.mark.parametrize("measure", ["budget_per_detainee_usd", "npm_staff", "autonomy_score",
                                     "implemented_within_24_months", "npm_budget_share_pct",
                                     "places_of_detention"])
def test_latest_complete_year_is_the_latest_year_most_institutions_report(bundled_db, measure):
    assert queries.latest_complete_year(measure) == _recounted_complete_year(measure)


def test_several_measures_share_the_latest_year_complete_for_all(bundled_db):
    pair = ["budget_per_detainee_usd", "implemented_within_24_months"]
    assert queries.latest_complete_year(pair) == min(_recounted_complete_year(m) for m in pair)
    assert queries.latest_complete_year(["no_such_measure"]) is None


def test_a_sparse_last_year_is_not_the_default(bundled_db):
    # npm_budget_share_pct: the last year has values for fewer than half of the institutions.
    last = max(queries.series("npm_budget_share_pct")["year"].to_list())
    assert queries.latest_complete_year("npm_budget_share_pct") < last


@pytest.mark.parametrize("page, params, measure", [
    ("pages/resources.py", {}, "budget_per_detainee_usd"),
    ("pages/resources.py", {"t": "staff", "rel": "0"}, "npm_staff"),
    ("pages/resources.py", {"t": "places", "rel": "0"}, "places_of_detention"),
    ("pages/autonomy.py", {}, "autonomy_score"),
])
def test_pages_open_on_the_measures_latest_complete_year(bundled_db, page, params, measure):
    at = run_page(page, lang="es", **params)
    assert at.selectbox(key="qp_y").value == _recounted_complete_year(measure)


def test_recommendations_and_compare_open_on_the_headline_measures_year(bundled_db):
    headline_year = _recounted_complete_year("implemented_within_24_months")
    recommendations = run_page("pages/recommendations.py", lang="pt")
    assert (recommendations.selectbox(key="qp_y0").value,
            recommendations.selectbox(key="qp_y1").value) == (headline_year, headline_year)
    compare = run_page("pages/compare.py", lang="pt")
    defaults = compare.multiselect(key="qp_i").value
    assert "implemented_within_24_months" in defaults
    assert compare.selectbox(key="qp_y").value == min(_recounted_complete_year(i) for i in defaults)
    # ... and says why its year can be earlier than other pages'
    assert any(str(headline_year) in c.value and "24 meses" in c.value for c in compare.caption)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/resources.py", "pages/autonomy.py",
                                  "pages/compare.py", "pages/recommendations.py", "pages/progress.py"])
def test_every_chart_names_its_period(bundled_db, page):
    at = run_page(page, lang="es", **({"tab": "chart"} if page == "pages/progress.py" else {}))
    # The OPCAT timeline is dated along its axis; every other chart names its year(s).
    titles = [x for x in chart_titles(at) if "ratificación del OPCAT" not in x]
    assert titles
    assert [x for x in titles if not YEAR.search(x)] == []
