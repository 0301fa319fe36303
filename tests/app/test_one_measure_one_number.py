"""One measure, one number (issue 8): the same measure for the same institution and period reads
the same on every page that shows it.

Portugal 2017 is worked out by hand from data/input/recommendation_totals.csv: of 18
recommendations, 10 were accepted ("acatadas") and 8 awaited a reply; the source says nothing
about implementation. Acceptance = 10 / 18 = 55.6 % (n = 18); implementation rate: none.
"""
from __future__ import annotations

import json

from page_runner import chart_specs, run_page, small_tables


def _chart_json(at, title_start: str) -> str:
    """The whole figure of the chart whose title starts so (values sit in labels, texts, hovers)."""
    found = [json.dumps(spec, ensure_ascii=False) for spec in chart_specs(at)
             if spec["layout"]["meta"]["title"].startswith(title_start)]
    assert found, title_start
    return found[0]


def test_portugal_2017_acceptance_reads_the_same_on_recommendations_and_progress(bundled_db):
    recommendations = run_page("pages/recommendations.py", lang="en", c=["PRT"], y0="2017", y1="2017",
                               tab="acceptance")
    assert "55.6% (n = 18)" in _chart_json(recommendations, "Acceptance rate, issued 2017")
    progress = run_page("pages/progress.py", lang="en", c=["PRT"])
    [card] = small_tables(progress)
    assert card.iloc[0]["Acceptance rate"].startswith("55.6% (n = 18) [2017] → ")


def test_portugal_2017_has_no_implementation_rate_anywhere(bundled_db):
    recommendations = run_page("pages/recommendations.py", lang="en", c=["PRT"], y0="2017", y1="2017",
                               tab="rates")
    chart = _chart_json(recommendations, "Implementation rate, ")
    assert "0.0%" not in chart and "Portugal" in chart  # 'not reported' is never a sourced 0.0 %


# --------------------------------------------------------------------------- one institution, every page
# Chile's share implemented within 24 months and Mexico's budget per detainee, each read from
# every page that shows it on its defaults (no year in the URL): the pages must agree on the
# period AND the number. The reference is the mart value of that period, formatted in English.
import re  # noqa: E402

import polars as pl  # noqa: E402

from mirador import queries  # noqa: E402
from mirador.i18n import indicator_label, institution_label  # noqa: E402

HEADLINE = "implemented_within_24_months"
BUDGET = "budget_per_detainee_usd"


def _card_line(at, iso3: str, indicator: str) -> str:
    """The Overview card line of `indicator` for `iso3` (cards come in institution order)."""
    label = indicator_label(indicator, "en")
    lines = [m.value for m in at.markdown if f"- {label}:" in m.value]
    card = lines[queries.institution_codes().index(iso3)]
    return next(line for line in card.splitlines() if line.startswith(f"- {label}:"))


def _bar_label(spec: dict, iso3: str) -> str:
    """The grey value under an institution's name on a ranking bar chart."""
    name = institution_label(iso3, "en")
    ticks = [tx for tx in spec["layout"]["yaxis"]["ticktext"] if tx.startswith(f"{name}<br>")]
    assert len(ticks) == 1, (name, spec["layout"]["yaxis"]["ticktext"])
    return re.sub(r"<[^>]+>", "", ticks[0].split("<br>", 1)[1])


def _chart(at, title: str) -> dict:
    found = [spec for spec in chart_specs(at) if spec["layout"]["meta"]["title"] == title]
    assert len(found) >= 1, (title, [s["layout"]["meta"]["title"] for s in chart_specs(at)])
    return found[0]


def _profile_row(at, indicator: str):
    """The row of `indicator` in the Profile's area tables (values as written, not the chart data)."""
    label = indicator_label(indicator, "en")
    for table in small_tables(at):
        if "Indicator" in table and "Latest sourced value (year)" in table and label in set(table["Indicator"]):
            return table[table["Indicator"] == label].iloc[0]
    raise AssertionError(f"no profile table shows {label}")


def _expected(indicator: str, iso3: str, year: int) -> pl.DataFrame:
    row = queries.indicator_values(indicator, [iso3]).filter(pl.col("year") == year)
    assert row.height == 1, (indicator, iso3, year)
    return row.row(0, named=True)


def test_chile_within_24_months_is_one_number_on_every_page(bundled_db):
    year = queries.latest_complete_year(HEADLINE)
    expected = _expected(HEADLINE, "CHL", year)
    number = f"{expected['value']:.1f}%"
    n = f"n = {expected['n']}"

    overview = run_page("pages/overview.py", lang="en")
    card = _card_line(overview, "CHL", HEADLINE)
    assert f"**{number} † ({year}, {n})**" in card

    recommendations = run_page("pages/recommendations.py", lang="en")
    headline = _chart(recommendations, f"Implemented within 24 months of issue, issued in {year}")
    assert _bar_label(headline, "CHL") == f"{number} ({n})"

    compare = run_page("pages/compare.py", lang="en", tab=HEADLINE)
    table = small_tables(compare)[0]
    row = table[table["Indicator"] == indicator_label(HEADLINE, "en")].iloc[0]
    nbsp = "\u00a0"  # the value keeps its mark, the count stays whole (Compare's cells wrap)
    assert row["Chile"] == f"{number}{nbsp}† ({n.replace(' ', nbsp)})"
    bars = _chart(compare, f"{indicator_label(HEADLINE, 'en')}, {year}")
    assert _bar_label(bars, "CHL").startswith(number)

    profile = run_page("pages/profile.py", lang="en", c="CHL")
    profile_row = _profile_row(profile, HEADLINE)
    assert (profile_row["Value"], profile_row["Year"]) == (f"{number} †", str(year))


def test_mexico_budget_per_detainee_is_one_number_on_every_page(bundled_db):
    year = queries.latest_complete_year(BUDGET)
    expected = _expected(BUDGET, "MEX", year)
    number = f"{expected['value']:.1f}"
    title = f"{indicator_label(BUDGET, 'en')}, {year}"

    overview = run_page("pages/overview.py", lang="en")
    assert f"**{number} † ({year})**" in _card_line(overview, "MEX", BUDGET)
    assert f"<b>Mexico</b><br>{number} " in json.dumps(_chart(overview, title), ensure_ascii=False)  # map hover
    resources = run_page("pages/resources.py", lang="en")
    assert _bar_label(_chart(resources, title), "MEX") == number
    compare = run_page("pages/compare.py", lang="en", c=["MEX", "PER"], i=[BUDGET])
    assert _bar_label(_chart(compare, title), "MEX") == number
    profile = run_page("pages/profile.py", lang="en", c="MEX")
    row = _profile_row(profile, BUDGET)
    assert (row["Value"], row["Year"]) == (f"{number} †", str(year))


def test_profile_shows_the_latest_sourced_value_beside_the_latest_value(bundled_db):
    # data/input/observations.csv, Portugal npm_visits: 2022 = 44 (sourced, parliament debate),
    # 2023 = 53 and 2024 = 49 (illustrative). The latest is 49 †; the latest sourced is 44 (2022).
    profile = run_page("pages/profile.py", lang="en", c="PRT")
    row = _profile_row(profile, "npm_visits")
    assert (row["Value"], row["Year"]) == ("49 †", "2024")
    assert row["Latest sourced value (year)"] == "44 (2022)"
    assert "debates.parlamento.pt" in row["Source"]
