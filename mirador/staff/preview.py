"""What publishing a candidate database would change, against the published one.

Both files are attached read-only to a private in-memory DuckDB (the dashboard's cached
handle is never touched). Three views, each a tidy frame:
- `value_changes`: every indicator value and autonomy assessment that is new, gone, or
  changed in value or status flag (old -> new, with both flags);
- `recommendation_changes`: per institution, public recommendation records new / changed /
  gone by id, and the total count of recommendations (public records and reported totals:
  internal ones are in no published figure, issue 12);
- `headline_moves`: per institution, the headline figures whose value moves.
The database holds no trace of internal recommendations (neither records nor counts), so
every figure compared here is a public one: what publishing would show. `compare` adds the
internal ones, counted apart, from mirador.staff.internal (never from the database).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import polars as pl

from mirador.staff import internal

TABLES = ("mart_indicator_values", "mart_autonomy_cells", "mart_public_recommendations",
          "mart_recommendation_counts", "mart_implementation_by_age", "mart_autonomy_scores")
HEADLINE_WINDOW_MONTHS = 24
STATUS_RANK = "CASE {c} WHEN 'illustrative' THEN 3 WHEN 'estimate' THEN 2 ELSE 1 END"
WEAKEST = ("CASE max(" + STATUS_RANK + ") WHEN 3 THEN 'illustrative' WHEN 2 THEN 'estimate' "
           "ELSE 'sourced' END")


@contextmanager
def _both(published: Path | None, candidate: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """`pub` and `cand` schemas; a missing published file reads as empty tables (first publish)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{_quoted(candidate)}' AS cand (READ_ONLY)")
        if published is not None and Path(published).exists():
            con.execute(f"ATTACH '{_quoted(published)}' AS pub (READ_ONLY)")
        else:
            con.execute("ATTACH ':memory:' AS pub")
            for table in TABLES:
                con.execute(f"CREATE TABLE pub.{table} AS SELECT * FROM cand.{table} LIMIT 0")
        yield con
    finally:
        con.close()


def _quoted(path: Path) -> str:
    return str(Path(path).resolve()).replace("'", "''")


def _compare_sql(table: str, item: str, value: str, kind: str) -> str:
    return f"""
        SELECT coalesce(n.iso3, o.iso3) AS iso3, '{kind}' AS kind, coalesce(n.{item}, o.{item}) AS item,
               coalesce(n.year, o.year) AS year,
               CAST(o.{value} AS VARCHAR) AS old_value, o.data_status AS old_status,
               CAST(n.{value} AS VARCHAR) AS new_value, n.data_status AS new_status,
               CASE WHEN o.iso3 IS NULL THEN 'new' WHEN n.iso3 IS NULL THEN 'gone'
                    WHEN o.{value} IS DISTINCT FROM n.{value} THEN 'changed' ELSE 'status' END AS change
        FROM pub.{table} o FULL OUTER JOIN cand.{table} n USING (iso3, year, {item})
        WHERE o.iso3 IS NULL OR n.iso3 IS NULL OR o.{value} IS DISTINCT FROM n.{value}
              OR o.data_status IS DISTINCT FROM n.data_status"""


def value_changes(published: Path | None, candidate: Path) -> pl.DataFrame:
    """iso3, kind (indicator | autonomy), item, year, old/new value and status, change."""
    sql = (_compare_sql("mart_indicator_values", "indicator_id", "value", "indicator") + " UNION ALL "
           + _compare_sql("mart_autonomy_cells", "criterion_id", "assessment", "autonomy")
           + " ORDER BY iso3, kind, item, year")
    with _both(published, candidate) as con:
        return con.sql(sql).pl()


def recommendation_changes(published: Path | None, candidate: Path) -> pl.DataFrame:
    """Per institution: public records new / changed / gone, and the total count old -> new."""
    sql = """
        WITH records AS (
            SELECT coalesce(n.iso3, o.iso3) AS iso3,
                   CASE WHEN o.recommendation_id IS NULL THEN 'new'
                        WHEN n.recommendation_id IS NULL THEN 'gone'
                        WHEN o IS DISTINCT FROM n THEN 'changed' END AS change
            FROM pub.mart_public_recommendations o
            FULL OUTER JOIN cand.mart_public_recommendations n USING (recommendation_id)),
        totals AS (
            SELECT iso3, sum(n_recommendations) FILTER (WHERE side = 'old') AS total_old,
                   sum(n_recommendations) FILTER (WHERE side = 'new') AS total_new
            FROM (SELECT iso3, n_recommendations, 'old' AS side FROM pub.mart_recommendation_counts
                  UNION ALL SELECT iso3, n_recommendations, 'new' FROM cand.mart_recommendation_counts)
            GROUP BY iso3)
        SELECT coalesce(r.iso3, t.iso3) AS iso3,
               coalesce(r.n_new, 0)::INTEGER AS new, coalesce(r.n_changed, 0)::INTEGER AS changed,
               coalesce(r.n_gone, 0)::INTEGER AS gone,
               t.total_old::INTEGER AS total_old, t.total_new::INTEGER AS total_new
        FROM (SELECT iso3, count(*) FILTER (WHERE change = 'new') AS n_new,
                     count(*) FILTER (WHERE change = 'changed') AS n_changed,
                     count(*) FILTER (WHERE change = 'gone') AS n_gone
              FROM records GROUP BY iso3) r
        FULL OUTER JOIN totals t USING (iso3)
        WHERE coalesce(r.n_new, 0) + coalesce(r.n_changed, 0) + coalesce(r.n_gone, 0) > 0
              OR t.total_old IS DISTINCT FROM t.total_new
        ORDER BY iso3"""
    # `o IS DISTINCT FROM n` compares whole rows: any field of the record (status, date, ...).
    with _both(published, candidate) as con:
        return con.sql(sql).pl()


def _headline_sql(side: str) -> str:
    """One row per (iso3, measure): the figures a reader sees first, as the pages compute them."""
    return f"""
        SELECT iso3, 'implemented_within_24_months' AS measure,
               CASE WHEN sum(n_with_information) > 0
                    THEN 100.0 * sum(n_implemented_within) / sum(n_with_information) END AS value,
               {WEAKEST.format(c='data_status')} AS data_status
        FROM {side}.mart_implementation_by_age
        WHERE old_enough AND window_months = {HEADLINE_WINDOW_MONTHS} GROUP BY iso3
        UNION ALL
        SELECT iso3, 'autonomy_score', autonomy_score, data_status FROM {side}.mart_autonomy_scores
        QUALIFY year = max(year) OVER (PARTITION BY iso3)
        UNION ALL
        SELECT iso3, 'npm_staff', value, data_status FROM {side}.mart_indicator_values
        WHERE indicator_id = 'npm_staff' QUALIFY year = max(year) OVER (PARTITION BY iso3)"""


def headline_moves(published: Path | None, candidate: Path) -> pl.DataFrame:
    """iso3, measure, old, new, old/new status: only where the figure (or its flag) moves."""
    sql = f"""
        SELECT coalesce(n.iso3, o.iso3) AS iso3, coalesce(n.measure, o.measure) AS measure,
               o.value AS old, n.value AS new, o.data_status AS old_status, n.data_status AS new_status
        FROM ({_headline_sql('pub')}) o FULL OUTER JOIN ({_headline_sql('cand')}) n USING (iso3, measure)
        WHERE o.value IS DISTINCT FROM n.value OR o.data_status IS DISTINCT FROM n.data_status
        ORDER BY iso3, measure"""
    with _both(published, candidate) as con:
        return con.sql(sql).pl()


def headline_sentences(moves: pl.DataFrame, lang: str) -> list[str]:
    """'Chile — Implemented within 24 months: 31 % -> 35 %' in the reader's language."""
    from mirador import formatting
    from mirador.i18n import institution_label, measure_label, measure_unit

    return [f"{institution_label(row['iso3'], lang)} — {measure_label(row['measure'], lang)}: "
            f"{formatting.value(row['old'], measure_unit(row['measure']), lang)} → "
            f"{formatting.value(row['new'], measure_unit(row['measure']), lang)}"
            for row in moves.iter_rows(named=True)]


@dataclass
class Comparison:
    """Everything the preview shows. `internal_changes` is None when the internal
    recommendations of the published version are not known."""
    headlines: pl.DataFrame
    recommendations: pl.DataFrame
    values: pl.DataFrame
    internal_counts: pl.DataFrame
    internal_changes: pl.DataFrame | None


# Parts of the comparison, in order, as told to `progress` (the page names them).
PARTS = ("headlines", "recommendations", "values", "internal")


def compare(published: Path | None, candidate: Path, candidate_internal: pl.DataFrame,
            progress: Callable[[str, float], None] | None = None) -> Comparison:
    """The whole preview of publishing `candidate` over `published`, part by part."""
    def part(name: str, fn, *args):
        start = time.perf_counter()
        out = fn(*args)
        if progress:
            progress(name, time.perf_counter() - start)
        return out

    headlines = part("headlines", headline_moves, published, candidate)
    recommendations = part("recommendations", recommendation_changes, published, candidate)
    values = part("values", value_changes, published, candidate)

    def internal_side():
        now = (internal.published_records(published) if published is not None
               else pl.DataFrame(schema=internal.RECORD_SCHEMA))
        changed = internal.changes(now, candidate_internal)
        return internal.counts(now, candidate_internal, changed), changed

    internal_counts, internal_changes = part("internal", internal_side)
    return Comparison(headlines, recommendations, values, internal_counts, internal_changes)
