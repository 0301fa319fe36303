"""Internal recommendations (`is_public = no`): the staff data page's own reads and files.

The published database holds no trace of them: etl/transform.py stops them before any mart,
and tests/app/test_internal_never_public.py scans every table of the file that the public
pages, queries and downloads read. So staff see them from two places no public code reads:
- the candidate side: the upload's own validated input (etl read + validate, the very rules
  of the load, so "internal" means here what it means for the public marts);
- the published side: `<db>.internal/load-000007.parquet`, written beside the database for
  each load published from the staff page (and carried over by a rollback). A load made on
  the command line has no such file: its source is read again when every file in it still
  has the checksum the load log recorded; otherwise the published side is unknown (None),
  and the page says so instead of calling every internal recommendation new.
Nothing outside mirador/staff/ imports this module or opens that folder. Where the public
servers mount the published folder too (deploy/compose.yaml), MIRADOR_INTERNAL_DIR puts these
files in a folder only the staff server mounts.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from etl import read, validate

RECORD_COLUMNS = ("recommendation_id", "iso3", "date_issued", "place_type", "authority", "theme",
                  "implementation_status", "last_followup_date", "response", "data_status", "source", "note")
RECORD_SCHEMA = {c: (pl.Date if c.endswith("_date") or c == "date_issued" else pl.String) for c in RECORD_COLUMNS}
CHANGE_SCHEMA = {"iso3": pl.String, "recommendation_id": pl.String, "change": pl.String}
INTERNAL_DIR_ENV = "MIRADOR_INTERNAL_DIR"
COUNT_SCHEMA = {"iso3": pl.String, "n_published": pl.Int64, "n_candidate": pl.Int64,
                "new": pl.Int64, "changed": pl.Int64, "gone": pl.Int64}


def internal_dir_for(db: Path) -> Path:
    """'mirador.duckdb.internal/' beside the database (staff only; never served), or the
    folder MIRADOR_INTERNAL_DIR names."""
    chosen = os.environ.get(INTERNAL_DIR_ENV, "").strip()
    return Path(chosen).expanduser().resolve() if chosen else Path(db).with_name(f"{Path(db).name}.internal")


def internal_path(db: Path, load_id: int) -> Path:
    return internal_dir_for(db) / f"load-{load_id:06d}.parquet"


# ---------------------------------------------------------------- reading the input
def from_source(source: Path) -> pl.DataFrame:
    """The internal recommendation records of a valid input (folder of CSVs or workbook)."""
    records = _validated_records(read.read_source(source))
    if records is None:
        raise ValueError(f"{Path(source).name} does not pass the checks")
    return records


def _validated_records(raw: read.RawSource) -> pl.DataFrame | None:
    validated = validate.validate(raw)
    if not validated.ok:
        return None
    records = validated.tables.get("recommendations")
    if records is None:  # an input without the table: no records, public or internal
        return pl.DataFrame(schema=RECORD_SCHEMA)
    return (records.filter(pl.col("is_public").cast(pl.String) == "no")
            .select([pl.col(c).cast(RECORD_SCHEMA[c]) for c in RECORD_COLUMNS])
            .sort("iso3", "recommendation_id"))


def _from_unchanged_source(source_path: str, files: list[dict]) -> pl.DataFrame | None:
    """The load's source read again, only if it is still byte for byte what was loaded."""
    source = Path(source_path)
    if not files or not source.exists():
        return None
    try:
        raw = read.read_source(source)
    except (OSError, ValueError):
        return None
    loaded = sorted((f["name"], f["sha256"]) for f in files)
    if sorted((f.name, f.sha256) for f in raw.files) != loaded:
        return None
    return _validated_records(raw)


# ---------------------------------------------------------------- the published side
def keep_for_load(db: Path, load_id: int, records: pl.DataFrame) -> Path:
    """Write the internal records of published load `load_id` (atomically: temp file, rename)."""
    target = internal_path(db, load_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_suffix(".parquet.tmp")
    records.select(RECORD_COLUMNS).write_parquet(temp)
    os.replace(temp, target)
    return target


def carry_over(db: Path, restored_load: int, new_load: int) -> bool:
    """A rollback publishes `restored_load`'s data as `new_load`: its internal records follow.
    False when they are not known (the page then says the published side is unknown)."""
    records = records_for_load(db, restored_load)
    if records is None:
        return False
    keep_for_load(db, new_load, records)
    return True


def prune(db: Path, keep_loads: set[int]) -> None:
    """Drop the files of loads that can no longer be published (not current, not kept)."""
    for path in internal_dir_for(db).glob("load-*.parquet"):
        try:
            load_id = int(path.stem.split("-", 1)[1])
        except ValueError:
            continue
        if load_id not in keep_loads:
            path.unlink(missing_ok=True)


def records_for_load(db: Path, load_id: int | None) -> pl.DataFrame | None:
    """Internal records of load `load_id` of `db`, or None when they are not known."""
    if load_id is None:
        return None
    kept = internal_path(db, load_id)
    if kept.exists():
        return pl.read_parquet(kept)
    log_row = _load_log_row(db, load_id)
    if log_row is None:
        return None
    stamp = Path(db).stat()
    return _cached_source_records(log_row[0], log_row[1], stamp.st_ino, stamp.st_mtime_ns)


@lru_cache(maxsize=4)
def _cached_source_records(source_path: str, files_json: str, inode: int, mtime_ns: int) -> pl.DataFrame | None:
    # Keyed on the database file too: a rerun of the page must not read the whole input again.
    return _from_unchanged_source(source_path, json.loads(files_json))


def published_records(db: Path) -> pl.DataFrame | None:
    """Internal records of what is published now (none before the first publish); None = unknown."""
    if not Path(db).exists():
        return pl.DataFrame(schema=RECORD_SCHEMA)
    return records_for_load(db, _current_load_id(db))


def _attached(db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    quoted = str(Path(db).resolve()).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS db (READ_ONLY)")
    return con


def _current_load_id(db: Path) -> int | None:
    con = _attached(db)
    try:
        return con.execute("SELECT max(load_id) FROM db.load_log").fetchall()[0][0]
    finally:
        con.close()


def _load_log_row(db: Path, load_id: int) -> tuple[str, str] | None:
    con = _attached(db)
    try:
        row = con.execute("SELECT source_path, files FROM db.load_log WHERE load_id = ?", [load_id]).fetchall()
    finally:
        con.close()
    return (row[0][0], row[0][1]) if row else None


# ---------------------------------------------------------------- the comparison
def changes(published: pl.DataFrame | None, candidate: pl.DataFrame) -> pl.DataFrame | None:
    """iso3, recommendation_id, change (new | changed | gone) of the internal records; None when
    the published side is unknown. 'changed' = any field of the record differs."""
    if published is None:
        return None
    con = duckdb.connect(":memory:")
    try:
        con.register("old_records", published.select(RECORD_COLUMNS).to_arrow())
        con.register("new_records", candidate.select(RECORD_COLUMNS).to_arrow())
        # `o IS DISTINCT FROM n` compares whole rows, nulls included.
        return con.sql("""
            SELECT coalesce(n.iso3, o.iso3) AS iso3, recommendation_id,
                   CASE WHEN o.recommendation_id IS NULL THEN 'new'
                        WHEN n.recommendation_id IS NULL THEN 'gone' ELSE 'changed' END AS change
            FROM old_records o FULL OUTER JOIN new_records n USING (recommendation_id)
            WHERE o.recommendation_id IS NULL OR n.recommendation_id IS NULL OR o IS DISTINCT FROM n
            ORDER BY iso3, change, recommendation_id""").pl().cast(CHANGE_SCHEMA)
    finally:
        con.close()


def counts(published: pl.DataFrame | None, candidate: pl.DataFrame,
           changed: pl.DataFrame | None) -> pl.DataFrame:
    """Per institution: internal records published and in the upload, and new / changed / gone
    (null where the published side is unknown)."""
    def per_institution(records: pl.DataFrame | None, name: str) -> pl.DataFrame:
        if records is None:
            return pl.DataFrame(schema={"iso3": pl.String, name: pl.Int64})
        return records.group_by("iso3").agg(pl.len().cast(pl.Int64).alias(name))

    frame = per_institution(published, "n_published").join(
        per_institution(candidate, "n_candidate"), on="iso3", how="full", coalesce=True)
    if changed is None:
        frame = frame.with_columns(pl.lit(None, pl.Int64).alias(c) for c in ("new", "changed", "gone"))
    else:
        by_change = changed.group_by("iso3").agg(
            (pl.col("change") == c).sum().cast(pl.Int64).alias(c) for c in ("new", "changed", "gone"))
        frame = frame.join(by_change, on="iso3", how="left").with_columns(
            pl.col(c).fill_null(0) for c in ("new", "changed", "gone"))
    if published is not None:
        frame = frame.with_columns(pl.col("n_published").fill_null(0))
    return frame.with_columns(pl.col("n_candidate").fill_null(0)).select(list(COUNT_SCHEMA)).cast(
        COUNT_SCHEMA).sort("iso3")
