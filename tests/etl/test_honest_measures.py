"""Honest measures (issue 8): acceptance apart from implementation, nothing before the NPM,
dates with their precision, implementation by age of the recommendation.

Expected figures are worked out by hand from tests/etl/data/tiny (arithmetic in comments).
"""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import catalogue
from etl import transform
from tests.etl.conftest import TINY, append_line, validated


@pytest.fixture(scope="module")
def marts():
    return transform.build_marts(validated(TINY))


def rows(frame: pl.DataFrame, **where) -> list[dict]:
    return [r for r in frame.to_dicts() if all(r[k] == v for k, v in where.items())]


# ----------------------------------------------------------------------------- response apart
@pytest.mark.parametrize(("typed", "code"), [
    ("acatadas", "accepted"), ("Acatada", "accepted"), ("Aceptada", "accepted"), ("aceite", "accepted"),
    ("aceita", "accepted"), ("Parcialmente aceite", "partially_accepted"), ("Rechazada", "rejected"),
    ("rejeitada", "rejected"), ("aguardam", "no_reply"), ("Sin respuesta", "no_reply"),
])
def test_response_words_are_responses(typed, code):
    assert catalogue.normalise_term("response", typed) == code


@pytest.mark.parametrize("typed", ["rechazada", "rejected", "rejeitada", "acatada", "aceite"])
def test_a_response_word_is_no_implementation_status(typed):
    # A rejection is the authority's answer; whether anything was done is another fact.
    assert catalogue.normalise_term("implementation_status", typed) is None


def test_accepted_without_implementation_gives_an_acceptance_rate_and_no_implementation_rate(marts):
    [ury] = rows(marts["mart_implementation_rates"], iso3="URY", year_issued=2019)
    assert ury["implementation_rate"] is None and ury["n_with_information"] == 0
    assert ury["acceptance_rate"] == pytest.approx(100 * 10 / 18)
    # PER 2019 public records: accepted, (blank), rejected -> 2 with a response, 1 accepted
    # (the no-reply PER-2019-004 is internal: counted in no public figure)
    [per] = rows(marts["mart_implementation_rates"], iso3="PER", year_issued=2019)
    assert (per["n_with_response"], per["n_accepted"], per["n_rejected"], per["n_no_reply"]) == (2, 1, 1, 0)
    assert per["acceptance_rate"] == pytest.approx(100 / 2)
    counts = marts["mart_recommendation_counts"]
    # URY totals 10, PER public 1 (PER-2019-001; the accepted PER-2020-002 is internal)
    assert counts.filter(pl.col("response") == "accepted")["n_recommendations"].sum() == 10 + 1
    public = marts["mart_public_recommendations"]
    assert rows(public, recommendation_id="PER-2019-003")[0]["response"] == "rejected"


# ----------------------------------------------------------------------------- nothing before the NPM
def test_values_before_the_npm_operated_are_set_aside(tiny_copy):
    # PER operated from January 2017: a 2016 staff figure and a 2016 assessment are not the NPM's.
    append_line(tiny_copy, "observations.csv", "PER,2016,npm_staff,4,sourced,https://example.org/old,")
    append_line(tiny_copy, "autonomy_assessments.csv", "PER,2016,legal_mandate,not_met,read,,sourced,https://x.org")
    append_line(tiny_copy, "observations.csv", "PER,2017,npm_staff,6,sourced,https://example.org/first,")
    marts = transform.build_marts(validated(tiny_copy))
    values = marts["mart_indicator_values"]
    assert rows(values, iso3="PER", year=2016) == []
    assert [r["value"] for r in rows(values, iso3="PER", year=2017, indicator_id="npm_staff")] == [6.0]
    assert rows(marts["mart_autonomy_cells"], iso3="PER", year=2016) == []
    assert rows(marts["mart_autonomy_scores"], iso3="PER", year=2016) == []
    aside = marts["mart_before_npm"].select("iso3", "year", "source_table", "item_id", "value", "first_npm_year")
    assert sorted(aside.rows()) == [("PER", 2016, "autonomy_assessments", "legal_mandate", "not_met", 2017),
                                    ("PER", 2016, "observations", "npm_staff", "4.0", 2017)]


def test_first_npm_year_is_operation_else_designation(marts, tiny_copy):
    first = {r["iso3"]: r["first_npm_year"] for r in marts["institutions"].to_dicts()}
    assert first == {"PER": 2017, "URY": 2007}
    # Without an operational date the designation year (2016) is the first year
    text = (tiny_copy / "institutions.csv").read_text(encoding="utf-8")
    (tiny_copy / "institutions.csv").write_text(text.replace("2017-01-01,month", ","), encoding="utf-8")
    inst = transform.build_marts(validated(tiny_copy))["institutions"]
    assert rows(inst, iso3="PER")[0]["first_npm_year"] == 2016


# ----------------------------------------------------------------------------- date precision
def test_a_year_only_date_is_an_interval_not_the_first_of_january(tiny_copy):
    # Ratified 2006-01-01 (day); designated "2007" (year): 365..729 days, never exactly 365
    text = (tiny_copy / "institutions.csv").read_text(encoding="utf-8")
    text = text.replace("UYU,2006-01-01,day,2008-01-01,,", "UYU,2006-01-01,day,2007-06-01,year,")
    (tiny_copy / "institutions.csv").write_text(text, encoding="utf-8")
    [ury] = rows(transform.build_marts(validated(tiny_copy))["institutions"], iso3="URY")
    assert ury["npm_designation_date"] == dt.date(2007, 1, 1)  # the period's first day, with precision year
    assert ury["years_to_designation_min"] == pytest.approx(365 / 365.25)
    assert ury["years_to_designation_max"] == pytest.approx(729 / 365.25)
    assert ury["years_to_designation"] == pytest.approx(547 / 365.25)


# ----------------------------------------------------------------------------- implementation by age
def test_share_implemented_within_a_window_only_for_years_old_enough(marts):
    by_age = {(r["iso3"], r["year_issued"], r["window_months"]): r for r in marts["mart_implementation_by_age"].to_dicts()}
    # PER's latest follow-up (as-of date) is 2022-03-01 (PER-2020-001).
    # 2019 + 12 months = 2020-12-31 and + 24 months = 2021-12-31 are before it; + 36 is not.
    per19_24 = by_age[("PER", 2019, 24)]
    assert per19_24["as_of_date"] == dt.date(2022, 3, 1) and per19_24["old_enough"]
    # 2019: 001 implemented at its follow-up 2020-01-10 (306 days < 730.5) -> within;
    # 002 partially, 003 not implemented -> not within; 004 no information -> left out: 1 of 3
    assert (per19_24["n_with_information"], per19_24["n_implemented_within"]) == (3, 1)
    assert per19_24["share_implemented_within"] == pytest.approx(100 / 3)
    assert by_age[("PER", 2019, 36)]["old_enough"] is False
    assert by_age[("PER", 2019, 36)]["share_implemented_within"] is None
    # 2020: 2020-12-31 + 12 months = 2021-12-31 <= 2022-03-01: 001 in progress -> 0 of 1 (002, implemented
    # after 121 days, is internal: left out)
    assert (by_age[("PER", 2020, 12)]["n_with_information"], by_age[("PER", 2020, 12)]["n_implemented_within"]) == (1, 0)
    assert by_age[("PER", 2020, 12)]["share_implemented_within"] == pytest.approx(0.0)
    assert by_age[("PER", 2020, 24)]["share_implemented_within"] is None  # 2022-12-31 > as-of
    # In the indicator mart: only the 24-month window, only old-enough years, with n
    headline = rows(marts["mart_indicator_values"], indicator_id="implemented_within_24_months")
    assert [(r["iso3"], r["year"], r["n"]) for r in headline] == [("PER", 2019, 3)]


def test_time_to_implementation_curve_censors_open_recommendations(marts):
    curve = {r["month"]: r for r in rows(marts["mart_time_to_implementation"], iso3="PER")}
    # 4 public with information (2020-002, implemented after 121 days, is internal: left out).
    # Months = ceil(days / (365.25 / 12)): 2019-001 implemented after 306 days -> month 11;
    # 2020-001 open at its follow-up after 776 days -> censored month 26;
    # 2019-002 and 2019-003 open without a follow-up date -> censored at month 0.
    assert sorted(curve) == [0, 11, 26]
    assert (curve[0]["n_at_risk"], curve[0]["n_censored"], curve[0]["share_implemented"]) == (4, 2, 0.0)
    # month 11: 2 at risk, 1 implemented -> S = 1/2
    assert curve[11]["n_at_risk"] == 2 and curve[11]["share_implemented"] == pytest.approx(50.0)
    assert curve[26]["n_censored"] == 1 and curve[26]["share_implemented"] == pytest.approx(50.0)


def test_open_recommendations_and_their_median_age(marts):
    [per] = rows(marts["mart_open_recommendations"], iso3="PER")
    # open at 2022-03-01: 2019-002 (1035 days), 2019-003 (974 days), 2020-001 (776 days);
    # median 974 days = 32.0 months; half implemented by month 11 (curve above)
    assert per["n_open"] == 3
    assert per["median_open_age_months"] == pytest.approx(974 / (365.25 / 12))
    assert per["median_months_to_implementation"] == 11
