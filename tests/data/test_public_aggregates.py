"""Public aggregates count public recommendations only (issue 12, item 4).

Subtracting the public record list from a public aggregate must rebuild no internal
recommendation. Every mart that counts recommendations is recomputed here from the
raw input (CSV read with polars, public rows only, codes as typed; nothing from etl/)
and compared with the database, for the bundled data and for a small fixture whose
internal records sit in cells, years and dates no public record has. Then the attack
itself: at the finest level (iso3, year, place type, theme, authority, response,
status) every aggregate minus the public list is zero. Last, flipping records between
public and internal moves the figures, so these tests can fail.
"""
from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "input"
TINY = REPO / "tests" / "etl" / "data" / "tiny"

DAYS_PER_MONTH = 365.25 / 12
WINDOWS_MONTHS = (12, 24, 36)
OPEN = ("partially_implemented", "in_progress", "not_implemented")
STATUSES = ("implemented", "partially_implemented", "in_progress", "not_implemented", "no_information")
RESPONSES = ("accepted", "partially_accepted", "rejected", "no_reply")
FINEST = ["iso3", "year_issued", "place_type", "theme", "authority", "response", "implementation_status"]

# Internal rows that stand out: a place/theme/authority no public PER record has, a year
# (2021) with no public record for either institution, URY (totals only otherwise), a
# follow-up date later than any public one (it would move PER's as-of date), and one
# internal row inside a public year (PER 2019) that would change its rates.
DISTINCT_INTERNAL = """\
INT-A,PER,2021-05-05,military,legislature,complaints,implemented,2024-06-01,no,accepted,illustrative,,
INT-B,PER,2021-07-07,military,legislature,complaints,not_implemented,2023-01-01,no,rejected,illustrative,,
INT-C,URY,2021-03-03,care_home,judiciary,vulnerable_groups,in_progress,2022-02-02,no,partially_accepted,illustrative,,
INT-D,PER,2019-09-09,care_home,judiciary,activities,implemented,2019-12-01,no,accepted,illustrative,,
"""
DISTINCT_IDS = ("INT-A", "INT-B", "INT-C", "INT-D")


# ------------------------------------------------------------------ the raw input, read plainly
def raw_records(folder: Path) -> pl.DataFrame:
    records = pl.read_csv(folder / "recommendations.csv", infer_schema=False)
    assert set(records["is_public"].unique()) <= {"yes", "no"}  # codes as typed: no word to interpret
    return records.with_columns(
        pl.col("date_issued").str.to_date(), pl.col("last_followup_date").str.to_date(),
        pl.col("date_issued").str.slice(0, 4).cast(pl.Int64).alias("year_issued"))


def public_raw(folder: Path) -> pl.DataFrame:
    return raw_records(folder).filter(pl.col("is_public") == "yes")


def raw_totals(folder: Path) -> pl.DataFrame:
    return pl.read_csv(folder / "recommendation_totals.csv", infer_schema=False).with_columns(
        pl.col("year_issued").cast(pl.Int64), pl.col("n_recommendations").cast(pl.Int64))


def table(db: Path, sql: str, params: list | None = None) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql, params=params or None).pl()


def as_counts(frame: pl.DataFrame, keys: list[str], n: str = "n") -> dict[tuple, int]:
    return {tuple(row[:-1]): row[-1] for row in frame.select(*keys, n).iter_rows() if row[-1]}


# ------------------------------------------------------------------ expected figures, from raw
def expected_cells(public: pl.DataFrame) -> dict[tuple, int]:
    return as_counts(public.group_by(FINEST).agg(pl.len().alias("n")), FINEST)


def expected_rates(public: pl.DataFrame, totals: pl.DataFrame) -> dict[tuple, dict]:
    rows = pl.concat([public.select(*FINEST, pl.lit(1, pl.Int64).alias("n")),
                      totals.select(*FINEST, pl.col("n_recommendations").alias("n"))])
    out = {}
    for (iso3, year), group in rows.group_by("iso3", "year_issued"):
        def count(column: str, code: str) -> int:
            return int(group.filter(pl.col(column) == code)["n"].sum())
        n = int(group["n"].sum())
        with_information = n - count("implementation_status", "no_information")
        with_response = int(group.filter(pl.col("response").is_not_null())["n"].sum())
        out[(iso3, year)] = {
            "n_recommendations": n, "n_with_information": with_information,
            **{f"n_{s}": count("implementation_status", s) for s in STATUSES},
            **{f"n_{r}": count("response", r) for r in RESPONSES}, "n_with_response": with_response,
            "implementation_rate": 100 * count("implementation_status", "implemented") / with_information
            if with_information else None,
            "acceptance_rate": 100 * count("response", "accepted") / with_response if with_response else None,
        }
    return out


def expected_by_age(public: pl.DataFrame) -> dict[tuple, dict]:
    out = {}
    as_of = dict(public.group_by("iso3").agg(pl.col("last_followup_date").max()).iter_rows())
    for (iso3, year), group in public.group_by("iso3", "year_issued"):
        date_unknown = (pl.col("implementation_status") == "implemented") & pl.col("last_followup_date").is_null()
        known = group.filter((pl.col("implementation_status") != "no_information") & ~date_unknown)
        months = (known["last_followup_date"] - known["date_issued"]).dt.total_days() / DAYS_PER_MONTH
        implemented = known["implementation_status"] == "implemented"
        for window in WINDOWS_MONTHS:
            old_enough = as_of[iso3] is not None and (as_of[iso3] - dt.date(year, 12, 31)).days >= window * DAYS_PER_MONTH
            within = int((implemented & (months <= window)).fill_null(False).sum())
            out[(iso3, year, window)] = {
                "as_of_date": as_of[iso3], "n_recommendations": group.height, "n_with_information": known.height,
                "n_implemented_within": within, "n_implemented_date_unknown": group.filter(date_unknown).height,
                "share_implemented_within": 100 * within / known.height if old_enough and known.height else None}
    return out


def expected_curves(public: pl.DataFrame) -> dict[tuple, dict]:
    """Kaplan-Meier by hand: event = implemented at its last follow-up, censored = open at it
    (month 0 without a date); no information and implemented without a date left out."""
    status, followup = pl.col("implementation_status"), pl.col("last_followup_date")
    kept = public.filter((status != "no_information") & ~((status == "implemented") & followup.is_null()))
    out = {}
    for (iso3,), group in kept.group_by("iso3"):
        timed = []
        for row in group.iter_rows(named=True):
            days = (row["last_followup_date"] - row["date_issued"]).days if row["last_followup_date"] else 0
            timed.append((max(0, math.ceil(days / DAYS_PER_MONTH)), row["implementation_status"] == "implemented"))
        surviving = 1.0
        for month in sorted({m for m, _ in timed}):
            at_risk = sum(m >= month for m, _ in timed)
            events = sum(m == month and e for m, e in timed)
            surviving *= 1 - events / at_risk
            out[(iso3, month)] = {"n_at_risk": at_risk, "n_implemented": events,
                                  "n_censored": sum(m == month and not e for m, e in timed),
                                  "share_implemented": 100 * (1 - surviving)}
    return out


def expected_open(public: pl.DataFrame) -> dict[str, tuple[int, int]]:
    status = pl.col("implementation_status")
    return {r[0]: (r[1], r[2]) for r in public.group_by("iso3").agg(
        (status != "no_information").sum().alias("with_information"), status.is_in(OPEN).sum().alias("open"))
        .iter_rows()}


# ------------------------------------------------------------------ the comparisons
def assert_marts_match_public_raw(db: Path, folder: Path) -> None:
    public, totals = public_raw(folder), raw_totals(folder)

    counts = table(db, "SELECT * FROM mart_recommendation_counts")
    assert as_counts(counts.filter(~pl.col("from_totals")), FINEST, "n_recommendations") == expected_cells(public)
    assert as_counts(counts.filter(pl.col("from_totals")), FINEST, "n_recommendations") == as_counts(
        totals.group_by(FINEST).agg(pl.col("n_recommendations").sum().alias("n")), FINEST)

    rates = {(r["iso3"], r["year_issued"]): r for r in table(db, "SELECT * FROM mart_implementation_rates").to_dicts()}
    expected = expected_rates(public, totals)
    assert set(rates) == set(expected)
    for key, figures in expected.items():
        for column, value in figures.items():
            assert rates[key][column] == (pytest.approx(value) if value is not None else None), (key, column)

    indicators = table(db, "SELECT iso3, year, indicator_id, value, n FROM mart_indicator_values WHERE indicator_id IN "
                           "('recommendations_issued', 'implementation_rate', 'acceptance_rate', "
                           "'implemented_within_24_months')")
    by_indicator = {(r["indicator_id"], r["iso3"], r["year"]): r for r in indicators.to_dicts()}
    issued = {k[1:]: r["value"] for k, r in by_indicator.items() if k[0] == "recommendations_issued"}
    assert issued == {k: f["n_recommendations"] for k, f in expected.items()}
    rated = {k[1:]: r["value"] for k, r in by_indicator.items() if k[0] == "implementation_rate"}
    assert rated == {k: pytest.approx(f["implementation_rate"]) for k, f in expected.items()
                     if f["implementation_rate"] is not None}
    accepted = {k[1:]: r["value"] for k, r in by_indicator.items() if k[0] == "acceptance_rate"}
    assert accepted == {k: pytest.approx(f["acceptance_rate"]) for k, f in expected.items()
                        if f["acceptance_rate"] is not None}

    by_age = {(r["iso3"], r["year_issued"], r["window_months"]): r
              for r in table(db, "SELECT * FROM mart_implementation_by_age").to_dicts()}
    expected_age = expected_by_age(public)
    assert set(by_age) == set(expected_age)
    for key, figures in expected_age.items():
        for column, value in figures.items():
            assert by_age[key][column] == (pytest.approx(value) if value is not None else None), (key, column)
    within_24 = {k[1:]: r["value"] for k, r in by_indicator.items() if k[0] == "implemented_within_24_months"}
    assert within_24 == {(k[0], k[1]): pytest.approx(f["share_implemented_within"]) for k, f in expected_age.items()
                         if k[2] == 24 and f["share_implemented_within"] is not None}

    curves = {(r["iso3"], r["month"]): r for r in table(db, "SELECT * FROM mart_time_to_implementation").to_dicts()}
    expected_curve = expected_curves(public)
    anchors = {key for key in curves if key not in expected_curve}
    assert all(month == 0 and curves[(iso3, 0)]["n_implemented"] == 0 for iso3, month in anchors)  # month-0 anchors
    for key, figures in expected_curve.items():
        for column, value in figures.items():
            assert curves[key][column] == pytest.approx(value), (key, column)

    open_recs = {r["iso3"]: (r["n_with_information"], r["n_open"])
                 for r in table(db, "SELECT * FROM mart_open_recommendations").to_dicts()}
    assert open_recs == expected_open(public)


def assert_no_internal_record_can_be_rebuilt(db: Path) -> None:
    """The attack, with what a visitor can download: every aggregate minus the public list."""
    public = table(db, "SELECT * FROM mart_public_recommendations")
    listed = as_counts(public.group_by(FINEST).agg(pl.len().alias("n")), FINEST)
    counts = table(db, "SELECT * FROM mart_recommendation_counts WHERE NOT from_totals")
    assert as_counts(counts, FINEST, "n_recommendations") == listed  # the finest cell, everywhere

    by_year = public.group_by("iso3", "year_issued").agg(
        pl.len().alias("n"), *[(pl.col("implementation_status") == s).sum().alias(f"n_{s}") for s in STATUSES],
        *[(pl.col("response") == r).sum().alias(f"n_{r}") for r in RESPONSES])
    totals = table(db, "SELECT * FROM mart_recommendation_counts WHERE from_totals")
    totals_by_year = totals.group_by("iso3", "year_issued").agg(
        pl.col("n_recommendations").sum().alias("n"),
        *[pl.col("n_recommendations").filter(pl.col("implementation_status") == s).sum().alias(f"n_{s}")
          for s in STATUSES],
        *[pl.col("n_recommendations").filter(pl.col("response") == r).sum().alias(f"n_{r}") for r in RESPONSES])
    published = pl.concat([by_year, totals_by_year], how="vertical_relaxed").group_by("iso3", "year_issued").sum()
    rates = table(db, "SELECT * FROM mart_implementation_rates")
    joined = rates.join(published, on=["iso3", "year_issued"], how="full", coalesce=True)
    assert (joined["n_recommendations"] - joined["n"]).abs().max() == 0, "rates beyond the public list and totals"
    for column in [f"n_{s}" for s in STATUSES] + [f"n_{r}" for r in RESPONSES]:
        assert (joined[column] - joined[f"{column}_right"]).abs().max() == 0, column

    age = table(db, "SELECT iso3, year_issued, max(n_recommendations) AS n FROM mart_implementation_by_age "
                    "GROUP BY ALL")
    assert as_counts(age, ["iso3", "year_issued"]) == as_counts(
        public.group_by("iso3", "year_issued").agg(pl.len().alias("n")), ["iso3", "year_issued"])

    curve = table(db, "SELECT iso3, sum(n_implemented) AS n_implemented, sum(n_censored) AS n_censored "
                      "FROM mart_time_to_implementation GROUP BY iso3")
    status, followup = pl.col("implementation_status"), pl.col("last_followup_date")
    from_list = public.group_by("iso3").agg(
        ((status == "implemented") & followup.is_not_null()).sum().alias("n_implemented"),
        status.is_in(OPEN).sum().alias("n_censored"))
    assert as_counts(curve, ["iso3"], "n_implemented") == as_counts(from_list, ["iso3"], "n_implemented")
    assert as_counts(curve, ["iso3"], "n_censored") == as_counts(from_list, ["iso3"], "n_censored")

    open_recs = table(db, "SELECT iso3, n_open AS n, as_of_date FROM mart_open_recommendations")
    assert as_counts(open_recs, ["iso3"]) == as_counts(public.group_by("iso3").agg(status.is_in(OPEN).sum()
                                                                                   .alias("n")), ["iso3"])
    latest = dict(public.group_by("iso3").agg(followup.max()).iter_rows())
    assert {r["iso3"]: r["as_of_date"] for r in open_recs.to_dicts()} == latest  # no internal date shows


# ------------------------------------------------------------------ the datasets
@pytest.fixture(scope="module")
def distinct_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("distinct_internal") / "input"
    shutil.copytree(TINY, folder)
    records = folder / "recommendations.csv"
    records.write_text(records.read_text(encoding="utf-8").rstrip("\n") + "\n" + DISTINCT_INTERNAL, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def distinct_db(distinct_folder, make_database) -> Path:
    return make_database(distinct_folder)


@pytest.fixture(scope="module")
def flipped_folder(distinct_folder, tmp_path_factory) -> Path:
    """The same records with the four distinctive internal rows made public."""
    folder = tmp_path_factory.mktemp("flipped") / "input"
    shutil.copytree(distinct_folder, folder)
    records = folder / "recommendations.csv"
    lines = records.read_text(encoding="utf-8").splitlines()
    flipped = [line.replace(",no,", ",yes,", 1) if line.startswith(DISTINCT_IDS) else line for line in lines]
    records.write_text("\n".join(flipped) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def flipped_db(flipped_folder, make_database) -> Path:
    return make_database(flipped_folder)


# ------------------------------------------------------------------ the tests
def test_the_bundled_data_has_internal_records():
    records = raw_records(BUNDLED)
    assert 0 < records.filter(pl.col("is_public") == "no").height < records.height


def test_bundled_marts_count_public_recommendations_only(bundled_db):
    assert_marts_match_public_raw(bundled_db, BUNDLED)


def test_no_internal_record_can_be_rebuilt_from_the_bundled_aggregates(bundled_db):
    assert_no_internal_record_can_be_rebuilt(bundled_db)


def test_distinct_internal_marts_count_public_recommendations_only(distinct_db, distinct_folder):
    assert_marts_match_public_raw(distinct_db, distinct_folder)


def test_no_internal_record_can_be_rebuilt_from_the_fixture_aggregates(distinct_db):
    assert_no_internal_record_can_be_rebuilt(distinct_db)


def test_internal_cells_years_and_dates_appear_nowhere(distinct_db):
    assert table(distinct_db, "SELECT * FROM mart_recommendation_counts WHERE place_type = 'military' "
                              "OR year_issued = 2021").height == 0
    for mart in ("mart_implementation_rates", "mart_implementation_by_age"):
        assert table(distinct_db, f"SELECT * FROM {mart} WHERE year_issued = 2021").height == 0, mart
    assert table(distinct_db, "SELECT * FROM mart_indicator_values WHERE year = 2021 AND indicator_id IN "
                              "('recommendations_issued', 'implementation_rate', 'acceptance_rate')").height == 0
    for mart in ("mart_time_to_implementation", "mart_open_recommendations", "mart_implementation_by_age"):
        assert table(distinct_db, f"SELECT * FROM {mart} WHERE iso3 = 'URY'").height == 0, mart  # URY: totals only
    [(as_of,)] = table(distinct_db, "SELECT DISTINCT as_of_date FROM mart_open_recommendations "
                                    "WHERE iso3 = 'PER'").rows()
    assert as_of == dt.date(2022, 3, 1)  # the latest public follow-up, not INT-A's 2024-06-01


def test_the_figures_move_when_records_flip_to_public(distinct_db, flipped_db, flipped_folder):
    # The same checks hold on the flipped data (they read is_public, not a fixed list)...
    assert_marts_match_public_raw(flipped_db, flipped_folder)
    assert_no_internal_record_can_be_rebuilt(flipped_db)

    # ...and the published figures differ by exactly the four records.
    def records_counted(db: Path) -> int:
        return table(db, "SELECT sum(n_recommendations) FROM mart_recommendation_counts WHERE NOT from_totals").item()
    assert records_counted(flipped_db) - records_counted(distinct_db) == len(DISTINCT_IDS)
    military = "SELECT sum(n_recommendations) FROM mart_recommendation_counts WHERE place_type = 'military'"
    assert table(flipped_db, military).item() == 2 and table(distinct_db, military).item() is None

    def per_2019_rate(db: Path) -> float:
        return table(db, "SELECT implementation_rate FROM mart_implementation_rates "
                         "WHERE iso3 = 'PER' AND year_issued = 2019").item()
    # PER 2019 public: implemented, partially, not implemented (1 of 3); INT-D adds one implemented (2 of 4)
    assert per_2019_rate(distinct_db) == pytest.approx(100 / 3)
    assert per_2019_rate(flipped_db) == pytest.approx(100 * 2 / 4)
