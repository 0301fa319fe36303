"""Derived figures against values worked out by hand on tests/etl/data/tiny.

The expected numbers are typed here from the fixture, with the arithmetic in a
comment; none is copied from the code's output.
"""
from __future__ import annotations

import polars as pl
import pytest

from etl import transform
from tests.etl.conftest import TINY, validated


@pytest.fixture(scope="module")
def marts():
    return transform.build_marts(validated(TINY))


def indicator(marts, iso3: str, year: int, indicator_id: str) -> dict | None:
    rows = marts["mart_indicator_values"].filter(
        (marts["mart_indicator_values"]["iso3"] == iso3) & (marts["mart_indicator_values"]["year"] == year)
        & (marts["mart_indicator_values"]["indicator_id"] == indicator_id)).to_dicts()
    assert len(rows) <= 1
    return rows[0] if rows else None


def test_years_from_ratification(marts):
    inst = {r["iso3"]: r for r in marts["institutions"].to_dicts()}
    # PER: 2006-01-01 -> 2016-01-01 = 10 * 365 + 2 leap days (2008, 2012) = 3652 days; / 365.25
    assert inst["PER"]["years_to_designation"] == pytest.approx(3652 / 365.25)  # 9.9986
    # PER operated in January 2017 (precision month): 2017-01-01 is 3652 + 366 = 4018 days after
    # ratification, 2017-01-31 is 4048: an interval, its midpoint 4033 days
    assert inst["PER"]["years_to_operation_min"] == pytest.approx(4018 / 365.25)  # 11.0007
    assert inst["PER"]["years_to_operation_max"] == pytest.approx(4048 / 365.25)
    assert inst["PER"]["years_to_operation"] == pytest.approx(4033 / 365.25)
    # URY: -> 2008-01-01 = 365 + 365 = 730 days; operated some day in 2007 (precision year, before
    # its law): 2007-01-01 = 365 days, 2007-12-31 = 729 days; midpoint 547 days
    assert inst["URY"]["years_to_designation"] == pytest.approx(730 / 365.25)
    assert inst["URY"]["years_to_operation_min"] == pytest.approx(365 / 365.25)
    assert inst["URY"]["years_to_operation_max"] == pytest.approx(729 / 365.25)
    assert inst["URY"]["years_to_operation"] == pytest.approx(547 / 365.25)


def test_budget_and_staff_ratios(marts):
    # npm_budget_lcu 3,000,000 PEN / usd_exchange_rate 4 PEN per USD = 750,000 USD
    usd = indicator(marts, "PER", 2020, "npm_budget_usd")
    assert usd["value"] == pytest.approx(750_000.0)
    assert usd["data_status"] == "sourced" and usd["n"] is None
    assert usd["source"] == "https://example.org/per-budget; https://example.org/fx"
    # 750,000 USD / prison_population 100,000 = 7.5 USD per detainee
    assert indicator(marts, "PER", 2020, "budget_per_detainee_usd")["value"] == pytest.approx(7.5)
    # 3,000,000 / institution budget 60,000,000 * 100 = 5 %; institution budget is an estimate
    share = indicator(marts, "PER", 2020, "npm_budget_share_pct")
    assert share["value"] == pytest.approx(5.0) and share["data_status"] == "estimate"
    # 20 staff / 100,000 detainees * 1000 = 0.2
    assert indicator(marts, "PER", 2020, "staff_per_1000_detainees")["value"] == pytest.approx(0.2)
    # 150 visits / 300 places = 0.5; places_of_detention is an estimate
    visits = indicator(marts, "PER", 2020, "visits_per_place")
    assert visits["value"] == pytest.approx(0.5) and visits["data_status"] == "estimate"
    # URY: 10 staff (estimate) / 15,000 detainees (illustrative) * 1000 = 0.6667, worst = illustrative
    ury = indicator(marts, "URY", 2020, "staff_per_1000_detainees")
    assert ury["value"] == pytest.approx(10 / 15_000 * 1000) and ury["data_status"] == "illustrative"


def test_missing_inputs_stay_missing(marts):
    # URY has no budget, no exchange rate and no places_of_detention: no derived row, never a zero.
    for indicator_id in ("npm_budget_usd", "budget_per_detainee_usd", "npm_budget_share_pct", "visits_per_place"):
        assert indicator(marts, "URY", 2020, indicator_id) is None, indicator_id
    # URY's only criterion has no information: no score in the indicator mart.
    assert indicator(marts, "URY", 2020, "autonomy_score") is None


def test_autonomy_score(marts):
    # PER 2020: met, met, partially_met, not_met, no_information (9 more criteria not listed)
    # score = 100 * (1 + 1 + 0.5 + 0) / 4 assessed = 62.5
    score = indicator(marts, "PER", 2020, "autonomy_score")
    assert score["value"] == pytest.approx(62.5) and score["n"] == 4
    rows = {(r["iso3"], r["year"]): r for r in marts["mart_autonomy_scores"].to_dicts()}
    per = rows[("PER", 2020)]
    assert (per["n_met"], per["n_partially_met"], per["n_not_met"]) == (2, 1, 1)
    # 14 criteria in the catalogue - 4 assessed = 10 without information (1 typed + 9 absent)
    assert (per["criteria_assessed"], per["criteria_total"], per["n_no_information"]) == (4, 14, 10)
    assert per["data_status"] == "estimate"  # sourced, estimate x4 -> estimate
    ury = rows[("URY", 2020)]
    assert ury["autonomy_score"] is None and ury["criteria_assessed"] == 0 and ury["n_no_information"] == 14


def test_implementation_rates_from_records(marts):
    rates = {(r["iso3"], r["year_issued"]): r for r in marts["mart_implementation_rates"].to_dicts()}
    per19 = rates[("PER", 2019)]
    # 3 public records: implemented, partially, not implemented -> 3 with information (the
    # no-information PER-2019-004 is internal: in no public figure)
    assert (per19["n_recommendations"], per19["n_with_information"], per19["n_no_information"]) == (3, 3, 0)
    assert per19["implementation_rate"] == pytest.approx(100 * 1 / 3)          # 33.33
    assert per19["implemented_or_partial_rate"] == pytest.approx(100 * 2 / 3)  # 66.67
    assert per19["data_status"] == "estimate"  # one record is an estimate
    per20 = rates[("PER", 2020)]
    # in progress (public) + implemented (PER-2020-002, internal): 0 of 1 public implemented = 0 %
    assert per20["implementation_rate"] == pytest.approx(0.0) and per20["n_in_progress"] == 1
    assert per20["n_recommendations"] == 1 and per20["n_implemented"] == 0


def test_implementation_rates_from_totals(marts):
    rates = {(r["iso3"], r["year_issued"]): r for r in marts["mart_implementation_rates"].to_dicts()}
    ury19 = rates[("URY", 2019)]
    # "of 18, 10 accepted, 8 awaiting reply": the source says nothing about implementation,
    # so all 18 have no implementation information and there is no implementation rate
    assert (ury19["n_recommendations"], ury19["n_with_information"]) == (18, 0)
    # "no information" is never counted as not implemented
    assert (ury19["n_not_implemented"], ury19["n_no_information"]) == (0, 18)
    assert ury19["implementation_rate"] is None
    # the response, apart: 10 accepted of 18 with a response (the 8 without a reply count) = 55.6 %
    assert (ury19["n_with_response"], ury19["n_accepted"], ury19["n_no_reply"]) == (18, 10, 8)
    assert ury19["acceptance_rate"] == pytest.approx(100 * 10 / 18)
    ury20 = rates[("URY", 2020)]
    # 3 implemented + 2 partially + 5 not = 10: 3/10 = 30 %, (3+2)/10 = 50 %; one row illustrative
    assert ury20["implementation_rate"] == pytest.approx(30.0)
    assert ury20["implemented_or_partial_rate"] == pytest.approx(50.0)
    assert ury20["data_status"] == "illustrative"


def test_rates_in_the_indicator_mart_carry_n(marts):
    assert indicator(marts, "URY", 2019, "implementation_rate") is None  # never a 0 % for "not reported"
    rate = indicator(marts, "PER", 2019, "implementation_rate")
    assert rate["value"] == pytest.approx(100 / 3) and rate["n"] == 3
    accepted = indicator(marts, "URY", 2019, "acceptance_rate")
    assert accepted["value"] == pytest.approx(100 * 10 / 18) and accepted["n"] == 18
    issued = indicator(marts, "URY", 2019, "recommendations_issued")
    assert issued["value"] == 18 and issued["n"] is None
    assert indicator(marts, "PER", 2019, "recommendations_issued")["value"] == 3  # 4 issued, 1 internal


def test_records_and_totals_share_the_counts_mart(marts):
    counts = marts["mart_recommendation_counts"]
    by_source = counts.group_by("from_totals").agg(pl.col("n_recommendations").sum()).to_dicts()
    # records: 6 (PER), 2 of them internal -> 4; totals: 10 + 8 + 3 + 2 + 5 = 28 (URY)
    assert {r["from_totals"]: r["n_recommendations"] for r in by_source} == {False: 4, True: 28}
    ury = counts.filter(counts["iso3"] == "URY")
    assert ury["place_type"].null_count() == ury.height  # not reported stays NULL


def test_public_recommendations_only(marts):
    public = marts["mart_public_recommendations"]
    # is_public = no for PER-2019-004 and PER-2020-002
    assert sorted(public["recommendation_id"].to_list()) == ["PER-2019-001", "PER-2019-002", "PER-2019-003",
                                                             "PER-2020-001"]
    assert public.filter(public["recommendation_id"] == "PER-2019-001")["year_issued"].to_list() == [2019]


def test_indicator_mart_row_count(marts):
    # 7 observations + PER 5 ratios + URY 1 ratio + 4 institution-years issued + 3 with both
    # implementation rates (URY 2019 has no status information) x 2 + 3 acceptance rates
    # (PER 2019, PER 2020, URY 2019; URY 2020 has no response) + 1 implemented within 24 months
    # (PER 2019, the only year old enough) + 1 autonomy score = 7 + 6 + 4 + 6 + 3 + 1 + 1 = 28
    assert marts["mart_indicator_values"].height == 28
    assert marts["mart_indicator_values"]["data_status"].null_count() == 0


def test_every_mart_row_has_a_data_status(marts):
    for name, frame in marts.items():
        if "data_status" in frame.columns and frame.height:
            assert frame["data_status"].null_count() == 0, name
            assert set(frame["data_status"].unique()) <= {"sourced", "estimate", "illustrative"}, name


@pytest.mark.parametrize("merge_by_slices_max_rows", [1_000, 0], ids=["slotted", "sorted"])
def test_stacked_rows_sort_like_python_with_nulls_last_and_ties_in_stacking_order(monkeypatch,
                                                                                  merge_by_slices_max_rows):
    # Records come grouped with Categorical codes, totals as plain text; both end up as text,
    # sorted by every key column (nulls last), a records row before a totals row with the same key.
    monkeypatch.setattr(transform, "MERGE_BY_SLICES_MAX_ROWS", merge_by_slices_max_rows)
    records = pl.DataFrame({
        "iso3": ["URY", "PER", None, "PER", "ARG"], "year": [2021, None, 2020, 2020, 2021],
        "status": ["b", "a", "a", None, "b"], "part": ["records"] * 5,
    }).with_columns(pl.col("iso3", "status").cast(pl.Categorical))
    totals = pl.DataFrame({"iso3": ["PER", "ARG", "URY"], "year": [2020, 2021, 2019],
                           "status": [None, "a", "c"], "part": ["totals"] * 3})
    stacked = transform.stacked_in_order([records, totals], ["iso3", "year", "status"])
    rows = [r for part in (records, totals) for r in part.with_columns(pl.col(pl.Categorical).cast(pl.String)).rows()]
    expected = sorted(rows, key=lambda r: tuple((v is None, v if v is not None else 0) for v in r[:3]))
    assert stacked.rows() == expected
    assert stacked.schema["iso3"] == pl.String and stacked.schema["status"] == pl.String
