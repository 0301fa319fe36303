"""The one read-only handle on the Mirador DuckDB file.

Why not `duckdb.connect(path)`: within one process DuckDB reuses an already
open database for a path even after the ETL replaced the file (atomic
`os.replace`), so readers would keep seeing the old data. Instead we keep a
private in-memory connection that ATTACHes the file READ_ONLY as `mirador`,
cached on the file's identity (path, inode, mtime_ns). When the identity
changes, the next call opens a fresh attachment and closes the old one.

Each query runs on its own `cursor()`: a connection shared between Streamlit
threads raises "connection is busy". `USE` is not inherited by cursors, so
every table name in SQL must be qualified: `mirador.institutions`.

Works with or without Streamlit running.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Sequence

import duckdb
import polars as pl

from mirador import paths

SCHEMA = "mirador"  # the alias every query qualifies table names with

DbIdentity = tuple[str, int, int]  # (resolved path, inode, mtime_ns)

_lock = threading.Lock()
_handle: tuple[DbIdentity, duckdb.DuckDBPyConnection] | None = None


class DatabaseMissing(FileNotFoundError):
    """The database file does not exist and could not be built."""


def db_identity(path: Path | None = None) -> DbIdentity:
    """(path, inode, mtime_ns) of the database file: changes when the ETL swaps it."""
    db = Path(path) if path else paths.db_path()
    try:
        st = os.stat(db)
    except FileNotFoundError as exc:
        raise DatabaseMissing(f"No Mirador database at {db}") from exc
    return (str(db), st.st_ino, st.st_mtime_ns)


def build_database(path: Path | None = None, source: Path | None = None) -> Path:
    """Build the database from the bundled data (or `source`) through the ETL API."""
    from etl import pipeline  # the ETL is a sibling package; imported only when needed

    db = Path(path) if path else paths.db_path()
    src = Path(source) if source else paths.BUNDLED_INPUT_DIR
    db.parent.mkdir(parents=True, exist_ok=True)
    pipeline.build(source=src, db=db)
    return db


def ensure_database(path: Path | None = None) -> Path:
    """The database path, building it from the bundled data if the file is missing.

    In the app call `mirador.components.ensure_database_with_spinner()` instead,
    which shows a spinner around this.
    """
    db = Path(path) if path else paths.db_path()
    if not db.exists():
        build_database(db)
    if not db.exists():
        raise DatabaseMissing(f"The ETL did not produce {db}")
    return db


def _open(identity: DbIdentity) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    # ATTACH takes the path as a literal; DuckDB does not bind parameters in ATTACH.
    # The path comes from our own settings, never from a user; quote it safely anyway.
    quoted = identity[0].replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS {SCHEMA} (READ_ONLY)")
    return con


def connection() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the current database file (reopened when the file changed)."""
    global _handle
    identity = db_identity()
    with _lock:
        if _handle is None or _handle[0] != identity:
            old = _handle
            _handle = (identity, _open(identity))
            if old is not None:
                try:
                    old[1].close()
                except duckdb.Error:
                    pass
        return _handle[1].cursor()


def fetch(sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
    """Run one parameterised query (`?` or `$name` placeholders) and return polars."""
    cur = connection()
    try:
        # DuckDB 2.0: `execute(...).pl()` is gone; a relation from `sql(..., params=)` has `.pl()`.
        return cur.sql(sql, params=params or None).pl()
    finally:
        cur.close()


def reset() -> None:
    """Close the cached handle (tests)."""
    global _handle
    with _lock:
        if _handle is not None:
            try:
                _handle[1].close()
            except duckdb.Error:
                pass
        _handle = None
