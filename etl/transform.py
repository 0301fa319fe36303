"""Validated tables -> the database tables: derived figures and pre-aggregated marts.

Rules that shape every function here (docs/data_model.md):
- a derived value exists only when all its inputs exist for that institution-year
  (an inner join, never a fill with zero) and its denominator is > 0;
- "no information" is a status of its own: rates divide by the recommendations
  WITH status information;
- record-level recommendations and reported totals feed the same counts;
- `data_status` of a derived row is the worst of its inputs.
"""
from __future__ import annotations

import polars as pl

import catalogue
from etl.contracts import DATA_STATUS_RANK, DATABASE_TABLES

DAYS_PER_YEAR = 365.25
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


def status_rank(column: str = "data_status") -> pl.Expr:
    return pl.col(column).replace_strict(DATA_STATUS_RANK, return_dtype=pl.Int8)


def status_from_rank(expr: pl.Expr) -> pl.Expr:
    return expr.replace_strict(_RANK_TO_STATUS, return_dtype=pl.String)


def build_marts(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """All database tables derived from the validated input tables."""
    # Codes arrive Categorical (cheap for the big recommendations table); the
    # small tables are easier to stack and join as plain strings.
    tables = {name: frame if name == "recommendations" else as_strings(frame) for name, frame in tables.items()}
    counts = recommendation_counts(tables["recommendations"], tables["recommendation_totals"])
    rates = implementation_rates(counts)
    scores = autonomy_scores(tables["autonomy_assessments"])
    marts = {
        "institutions": institutions(tables["institutions"]),
        "mart_indicator_values": indicator_values(tables["observations"], tables["context"], rates, scores),
        "mart_context": tables["context"],
        "mart_autonomy_cells": tables["autonomy_assessments"],
        "mart_autonomy_scores": scores,
        "mart_recommendation_counts": counts,
        "mart_implementation_rates": rates,
        "mart_public_recommendations": public_recommendations(tables["recommendations"]),
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
    def years_since_ratification(column: str) -> pl.Expr:
        days = (pl.col(column) - pl.col("opcat_ratification_date")).dt.total_days()
        return days / DAYS_PER_YEAR

    return frame.with_columns(
        years_since_ratification("npm_designation_date").alias("years_to_designation"),
        years_since_ratification("npm_operational_date").alias("years_to_operation"),
    ).sort("iso3")


# ---------------------------------------------------------------- recommendations
def recommendation_counts(records: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """Records grouped to the grain of the totals, stacked with the totals."""
    dims = ["iso3", "year_issued", "place_type", "theme", "authority", "implementation_status"]
    from_records = (
        records.lazy()
        .with_columns(pl.col("date_issued").dt.year().cast(pl.Int64).alias("year_issued"))
        .group_by(dims)
        .agg(pl.len().cast(pl.Int64).alias("n_recommendations"), status_from_rank(status_rank().max())
             .alias("data_status"))
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
    from_records = from_records.with_columns(pl.col(pl.Categorical).cast(pl.String))
    from_totals = from_totals.with_columns(pl.col(pl.Categorical).cast(pl.String))
    return (pl.concat([from_records.select(columns), from_totals.select(columns)])
            .sort(dims, nulls_last=True).collect())


def implementation_rates(counts: pl.DataFrame) -> pl.DataFrame:
    status = pl.col("implementation_status")
    n = pl.col("n_recommendations")
    rates = counts.group_by("iso3", "year_issued").agg(
        n.sum().alias("n_recommendations"),
        *[n.filter(status == code).sum().alias(column) for code, column in STATUS_COLUMNS.items()],
        status_from_rank(status_rank().max()).alias("data_status"),
    )
    with_information = pl.col("n_recommendations") - pl.col("n_no_information")
    rates = rates.with_columns(with_information.alias("n_with_information"))
    per_cent = 100.0 / pl.col("n_with_information")
    return rates.with_columns(
        pl.when(pl.col("n_with_information") > 0).then(pl.col("n_implemented") * per_cent)
        .alias("implementation_rate"),
        pl.when(pl.col("n_with_information") > 0)
        .then((pl.col("n_implemented") + pl.col("n_partially_implemented")) * per_cent)
        .alias("implemented_or_partial_rate"),
    ).sort("iso3", "year_issued")


def public_recommendations(records: pl.DataFrame) -> pl.DataFrame:
    # Kept in input order: sorting 700k rows of text costs a second and SQL readers sort anyway.
    public = (records.filter(pl.col("is_public") == "yes")
              .with_columns(pl.col("date_issued").dt.year().alias("year_issued")))
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
                     scores: pl.DataFrame) -> pl.DataFrame:
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
    return (pl.concat([observations.with_columns(pl.lit(None, pl.Int64).alias("n")).select(long), *derived])
            .sort("iso3", "year", "indicator_id"))


def _derivation_note(indicator_id: str) -> str:
    return f"derived: {catalogue.indicator(indicator_id)['derivation']}"


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
    return pl.concat([issued, *rate_rows]).with_columns(
        pl.lit(None, pl.String).alias("source"),
        pl.col("indicator_id").replace_strict(
            {i: _derivation_note(i) for i in ("recommendations_issued", "implementation_rate",
                                               "implemented_or_partial_rate")}, return_dtype=pl.String)
        .alias("note"))


def _from_scores(scores: pl.DataFrame) -> pl.DataFrame:
    return scores.filter(pl.col("autonomy_score").is_not_null()).select(
        "iso3", "year", pl.lit("autonomy_score").alias("indicator_id"), pl.col("autonomy_score").alias("value"),
        pl.col("criteria_assessed").cast(pl.Int64).alias("n"), "data_status",
        pl.lit(None, pl.String).alias("source"), pl.lit(_derivation_note("autonomy_score")).alias("note"))
