"""Write the database atomically: build a temp file beside the target, then swap.

Why this way (see /work/shared/notes/stack.md): DuckDB refuses a read-write open
while dashboards hold the file read-only, and a half-written file must never be
seen. So the new database is built in a temp file in the same directory (same
file system, so `os.replace` is atomic), checkpointed, closed and renamed onto
the target. Readers that opened the old file keep reading the old inode; new
readers get the new file. Any failure removes the temp file and leaves the
previous database byte-identical.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import uuid
import warnings as py_warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

import catalogue
from etl.contracts import CATALOGUE_TABLES, DATABASE_TABLES

try:
    from mirador import __version__ as MIRADOR_VERSION
except Exception:  # the dashboard package is optional for the ETL
    MIRADOR_VERSION = "unknown"


@dataclass
class LoadLogEntry:
    source_path: str
    files: list[dict]          # [{name, sha256, rows}]
    row_counts: dict[str, int]
    warnings: list[str]


def create_table_sql(name: str) -> str:
    columns = ", ".join(f'"{column}" {sql_type}' for column, sql_type in DATABASE_TABLES[name])
    key = " , PRIMARY KEY (iso3)" if name == "institutions" else ""
    return f'CREATE TABLE "{name}" ({columns}{key})'


def temp_path_for(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def remove_abandoned_temp_files(target: Path) -> None:
    """Temp files of runs that were killed outright (SIGKILL, power loss) and could not clean up."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp*"):
        try:
            pid = int(leftover.name[len(target.name) + 2:].split(".")[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _process_alive(pid):
            leftover.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but not ours, or cannot tell: leave its file alone
        return True
    return True


def write_database(target: Path, tables: dict[str, pl.DataFrame], boundaries: pl.DataFrame | None,
                   log: LoadLogEntry) -> dict[str, int]:
    """Build the whole database in a temp file and swap it onto `target`; return rows per table."""
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_temp_files(target)
    temp = temp_path_for(target)
    try:
        con = duckdb.connect(str(temp))
        try:
            row_counts = _fill(con, tables, boundaries)
            previous, history_warning = _previous_load_log(target)
            if history_warning:
                log.warnings.append(history_warning)
            log.row_counts.update(row_counts)
            _write_load_log(con, previous, log)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _fsync(temp)
        os.replace(temp, target)
        _fsync_dir(target.parent)
        return row_counts
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()


def _fill(con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame],
          boundaries: pl.DataFrame | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in DATABASE_TABLES:
        if name == "load_log":
            continue
        con.execute(create_table_sql(name))
        frame = boundaries if name == "boundaries" else tables.get(name)
        if frame is not None and frame.height:
            insert_frame(con, name, frame)
        counts[name] = frame.height if frame is not None else 0
    for name in CATALOGUE_TABLES:
        frame = catalogue_frame(name)
        con.register("catalogue_rows", frame.to_arrow())
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM catalogue_rows')
        con.unregister("catalogue_rows")
        counts[name] = frame.height
    return counts


ARROW_BATCH_ROWS = 100_000


def insert_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Insert through Arrow (no row loop), casting to the declared column types."""
    columns = DATABASE_TABLES[name]
    arrow = frame.select([c for c, _ in columns]).to_arrow()
    # Several record batches let DuckDB scan them on all cores; one big batch is read by one thread.
    arrow = pa.Table.from_batches(arrow.to_batches(max_chunksize=ARROW_BATCH_ROWS), schema=arrow.schema)
    con.register("incoming_rows", arrow)
    try:
        select = ", ".join(f'CAST("{c}" AS {t})' for c, t in columns)
        con.execute(f'INSERT INTO "{name}" SELECT {select} FROM incoming_rows')
    finally:
        con.unregister("incoming_rows")


def catalogue_frame(name: str) -> pl.DataFrame:
    rows = {"indicators": catalogue.indicators, "criteria": catalogue.criteria, "areas": catalogue.areas}[name]()
    frame = pl.DataFrame(list(rows), infer_schema_length=None)
    if "order" in frame.columns:
        frame = frame.with_columns(pl.col("order").cast(pl.Int32))
    return frame


def _previous_load_log(target: Path) -> tuple[pl.DataFrame | None, str | None]:
    """Earlier load_log rows of the database being replaced (history is kept across rebuilds)."""
    if not target.exists():
        return None, None
    try:
        # A private in-memory database that attaches the old file read-only: never
        # reuses a cached connection to that path, never takes a write lock.
        reader = duckdb.connect(":memory:")
        try:
            reader.execute(f"ATTACH '{_sql_string(target)}' AS previous (READ_ONLY)")
            has_log = reader.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'previous' AND table_name = 'load_log'"
            ).fetchall()[0][0]  # fetchall: DuckDB 2 refuses new work while a result is half-read
            if not has_log:
                return None, None
            return reader.sql("SELECT * FROM previous.load_log ORDER BY load_id").pl(), None
        finally:
            reader.close()
    except Exception as exc:
        return None, f"the load history of the previous database could not be read ({exc}); starting a new one"


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_load_log(con: duckdb.DuckDBPyConnection, previous: pl.DataFrame | None, log: LoadLogEntry) -> None:
    con.execute(create_table_sql("load_log"))
    next_id = 1
    if previous is not None and previous.height:
        insert_frame(con, "load_log", previous)
        next_id = int(previous.get_column("load_id").max()) + 1
    con.execute(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [next_id, dt.datetime.now(dt.timezone.utc), log.source_path, json.dumps(log.files, ensure_ascii=False),
         json.dumps(log.row_counts, ensure_ascii=False), json.dumps(log.warnings, ensure_ascii=False),
         MIRADOR_VERSION],
    )


def read_boundaries(path: Path) -> tuple[pl.DataFrame | None, str | None]:
    """(iso3, geojson Feature) per country, or a warning when the file is missing/unreadable."""
    if not Path(path).exists():
        return None, f"boundaries file {path} not found; the boundaries table is empty"
    try:
        import geopandas as gpd

        with py_warnings.catch_warnings():
            py_warnings.simplefilter("ignore")
            frame = gpd.read_file(path)
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        if "iso3" not in frame.columns:
            return None, f"boundaries file {path} has no iso3 property; the boundaries table is empty"
        features = json.loads(frame[["iso3", "geometry"]].to_json(drop_id=True))["features"]
        rows = [{"iso3": f["properties"]["iso3"],
                 "geojson": json.dumps({"type": "Feature", "id": f["properties"]["iso3"],
                                        "properties": {"iso3": f["properties"]["iso3"]},
                                        "geometry": f["geometry"]}, separators=(",", ":"))}
                for f in features]
        return pl.DataFrame(rows, schema={"iso3": pl.String, "geojson": pl.String}).sort("iso3"), None
    except Exception as exc:
        return None, f"boundaries file {path} could not be read ({exc}); the boundaries table is empty"


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
