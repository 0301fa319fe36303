"""Write the database atomically: build a temp file beside the target, then swap.

Why this way (see /work/shared/notes/stack.md): DuckDB refuses a read-write open
while dashboards hold the file read-only, and a half-written file must never be
seen. So the new database is built in a temp file in the same directory (same
file system, so `os.replace` is atomic), checkpointed, closed and renamed onto
the target. Readers that opened the old file keep reading the old inode; new
readers get the new file. Any failure removes the temp file and leaves the
previous database byte-identical.

One load at a time: `database_lock` takes an flock on a file beside the database
(the OS drops it when the holder exits, even on a crash, so no stale lock can
block). A second load waits for the first, up to a bound, then stops with
`DatabaseBusy`. The load history (load_log) is carried from the file being
replaced; when another program holds that file open for writing, its history
cannot be read, so the load waits and then stops rather than start the history
anew. An old file that is no database at all is kept beside, not overwritten.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import functools
import json
import os
import shutil
import time
import uuid
import warnings as py_warnings
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

import duckdb
import polars as pl

import catalogue
from etl.contracts import CATALOGUE_TABLES, DATABASE_TABLES

try:
    from mirador import __version__ as MIRADOR_VERSION
except Exception:  # the dashboard package is optional for the ETL
    MIRADOR_VERSION = "unknown"

LOCK_WAIT_SECONDS = 120.0   # a full load of the bundled data takes seconds; a million records, under a minute
POLL_SECONDS = 0.2
PARALLEL_INSERT_ROWS = 100_000  # below this the largest table goes in as fast as a second connection opens
Notify = Callable[[str], None]  # told once when a load has to wait


class DatabaseBusy(RuntimeError):
    """Another load, or another program writing the database, did not finish within the wait."""


@dataclass
class LoadLogEntry:
    source_path: str
    files: list[dict]          # [{name, sha256, rows}]
    row_counts: dict[str, int]
    warnings: list[str]
    # Who published from the staff page, why, and (for a rollback) which load was restored. Kept in
    # the separate table `load_notes`, not in load_log: load_log is a public download (Methods page),
    # and a staff member's name is not for every visitor.
    person: str | None = None
    comment: str | None = None
    action: str = "load"           # "load" | "rollback"
    restored_from: int | None = None

    @property
    def has_note(self) -> bool:
        return bool(self.person or self.comment or self.action != "load")


LOAD_NOTES_SQL = ('CREATE TABLE load_notes (load_id INTEGER, action VARCHAR, person VARCHAR, comment VARCHAR, '
                  'restored_from INTEGER)')
LOAD_NOTES_COLUMNS = ("load_id", "action", "person", "comment", "restored_from")


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


def lock_path_for(target: Path) -> Path:
    """'mirador.duckdb.lock' beside the database. It stays after a load (removing it would let
    a waiting load lock a file that is no longer there); only the flock on it matters."""
    return target.with_name(f"{target.name}.lock")


@contextmanager
def database_lock(target: Path, wait_seconds: float = LOCK_WAIT_SECONDS, on_wait: Notify | None = None) -> Iterator[None]:
    """The exclusive right to rebuild `target`; waits up to `wait_seconds` for another load."""
    path = lock_path_for(Path(target).resolve())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        deadline, told = time.monotonic() + wait_seconds, False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _lock_holder(path)
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(f"another load{holder} is still writing {target} after {wait_seconds:.3g} s "
                                       "of waiting; nothing was changed. Load again once it has finished.") from None
                if on_wait and not told:
                    on_wait(f"another load{holder} is writing {target}; waiting up to {wait_seconds:.3g} s for it")
                    told = True
                time.sleep(POLL_SECONDS)
        try:
            handle.truncate(0)  # the holder's pid, for the message of whoever waits
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def write_database(target: Path, tables: Mapping[str, pl.DataFrame | Future], boundaries: pl.DataFrame | None,
                   log: LoadLogEntry, *, wait_seconds: float = LOCK_WAIT_SECONDS,
                   on_wait: Notify | None = None, keep_versions: int = 0) -> dict[str, int]:
    """Build the whole database in a temp file and swap it onto `target`; return rows per table.

    Raises DatabaseBusy when another load (or a program writing `target`) is still busy
    after `wait_seconds`; the database is then left as it was. `keep_versions` > 0 keeps that
    many published files in `versions_dir_for(target)` for a rollback (the staff page does).
    A table may be given as a Future still being built: it is written once it is ready, and
    one that fails to build fails the load like any other error.
    """
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    with database_lock(target, wait_seconds, on_wait):
        return _rebuild(target, functools.partial(_fill, tables=tables, boundaries=boundaries), log,
                        max(0.0, deadline - time.monotonic()), on_wait, keep_versions)


def restore_database(target: Path, version: Path, log: LoadLogEntry, *, wait_seconds: float = LOCK_WAIT_SECONDS,
                     on_wait: Notify | None = None, keep_versions: int = 0) -> dict[str, int]:
    """Publish the data of an earlier version file again (a rollback), by the same locked swap.

    The tables come from `version`; the load history is the current one plus this rollback,
    so rolling back never loses the record of the loads after that version.
    """
    target = Path(target).resolve()
    deadline = time.monotonic() + wait_seconds
    with database_lock(target, wait_seconds, on_wait):
        return _rebuild(target, functools.partial(_copy_tables_from, version=Path(version)), log,
                        max(0.0, deadline - time.monotonic()), on_wait, keep_versions)


def _rebuild(target: Path, fill: Callable[[duckdb.DuckDBPyConnection], dict[str, int]], log: LoadLogEntry,
             wait_seconds: float, on_wait: Notify | None, keep_versions: int = 0) -> dict[str, int]:
    remove_abandoned_temp_files(target)
    # The history first: if it cannot be read, stop before any work (and before any swap).
    previous, history_warning = _previous_load_log(target, wait_seconds, on_wait)
    previous_notes = _read_load_notes(target) if previous is not None else None
    if history_warning:
        log.warnings.append(history_warning)
    temp = temp_path_for(target)
    try:
        con = duckdb.connect(str(temp))
        try:
            row_counts = fill(con)
            log.row_counts.update(row_counts)
            load_id = _write_load_log(con, previous, log)
            _write_load_notes(con, previous_notes, log, load_id)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _fsync(temp)
        if keep_versions > 0 and previous is not None and previous.height:
            keep_version(target, int(previous.get_column("load_id").max()))  # the outgoing one, if not kept yet
        os.replace(temp, target)
        _fsync_dir(target.parent)
        if keep_versions > 0:
            keep_version(target, load_id)
            prune_versions(target, keep_versions)
        return row_counts
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()


def versions_dir_for(target: Path) -> Path:
    """'mirador.duckdb.versions/' beside the database: one file per kept published load."""
    return Path(target).with_name(f"{Path(target).name}.versions")


def version_path(target: Path, load_id: int) -> Path:
    return versions_dir_for(target) / f"load-{load_id:06d}.duckdb"


def kept_versions(target: Path) -> list[tuple[int, Path]]:
    """(load_id, file) of every kept version, newest first."""
    found = []
    for path in versions_dir_for(target).glob("load-*.duckdb"):
        try:
            found.append((int(path.stem.split("-", 1)[1]), path))
        except ValueError:
            continue
    return sorted(found, reverse=True)


def keep_version(target: Path, load_id: int) -> None:
    """Keep the file now at `target` as version `load_id`: a hard link (no copy, no extra space;
    the swap gives `target` a new inode, so the link keeps the old file as it was)."""
    kept = version_path(target, load_id)
    if kept.exists() or not target.exists():
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(target, kept)
    except OSError:
        shutil.copy2(target, kept)


def prune_versions(target: Path, keep: int) -> None:
    for _, path in kept_versions(target)[keep:]:
        path.unlink(missing_ok=True)


def _copy_tables_from(con: duckdb.DuckDBPyConnection, version: Path) -> dict[str, int]:
    """Every data and catalogue table of `version` (not its history) into `con`."""
    con.execute(f"ATTACH '{_sql_string(version.resolve())}' AS kept (READ_ONLY)")
    try:
        counts: dict[str, int] = {}
        for name in (*DATABASE_TABLES, *CATALOGUE_TABLES):
            if name == "load_log":
                continue
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM kept."{name}"')
            counts[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
        return counts
    finally:
        con.execute("DETACH kept")


def _fill(con: duckdb.DuckDBPyConnection, *, tables: Mapping[str, pl.DataFrame | Future],
          boundaries: pl.DataFrame | None) -> dict[str, int]:
    frames: dict[str, pl.DataFrame | Future | None] = {}
    for name in DATABASE_TABLES:
        if name == "load_log":
            continue
        con.execute(create_table_sql(name))
        frames[name] = boundaries if name == "boundaries" else tables.get(name)
    counts = _insert_all(con, frames)
    for name in CATALOGUE_TABLES:
        frame = catalogue_frame(name)
        con.register("catalogue_rows", ArrowStream(frame))
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM catalogue_rows')
        con.unregister("catalogue_rows")
        counts[name] = frame.height
    return counts


def _insert_all(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame | Future | None]) -> dict[str, int]:
    """Every frame into its (created, empty) table; rows per table. A frame may still be being
    built (a Future): the frames at hand go in on a second connection while this one waits for
    the others. Given only frames, the largest goes in on the second connection: one Arrow
    stream is scanned by one thread, and the public recommendations alone took as long as all
    the other tables together (0.45 s of 0.8 s at 1M). Each table is still written by one
    INSERT, in its frame's row order."""
    at_hand = {name: frame for name, frame in frames.items() if isinstance(frame, pl.DataFrame) and frame.height}
    if not any(isinstance(frame, Future) for frame in frames.values()):
        largest = max(at_hand, key=lambda name: at_hand[name].height, default=None)
        big_enough = largest is not None and at_hand[largest].height >= PARALLEL_INSERT_ROWS
        at_hand = {largest: at_hand[largest]} if big_enough else {}
    counts: dict[str, int] = {}
    second = con.cursor() if at_hand else None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="insert") as pool:
            pending = [pool.submit(insert_frame, second, name, frame) for name, frame in at_hand.items()]
            for name, frame in frames.items():
                if isinstance(frame, Future):
                    frame = frame.result()  # a mart that failed to build stops the load here
                if frame is not None and frame.height and name not in at_hand:
                    insert_frame(con, name, frame)
                counts[name] = frame.height if frame is not None else 0
            for insert in pending:
                insert.result()
    finally:
        if second is not None:
            second.close()
    return counts


class ArrowStream:
    """A polars frame seen only through the Arrow C stream interface: DuckDB scans its buffers
    as they are, and neither pyarrow nor numpy is imported (a tenth of a second and 50 MB)."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)


def insert_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Insert through Arrow (no row loop, no copy of the columns), casting to the declared types."""
    columns = DATABASE_TABLES[name]
    # Handed over in one piece: many small record batches (a big file is read in dozens) are
    # scanned on more threads, which cost more CPU than it saved on two cores (measured: 0.31 s vs
    # 0.18 s per 700k rows). Joining them copies little: most columns are codes.
    incoming = f"incoming_{name}"  # one name per table: two tables may be inserted at once
    con.register(incoming, ArrowStream(frame.select([c for c, _ in columns]).rechunk()))
    try:
        select = ", ".join(f'CAST("{c}" AS {t})' for c, t in columns)
        con.execute(f'INSERT INTO "{name}" SELECT {select} FROM "{incoming}"')
    finally:
        con.unregister(incoming)


def catalogue_frame(name: str) -> pl.DataFrame:
    rows = {"indicators": catalogue.indicators, "criteria": catalogue.criteria, "areas": catalogue.areas}[name]()
    frame = pl.DataFrame(list(rows), infer_schema_length=None)
    if "order" in frame.columns:
        frame = frame.with_columns(pl.col("order").cast(pl.Int32))
    return frame


def _previous_load_log(target: Path, wait_seconds: float = 0.0,
                       on_wait: Notify | None = None) -> tuple[pl.DataFrame | None, str | None]:
    """Earlier load_log rows of the database being replaced (history is kept across rebuilds).

    While another program holds the file open for writing, DuckDB refuses even a
    read-only attach: wait for it, then raise DatabaseBusy (never start the history
    anew over a file that has one). A file that is not a readable database is kept
    beside the new one, so whatever history it had is not lost either.
    """
    if not target.exists():
        return None, None
    deadline, told = time.monotonic() + wait_seconds, False
    while True:
        try:
            return _read_load_log(target), None
        except duckdb.Error as exc:
            if not _held_by_another_program(exc):
                kept = _keep_unreadable(target)
                return None, (f"the previous database could not be read ({exc}); it is kept as {kept.name} "
                              "and a new load history starts")
            if time.monotonic() >= deadline:
                raise DatabaseBusy(f"{target} is open for writing in another program ({exc}); its load history "
                                   "cannot be read, so nothing was changed. Close that program or connection "
                                   "and load again.") from None
            if on_wait and not told:
                on_wait(f"{target} is open for writing in another program; waiting up to {wait_seconds:.3g} s for it")
                told = True
            time.sleep(POLL_SECONDS)


def _read_load_log(target: Path) -> pl.DataFrame | None:
    return _read_previous_table(target, "load_log")


# Types of the history tables' columns (load_log, load_notes) as polars holds them: a column of
# nulls only (restored_from) still needs its type for DuckDB to take it back.
_HISTORY_TYPES = {"INTEGER": pl.Int32, "BIGINT": pl.Int64, "TIMESTAMP WITH TIME ZONE": pl.Datetime("us", "UTC")}


def _read_previous_table(target: Path, table: str) -> pl.DataFrame | None:
    """`table` (a name of this module, never data) of the old file, by load_id; None when absent.

    A private in-memory database attaches the old file read-only: it never reuses a
    cached connection to that path and never takes a write lock.
    """
    reader = duckdb.connect(":memory:")
    try:
        reader.execute(f"ATTACH '{_sql_string(target)}' AS previous (READ_ONLY)")
        has_table = reader.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'previous' AND table_name = ?", [table]
        ).fetchall()[0][0]  # fetchall: DuckDB 2 refuses new work while a result is half-read
        if not has_table:
            return None
        # A few rows: fetched as Python rows, since `.pl()` goes through pyarrow, whose import (with
        # numpy's) took 0.06-0.13 s of every republish.
        result = reader.sql(f'SELECT * FROM previous."{table}" ORDER BY load_id')
        schema = {name: _HISTORY_TYPES.get(str(kind), pl.String) for name, kind in zip(result.columns, result.types)}
        return pl.DataFrame(result.fetchall(), schema=schema, orient="row")
    finally:
        reader.close()


def _held_by_another_program(exc: Exception) -> bool:
    """DuckDB's own file lock: 'Could not set lock on file ...: Conflicting lock is held in ... (PID n)'."""
    text = str(exc).lower()
    return "conflicting lock" in text or "could not set lock" in text


def _keep_unreadable(target: Path) -> Path:
    kept = target.with_name(f"{target.name}.unreadable-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S%fZ}")
    try:
        os.link(target, kept)  # instant, and the swap then leaves this name on the old file
    except OSError:
        shutil.copy2(target, kept)
    return kept


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_load_log(con: duckdb.DuckDBPyConnection, previous: pl.DataFrame | None, log: LoadLogEntry) -> int:
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
    return next_id


def _read_load_notes(target: Path) -> pl.DataFrame | None:
    """The staff notes (person, comment) of the database being replaced; None when it has none."""
    try:
        return _read_previous_table(target, "load_notes")
    except duckdb.Error:
        return None  # the history itself was readable just before; notes are a nicety, never a reason to stop


def _write_load_notes(con: duckdb.DuckDBPyConnection, previous: pl.DataFrame | None, log: LoadLogEntry,
                      load_id: int) -> None:
    """Only databases that ever had a staff note get the table (a plain CLI load adds nothing)."""
    if (previous is None or not previous.height) and not log.has_note:
        return
    con.execute(LOAD_NOTES_SQL)
    if previous is not None and previous.height:
        con.register("previous_notes", ArrowStream(previous.select(LOAD_NOTES_COLUMNS)))
        con.execute("INSERT INTO load_notes SELECT * FROM previous_notes")
        con.unregister("previous_notes")
    if log.has_note:
        con.execute("INSERT INTO load_notes VALUES (?, ?, ?, ?, ?)",
                    [load_id, log.action, log.person, log.comment, log.restored_from])


def read_boundaries(path: Path) -> tuple[pl.DataFrame | None, str | None]:
    """(iso3, geojson Feature) per country, or a warning when the file is missing/unreadable."""
    if not Path(path).exists():
        return None, f"boundaries file {path} not found; the boundaries table is empty"
    try:
        # GeoJSON in longitude/latitude (the bundled file) needs no GIS library: importing
        # geopandas alone costs a third of a second of CPU on every load.
        features = _wgs84_geojson_features(Path(path))
        if features is None:
            features = _features_via_geopandas(Path(path))
        if not any("iso3" in (f.get("properties") or {}) for f in features):
            return None, f"boundaries file {path} has no iso3 property; the boundaries table is empty"
        rows = []
        for f in features:
            iso3 = (f.get("properties") or {}).get("iso3")
            rows.append({"iso3": iso3, "geojson": json.dumps(
                {"type": "Feature", "id": iso3, "properties": {"iso3": iso3}, "geometry": f.get("geometry")},
                separators=(",", ":"))})
        return pl.DataFrame(rows, schema={"iso3": pl.String, "geojson": pl.String}).sort("iso3"), None
    except Exception as exc:
        return None, f"boundaries file {path} could not be read ({exc}); the boundaries table is empty"


WGS84_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326",
               "urn:ogc:def:crs:EPSG::4326"}


def _wgs84_geojson_features(path: Path) -> list[dict] | None:
    """The features of a GeoJSON FeatureCollection in WGS84; None for anything else (read by geopandas)."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return None
    collection = json.loads(path.read_text(encoding="utf-8"))
    crs = (collection.get("crs") or {}).get("properties", {}).get("name") if isinstance(collection, dict) else None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" or (
            crs is not None and crs not in WGS84_NAMES):
        return None
    return [f for f in collection.get("features", []) if isinstance(f, dict)]


def _features_via_geopandas(path: Path) -> list[dict]:
    import geopandas as gpd

    with py_warnings.catch_warnings():
        py_warnings.simplefilter("ignore")
        frame = gpd.read_file(path)
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    columns = [c for c in ("iso3", "geometry") if c in frame.columns]
    return json.loads(frame[columns].to_json(drop_id=True))["features"]


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
