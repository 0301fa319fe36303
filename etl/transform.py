"""Validated tables -> the database tables: derived figures and pre-aggregated marts.

Rules that shape every function here (docs/data_model.md):
- a derived value exists only when all its inputs exist for that institution-year
  (an inner join, never a fill with zero) and its denominator is > 0;
- "no information" is a status of its own: rates divide by the recommendations
  WITH status information;
- record-level recommendations and reported totals feed the same counts;
- `data_status` of a derived row is the worst of its inputs;
- public figures count public recommendations only: internal ones (`is_public = no`) are
  left out of every count, rate, breakdown, curve and indicator, so that no aggregate minus
  the public list can rebuild an internal record. Reported totals are published figures
  and stay.
"""
from __future__ import annotations

from typing import Callable

import polars as pl

import catalogue
from etl.contracts import DATA_STATUS_RANK, DATABASE_TABLES

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
# Windows of the headline recommendation measure: share implemented within N months of issue.
AGE_WINDOWS_MONTHS = (12, 24, 36)
HEADLINE_WINDOW_MONTHS = 24  # the window also written to the indicator mart (Compare, Progress)
OPEN_STATUSES = ("partially_implemented", "in_progress", "not_implemented")  # known, not (fully) implemented
RESPONSE_COLUMNS = {  # response code -> count column of mart_implementation_rates
    "accepted": "n_accepted", "partially_accepted": "n_partially_accepted", "rejected": "n_rejected",
    "no_reply": "n_no_reply",
}
# Dates known to the month or the year are stored as the first day of that period; the
# period's last day is the other end of the interval they stand for.
DATE_PRECISIONS = {"opcat_ratification_date": "opcat_ratification_precision",
                   "npm_designation_date": "npm_designation_precision",
                   "npm_operational_date": "npm_operational_precision"}
AUTONOMY_WEIGHTS = {"met": 1.0, "partially_met": 0.5, "not_met": 0.0}  # no_information: left out
IMPLEMENTED = "implemented"
PARTIALLY = "partially_implemented"
STATUS_COLUMNS = {  # implementation_status code -> count column of mart_implementation_rates
    "implemented": "n_implemented", "partially_implemented": "n_partially_implemented",
    "in_progress": "n_in_progress", "not_implemented": "n_not_implemented", "no_information": "n_no_information",
}

# Ratio indicators: (indicator, numerator, denominator, factor). Inputs are
# indicator ids (observations) or context variables; order matters (usd first).
RATIOS = (
    ("npm_budget_usd", "npm_budget_lcu", "usd_exchange_rate", 1.0),
    ("budget_per_detainee_usd", "npm_budget_usd", "prison_population", 1.0),
    ("npm_budget_share_pct", "npm_budget_lcu", "institution_budget_lcu", 100.0),
    ("staff_per_1000_detainees", "npm_staff", "prison_population", 1000.0),
    ("visits_per_place", "npm_visits", "places_of_detention", 1.0),
)

_RANK_TO_STATUS = {rank: status for status, rank in DATA_STATUS_RANK.items()}
MERGE_BY_SLICES_MAX_ROWS = 1_000  # totals rows slotted into the grouped records; more: one stable sort


def status_rank(column: str = "data_status") -> pl.Expr:
    return pl.col(column).replace_strict(DATA_STATUS_RANK, return_dtype=pl.Int8)


def status_from_rank(expr: pl.Expr) -> pl.Expr:
    return expr.replace_strict(_RANK_TO_STATUS, return_dtype=pl.String)


def worst_status(column: str = "data_status") -> pl.Expr:
    """The worst data_status among a group's rows, as text. Through an Enum in rank order: 700k
    records are compared as small integers, not mapped word by word to ranks and back (half the
    CPU and a quarter of the memory of that when grouping them)."""
    return pl.col(column).cast(pl.Enum(sorted(DATA_STATUS_RANK, key=DATA_STATUS_RANK.get))).max().cast(pl.String)


def build_marts(tables: dict[str, pl.DataFrame], on_ready: Callable[[str, pl.DataFrame], None] | None = None,
                *, consume: bool = False) -> dict[str, pl.DataFrame]:
    """All database tables derived from the validated input tables.

    `on_ready(name, table)` is told of the public recommendations as soon as the counts are
    done, before the other marts are worked out: the loader writes that biggest table while they
    are (see pipeline.run). Not before the counts: grouping 700k records takes memory for a
    moment, and DuckDB's insert beside it made the peak of the whole load.
    With `consume`, the recommendations are taken out of `tables` once the public ones are
    filtered from them, so that a million rows are let go before the marts are built.
    """
    # Filtered once: every recommendation mart below is built from public records only.
    records = public_only(tables.pop("recommendations") if consume else tables["recommendations"])
    # Codes arrive Categorical (cheap for the big recommendations table); the
    # small tables are easier to stack and join as plain strings.
    tables = {name: as_strings(frame) for name, frame in tables.items() if name != "recommendations"}
    counts = recommendation_counts(records, tables["recommendation_totals"])
    public = conform("mart_public_recommendations", public_recommendations(records))
    if on_ready is not None:
        on_ready("mart_public_recommendations", public)
    institution_rows = institutions(tables["institutions"])
    # Figures for years before an NPM operated are not the NPM's: set aside, never compared.
    observations, early_observations = split_before_npm(tables["observations"], institution_rows)
    assessments, early_assessments = split_before_npm(tables["autonomy_assessments"], institution_rows)
    rates = implementation_rates(counts)
    scores = autonomy_scores(assessments)
    times = record_times(records)
    by_age = implementation_by_age(times)
    curves = time_to_implementation(times)
    marts = {
        "institutions": institution_rows,
        "mart_indicator_values": indicator_values(observations, tables["context"], rates, scores, by_age),
        "mart_context": tables["context"],
        "mart_autonomy_cells": assessments,
        "mart_autonomy_scores": scores,
        "mart_recommendation_counts": counts,
        "mart_implementation_rates": rates,
        "mart_implementation_by_age": by_age,
        "mart_time_to_implementation": curves,
        "mart_open_recommendations": open_recommendations(times, curves),
        "mart_public_recommendations": public,
        "mart_before_npm": before_npm(early_observations, early_assessments),
        "reference_facts": tables.get("reference_facts", _empty("reference_facts")),
    }
    return {name: conform(name, frame) for name, frame in marts.items()}


def as_strings(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.Categorical).cast(pl.String))


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Exactly the columns of the database table, in its order (types are cast by the loader)."""
    return frame.select([pl.col(c) if c in frame.columns else pl.lit(None).alias(c)
                         for c, _ in DATABASE_TABLES[name]])


def _empty(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema={c: pl.String for c, _ in DATABASE_TABLES[name]})


def institutions(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates with their precision (blank = day), years from ratification as an interval, and the
    first year that is the NPM's (the year it started operating, else the year it was designated)."""
    frame = frame.with_columns(
        pl.when(pl.col(date).is_not_null()).then(pl.col(precision).fill_null("day")).alias(precision)
        for date, precision in DATE_PRECISIONS.items() if precision in frame.columns)
    frame = frame.with_columns(
        pl.when(pl.col(date).is_not_null()).then(pl.lit("day")).alias(precision)
        for date, precision in DATE_PRECISIONS.items() if precision not in frame.columns)
    frame = frame.with_columns(
        pl.col(date).pipe(_period_start, pl.col(precision)).alias(date) for date, precision in DATE_PRECISIONS.items())

    def years_since_ratification(column: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        ratified = "opcat_ratification_date"
        shortest = _days(_period_start(pl.col(column), pl.col(DATE_PRECISIONS[column])),
                         _period_end(pl.col(ratified), pl.col(DATE_PRECISIONS[ratified]))) / DAYS_PER_YEAR
        longest = _days(_period_end(pl.col(column), pl.col(DATE_PRECISIONS[column])),
                        _period_start(pl.col(ratified), pl.col(DATE_PRECISIONS[ratified]))) / DAYS_PER_YEAR
        return (shortest + longest) / 2, shortest, longest

    to_designation, to_operation = (years_since_ratification(c) for c in ("npm_designation_date",
                                                                          "npm_operational_date"))
    return frame.with_columns(
        to_designation[0].alias("years_to_designation"), to_designation[1].alias("years_to_designation_min"),
        to_designation[2].alias("years_to_designation_max"),
        to_operation[0].alias("years_to_operation"), to_operation[1].alias("years_to_operation_min"),
        to_operation[2].alias("years_to_operation_max"),
        pl.coalesce(pl.col("npm_operational_date").dt.year(), pl.col("npm_designation_date").dt.year())
        .cast(pl.Int64).alias("first_npm_year"),
    ).sort("iso3")


def _period_start(date: pl.Expr, precision: pl.Expr) -> pl.Expr:
    return (pl.when(precision == "year").then(pl.date(date.dt.year(), 1, 1))
            .when(precision == "month").then(date.dt.month_start()).otherwise(date))


def _period_end(date: pl.Expr, precision: pl.Expr) -> pl.Expr:
    return (pl.when(precision == "year").then(pl.date(date.dt.year(), 12, 31))
            .when(precision == "month").then(date.dt.month_end()).otherwise(date))


def _days(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    return (later - earlier).dt.total_days()


def split_before_npm(frame: pl.DataFrame, institution_rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows from the NPM's first year on, rows of earlier years). Institutions without any NPM
    date keep every row: nothing says when their NPM began."""
    first = institution_rows.select("iso3", "first_npm_year")
    marked = frame.join(first, on="iso3", how="left")
    early = pl.col("year") < pl.col("first_npm_year")
    return (marked.filter(~early.fill_null(False)).drop("first_npm_year"),
            marked.filter(early.fill_null(False)))


def before_npm(observations: pl.DataFrame, assessments: pl.DataFrame) -> pl.DataFrame:
    """What was set aside, readable: one row per value given for a year before the NPM operated."""
    columns = ["iso3", "year", "source_table", "item_id", "value", "first_npm_year", "data_status"]
    parts = [
        observations.select("iso3", "year", pl.lit("observations").alias("source_table"),
                            pl.col("indicator_id").alias("item_id"), pl.col("value").cast(pl.String),
                            "first_npm_year", "data_status"),
        assessments.select("iso3", "year", pl.lit("autonomy_assessments").alias("source_table"),
                           pl.col("criterion_id").alias("item_id"), pl.col("assessment").alias("value"),
                           "first_npm_year", "data_status"),
    ]
    return pl.concat([p.select(columns) for p in parts]).sort("iso3", "year", "source_table", "item_id")


# ---------------------------------------------------------------- recommendations
def public_only(records: pl.DataFrame) -> pl.DataFrame:
    """The recommendations that may be shown. An internal one counted in any public figure
    could be rebuilt by subtracting the public list from it (country, year, place, theme,
    authority, response and status), so internal records stop here."""
    return records.filter(pl.col("is_public") == "yes")


def recommendation_counts(records: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """Records grouped to the grain of the totals, stacked with the totals."""
    dims = ["iso3", "year_issued", "place_type", "theme", "authority", "implementation_status", "response"]
    from_records = (
        records.lazy()
        .with_columns(pl.col("date_issued").dt.year().cast(pl.Int64).alias("year_issued"))
        .group_by(dims)
        .agg(pl.len().cast(pl.Int64).alias("n_recommendations"), worst_status().alias("data_status"))
        .with_columns(pl.lit(False).alias("from_totals"))
    )
    from_totals = (
        totals.lazy()
        .group_by(dims)  # the key is unique, but be safe: never two rows per cell
        .agg(pl.col("n_recommendations").sum().cast(pl.Int64), status_from_rank(status_rank().max())
             .alias("data_status"))
        .with_columns(pl.lit(True).alias("from_totals"))
    )
    columns = dims + ["n_recommendations", "from_totals", "data_status"]
    # Group on Categorical codes (fast), then hand back plain strings (small result).
    parts = pl.collect_all([from_records.select(columns), from_totals.select(columns)])
    return stacked_in_order(parts, dims)


def stacked_in_order(parts: list[pl.DataFrame], keys: list[str]) -> pl.DataFrame:
    """`sorted_rows(pl.concat(parts), keys)` with Categorical columns as plain strings (ties keep
    the order of the parts). A Categorical column is ranked through an Enum of its sorted words,
    and each part is sorted while its words are still codes: 440k grouped records are neither
    turned into text to be ranked nor moved as text to be sorted (each cost more than the sort)."""
    key, span = pl.lit(0, pl.UInt64), 1
    for name in keys:
        distinct = [part.get_column(name).drop_nulls().unique() for part in parts]
        words = all(column.dtype in (pl.String, pl.Categorical) for column in distinct)
        values = pl.concat([column.cast(pl.String) if words else column for column in distinct]).unique().sort()
        span *= len(values) + 1
        if span >= 2**63:
            return sorted_rows(pl.concat([as_strings(part) for part in parts]), keys)
        if words and len(values):
            rank = pl.col(name).cast(pl.Enum(values.to_list())).to_physical().cast(pl.UInt64)
        else:
            rank = pl.col(name).replace_strict(values, pl.int_range(len(values), dtype=pl.UInt64, eager=True),
                                               default=None, return_dtype=pl.UInt64)
        key = key * (len(values) + 1) + rank.fill_null(len(values))  # null: last
    ordered = [as_strings(part.with_columns(key.alias("__order")).sort("__order", maintain_order=True))
               for part in parts]
    merged = ordered[0]
    for later in ordered[1:]:
        merged = _merged(merged, later)
    return merged.drop("__order")



def _merged(first: pl.DataFrame, later: pl.DataFrame) -> pl.DataFrame:
    """Two frames sorted by "__order" as one, rows of `first` before those of `later` on ties
    (a stable sort of the two stacked). A few rows (reported totals) are slotted into the
    many (grouped records) between slices of them, which copies nothing."""
    if not later.height:
        return first
    if later.height > MERGE_BY_SLICES_MAX_ROWS:
        return pl.concat([first, later]).sort("__order", maintain_order=True)
    positions = first.get_column("__order").search_sorted(later.get_column("__order"), side="right").to_list()
    pieces, start = [], 0
    for row, position in enumerate(positions):
        pieces += [first.slice(start, position - start), later.slice(row, 1)]
        start = position
    return pl.concat([*pieces, first.slice(start)])


def sorted_rows(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """`frame.sort(keys, nulls_last=True)`, by one integer key when the columns have few distinct
    values: sorting 600k grouped rows on seven text columns costs half a second, on one integer
    a few milliseconds. Each column's values are ranked once (they are a dozen words or years)."""
    key, span = pl.lit(0, pl.UInt64), 1
    for name in keys:
        values = frame.get_column(name).drop_nulls().unique().sort()
        span *= len(values) + 1
        if span >= 2**63:
            return frame.sort(keys, nulls_last=True)
        rank = pl.col(name).replace_strict(values, pl.int_range(len(values), dtype=pl.UInt64, eager=True),
                                           default=len(values), return_dtype=pl.UInt64)  # null: last
        key = key * (len(values) + 1) + rank
    return frame.sort(key, maintain_order=True)


def implementation_rates(counts: pl.DataFrame) -> pl.DataFrame:
    status = pl.col("implementation_status")
    n = pl.col("n_recommendations")
    rates = counts.group_by("iso3", "year_issued").agg(
        n.sum().alias("n_recommendations"),
        *[n.filter(status == code).sum().alias(column) for code, column in STATUS_COLUMNS.items()],
        status_from_rank(status_rank().max()).alias("data_status"),
    )
    responses = counts.group_by("iso3", "year_issued").agg(
        *[n.filter(pl.col("response") == code).sum().alias(column) for code, column in RESPONSE_COLUMNS.items()],
        n.filter(pl.col("response").is_not_null()).sum().alias("n_with_response"))
    rates = rates.join(responses, on=["iso3", "year_issued"], how="left")
    with_information = pl.col("n_recommendations") - pl.col("n_no_information")
    rates = rates.with_columns(with_information.alias("n_with_information"))
    per_cent = 100.0 / pl.col("n_with_information")
    return rates.with_columns(
        pl.when(pl.col("n_with_information") > 0).then(pl.col("n_implemented") * per_cent)
        .alias("implementation_rate"),
        pl.when(pl.col("n_with_information") > 0)
        .then((pl.col("n_implemented") + pl.col("n_partially_implemented")) * per_cent)
        .alias("implemented_or_partial_rate"),
        # Over the recommendations whose response is recorded; 'no reply' is a response (none came).
        pl.when(pl.col("n_with_response") > 0).then(100.0 * pl.col("n_accepted") / pl.col("n_with_response"))
        .alias("acceptance_rate"),
    ).sort("iso3", "year_issued")


# ---------------------------------------------------------------- recommendations by age
def record_times(records: pl.DataFrame) -> pl.DataFrame:
    """One row per recommendation: months to implementation (implemented with a follow-up date),
    months to the last follow-up, and the institution's as-of date (its latest follow-up).

    The date a status became 'implemented' is not recorded; the last follow-up date of an
    implemented recommendation is the best proxy (it can only be later than the true date).
    Worked out once, narrow (codes stay Categorical, the status rank is a small integer), and
    shared by the by-age, Kaplan-Meier and open-recommendation marts.
    """
    status = pl.col("implementation_status")
    return records.lazy().select(
        "iso3", "date_issued", "last_followup_date", status.alias("status"),
        status_rank().alias("status_rank"), pl.col("date_issued").dt.year().cast(pl.Int64).alias("year_issued"),
        pl.col("last_followup_date").max().over("iso3").alias("as_of_date"),
        (_days(pl.col("last_followup_date"), pl.col("date_issued")) / DAYS_PER_MONTH).alias("months_to_followup"),
        (status == IMPLEMENTED).alias("implemented"),
        (status != "no_information").alias("with_information"),
    ).collect()


def _worst_status() -> pl.Expr:
    return status_from_rank(pl.col("status_rank").max()).alias("data_status")


def implementation_by_age(times: pl.DataFrame) -> pl.DataFrame:
    """Share implemented within 12/24/36 months of issue, per institution and year issued.

    A year's cohort gets a share only when it is old enough: its last day plus the window is
    on or before the institution's as-of date, so every recommendation in it had the full window.
    Denominator: recommendations with status information whose implementation time is known
    (implemented ones without a follow-up date are counted apart).
    """
    date_unknown = pl.col("implemented") & pl.col("last_followup_date").is_null()
    # One pass over the records counts every window at once; the windows become rows afterwards.
    cohorts = times.lazy().group_by("iso3", "year_issued").agg(
        pl.col("as_of_date").first(),
        pl.len().cast(pl.Int64).alias("n_recommendations"),
        (pl.col("with_information") & ~date_unknown).sum().cast(pl.Int64).alias("n_with_information"),
        date_unknown.sum().cast(pl.Int64).alias("n_implemented_date_unknown"),
        *[(pl.col("implemented") & (pl.col("months_to_followup") <= months)).fill_null(False).sum().cast(pl.Int64)
          .alias(f"within_{months}") for months in AGE_WINDOWS_MONTHS],
        _worst_status()).collect()
    days_left = _days(pl.col("as_of_date"), pl.date(pl.col("year_issued"), 12, 31))
    share = 100.0 * pl.col("n_implemented_within") / pl.col("n_with_information")
    per_window = pl.concat([
        cohorts.with_columns(
            pl.lit(months, pl.Int64).alias("window_months"),
            (days_left >= months * DAYS_PER_MONTH).fill_null(False).alias("old_enough"),
            pl.col(f"within_{months}").alias("n_implemented_within"))
        for months in AGE_WINDOWS_MONTHS])
    return per_window.with_columns(
        pl.when(pl.col("old_enough") & (pl.col("n_with_information") > 0)).then(share)
        .alias("share_implemented_within"),
    ).with_columns(pl.col("iso3").cast(pl.String)).sort("iso3", "year_issued", "window_months")


def _whole_months(months: pl.Expr) -> pl.Expr:
    # "Within 12 months" means at most 12 * DAYS_PER_MONTH days: month k holds (k-1, k].
    return months.ceil().cast(pl.Int64).clip(lower_bound=0)


def time_to_implementation(times: pl.DataFrame) -> pl.DataFrame:
    """Kaplan-Meier share implemented by month since issue, per institution.

    Event: implemented, at its last follow-up (the proxy above). Censored: still open
    (partially, in progress, not implemented) at its last follow-up; an open recommendation
    without a follow-up date is censored at month 0. Left out: no information, and
    implemented ones without a follow-up date (time unknown).
    """
    at = times.lazy().filter(
        pl.col("with_information") & ~(pl.col("implemented") & pl.col("last_followup_date").is_null())
    ).with_columns(_whole_months(pl.col("months_to_followup").fill_null(0.0)).alias("month"))
    # Grouped first: the curve is worked out on (institution, month) rows, not on records.
    per_month = at.group_by("iso3", "month").agg(
        pl.col("implemented").sum().cast(pl.Int64).alias("n_implemented"),
        (~pl.col("implemented")).sum().cast(pl.Int64).alias("n_censored"),
        pl.col("status_rank").max()).with_columns(pl.col("iso3").cast(pl.String)).collect().lazy()
    leaving = pl.col("n_implemented") + pl.col("n_censored")
    curve = per_month.sort("iso3", "month").with_columns(
        (leaving.sum().over("iso3") - leaving.cum_sum().over("iso3") + leaving).alias("n_at_risk"))
    surviving = (1.0 - pl.col("n_implemented") / pl.col("n_at_risk")).cum_prod().over("iso3")
    curve = curve.with_columns((100.0 * (1.0 - surviving)).alias("share_implemented"),
                               status_from_rank(pl.col("status_rank")).alias("data_status"))
    start = curve.group_by("iso3").agg(leaving.sum().alias("n_at_risk"), _worst_status()).with_columns(
        pl.lit(0, pl.Int64).alias("month"), pl.lit(0, pl.Int64).alias("n_implemented"),
        pl.lit(0, pl.Int64).alias("n_censored"), pl.lit(0.0).alias("share_implemented"))
    columns = ["iso3", "month", "n_at_risk", "n_implemented", "n_censored", "share_implemented", "data_status"]
    # A row at month 0 (nothing implemented yet) anchors each curve unless month 0 has one.
    start = start.join(curve.select("iso3", "month"), on=["iso3", "month"], how="anti")
    return pl.concat([curve.select(columns), start.select(columns)], how="diagonal_relaxed").sort(
        "iso3", "month").collect()


def open_recommendations(times: pl.DataFrame, curves: pl.DataFrame) -> pl.DataFrame:
    """Per institution: open recommendations (known status, not fully implemented), their median
    age at the as-of date, and the month by which half were implemented (NULL if never)."""
    age = _days(pl.col("as_of_date"), pl.col("date_issued")) / DAYS_PER_MONTH
    is_open = pl.col("status").is_in(OPEN_STATUSES)
    summary = times.lazy().group_by("iso3").agg(
        pl.col("as_of_date").first(),
        pl.col("with_information").sum().cast(pl.Int64).alias("n_with_information"),
        is_open.sum().cast(pl.Int64).alias("n_open"),
        age.filter(is_open).median().alias("median_open_age_months"),
        _worst_status()).with_columns(pl.col("iso3").cast(pl.String)).collect()
    half = (curves.lazy().filter(pl.col("share_implemented") >= 50.0).group_by("iso3")
            .agg(pl.col("month").min().cast(pl.Float64).alias("median_months_to_implementation")).collect())
    return summary.join(half, on="iso3", how="left").sort("iso3")


def public_recommendations(records: pl.DataFrame) -> pl.DataFrame:
    """The public record-level table (`records` already holds public rows only; checked again
    here, and filtered if need be, so this table can never be handed an internal row)."""
    # Checked rather than filtered again when all are public: a filter copies 700k rows of text.
    all_public = records.select((pl.col("is_public") == "yes").fill_null(False).all()).item()
    # Kept in input order: sorting 700k rows of text costs a second and SQL readers sort anyway.
    public = (records if all_public else public_only(records)).with_columns(
        pl.col("date_issued").dt.year().alias("year_issued"))
    # Sources repeat (one report, many recommendations): as a dictionary they cost
    # far less to hand to DuckDB than a million copies of the same URL.
    if public.height and public.get_column("source").n_unique() < public.height // 10:
        public = public.with_columns(pl.col("source").cast(pl.Categorical))
    return public


# ---------------------------------------------------------------- autonomy
def autonomy_scores(assessments: pl.DataFrame) -> pl.DataFrame:
    """Weighted share of criteria met; criteria with no information (or not listed) are left out and counted."""
    criteria_total = len(catalogue.criteria())
    a = pl.col("assessment")
    scores = assessments.group_by("iso3", "year").agg(
        (a == "met").sum().alias("n_met"),
        (a == "partially_met").sum().alias("n_partially_met"),
        (a == "not_met").sum().alias("n_not_met"),
        a.replace_strict(AUTONOMY_WEIGHTS, default=None, return_dtype=pl.Float64).sum().alias("__points"),
        status_from_rank(status_rank().max()).alias("data_status"),
    )
    assessed = pl.col("n_met") + pl.col("n_partially_met") + pl.col("n_not_met")
    return scores.with_columns(
        assessed.alias("criteria_assessed"),
        pl.lit(criteria_total).alias("criteria_total"),
        (pl.lit(criteria_total) - assessed).alias("n_no_information"),
        pl.when(assessed > 0).then(100.0 * pl.col("__points") / assessed).alias("autonomy_score"),
    ).drop("__points").sort("iso3", "year")


# ---------------------------------------------------------------- indicator values
def indicator_values(observations: pl.DataFrame, context: pl.DataFrame, rates: pl.DataFrame,
                     scores: pl.DataFrame, by_age: pl.DataFrame | None = None) -> pl.DataFrame:
    """Input observations plus every derived indicator, long: (iso3, year, indicator_id, value, n, ...)."""
    long = ["iso3", "year", "indicator_id", "value", "n", "data_status", "source", "note"]
    inputs = pl.concat([
        observations.with_columns(pl.lit(None, pl.Int64).alias("n")).select(long),
        context.rename({"variable": "indicator_id"}).with_columns(pl.lit(None, pl.Int64).alias("n")).select(long),
    ])
    derived: list[pl.DataFrame] = []
    for indicator_id, numerator, denominator, factor in RATIOS:
        available = pl.concat([inputs, *derived]) if derived else inputs
        derived.append(_ratio(available, indicator_id, numerator, denominator, factor))
    derived.append(_from_rates(rates))
    derived.append(_from_scores(scores))
    if by_age is not None:
        derived.append(_from_age(by_age))
    return (pl.concat([observations.with_columns(pl.lit(None, pl.Int64).alias("n")).select(long), *derived])
            .sort("iso3", "year", "indicator_id"))


def _derivation_note(indicator_id: str) -> str:
    # The database's notes are in English, like its codes; pages show the formula in the reader's
    # language from the catalogue (i18n.indicator_derivation).
    return f"derived: {catalogue.indicator(indicator_id)['derivation_en']}"


def _ratio(values: pl.DataFrame, indicator_id: str, numerator: str, denominator: str, factor: float) -> pl.DataFrame:
    def side(name: str, prefix: str) -> pl.DataFrame:
        return values.filter(pl.col("indicator_id") == name).select(
            "iso3", "year", pl.col("value").alias(f"{prefix}_value"),
            status_rank().alias(f"{prefix}_rank"), pl.col("source").alias(f"{prefix}_source"))

    joined = side(numerator, "num").join(side(denominator, "den"), on=["iso3", "year"], how="inner")
    return joined.filter(pl.col("den_value") > 0).select(
        "iso3", "year", pl.lit(indicator_id).alias("indicator_id"),
        (pl.col("num_value") / pl.col("den_value") * factor).alias("value"),
        pl.lit(None, pl.Int64).alias("n"),
        status_from_rank(pl.max_horizontal("num_rank", "den_rank")).alias("data_status"),
        _joined_sources("num_source", "den_source").alias("source"),
        pl.lit(_derivation_note(indicator_id)).alias("note"),
    )


def _joined_sources(*columns: str) -> pl.Expr:
    """The distinct sources of the inputs, "; "-separated (null when none)."""
    joined = pl.concat_list([pl.col(c) for c in columns]).list.drop_nulls().list.unique(maintain_order=True)
    return pl.when(joined.list.len() > 0).then(joined.list.join("; "))


def _from_rates(rates: pl.DataFrame) -> pl.DataFrame:
    base = rates.rename({"year_issued": "year"})
    issued = base.select(
        "iso3", "year", pl.lit("recommendations_issued").alias("indicator_id"),
        pl.col("n_recommendations").cast(pl.Float64).alias("value"), pl.lit(None, pl.Int64).alias("n"),
        "data_status")
    rate_rows = [
        base.filter(pl.col(indicator_id).is_not_null()).select(
            "iso3", "year", pl.lit(indicator_id).alias("indicator_id"), pl.col(indicator_id).alias("value"),
            pl.col("n_with_information").cast(pl.Int64).alias("n"), "data_status")
        for indicator_id in ("implementation_rate", "implemented_or_partial_rate")
    ]
    acceptance = base.filter(pl.col("acceptance_rate").is_not_null()).select(
        "iso3", "year", pl.lit("acceptance_rate").alias("indicator_id"), pl.col("acceptance_rate").alias("value"),
        pl.col("n_with_response").cast(pl.Int64).alias("n"), "data_status")
    return pl.concat([issued, *rate_rows, acceptance]).with_columns(
        pl.lit(None, pl.String).alias("source"),
        pl.col("indicator_id").replace_strict(
            {i: _derivation_note(i) for i in ("recommendations_issued", "implementation_rate",
                                               "implemented_or_partial_rate", "acceptance_rate")},
            return_dtype=pl.String)
        .alias("note"))


HEADLINE_INDICATOR = f"implemented_within_{HEADLINE_WINDOW_MONTHS}_months"


def _from_age(by_age: pl.DataFrame) -> pl.DataFrame:
    """The headline window, by year issued, for cohorts old enough only (n = its denominator)."""
    return by_age.filter((pl.col("window_months") == HEADLINE_WINDOW_MONTHS)
                         & pl.col("share_implemented_within").is_not_null()).select(
        "iso3", pl.col("year_issued").alias("year"), pl.lit(HEADLINE_INDICATOR).alias("indicator_id"),
        pl.col("share_implemented_within").alias("value"), pl.col("n_with_information").cast(pl.Int64).alias("n"),
        "data_status", pl.lit(None, pl.String).alias("source"),
        pl.lit(_derivation_note(HEADLINE_INDICATOR)).alias("note"))


def _from_scores(scores: pl.DataFrame) -> pl.DataFrame:
    return scores.filter(pl.col("autonomy_score").is_not_null()).select(
        "iso3", "year", pl.lit("autonomy_score").alias("indicator_id"), pl.col("autonomy_score").alias("value"),
        pl.col("criteria_assessed").cast(pl.Int64).alias("n"), "data_status",
        pl.lit(None, pl.String).alias("source"), pl.lit(_derivation_note("autonomy_score")).alias("note"))
