"""Check, preview, publish and roll back, for the staff data page, over the ETL pipeline.

An upload goes through the same `etl.pipeline.run` as `python -m etl`, into a private
candidate database (never the published one): the same problems, and the candidate is
what the preview compares and what publishing swaps in. Publishing and rolling back use
`etl.load.restore_database`: the same lock and atomic swap as every load, the load
history carried over, who and why recorded in `load_notes` (not in the public load_log),
and the last N published files kept beside the database for a rollback. The upload's internal
recommendations, which the database never holds, are kept beside it for the staff page
(mirador.staff.internal), one file per published load.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl import pipeline
from etl.load import LoadLogEntry, kept_versions, restore_database
from etl.problems import Problem
from mirador import paths
from mirador.staff import internal, upload

KEEP_VERSIONS_ENV = "MIRADOR_KEEP_VERSIONS"
DEFAULT_KEEP_VERSIONS = 5
PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "value", "expected", "more_rows")
# Steps this module reports to `progress` besides the pipeline's own (the page names them).
STEP_UNPACKED, STEP_INTERNAL = "unpacked", "internal recommendations"
STEP_SWAPPED, STEP_INTERNAL_KEPT = "swapped", "internal recommendations kept"


@dataclass
class Candidate:
    """One checked upload: its private folder, what the ETL read, and the database it built."""
    file_name: str
    work_dir: Path
    source: Path | None = None
    db: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    refused: upload.UploadRefused | None = None
    warnings: list[str] = field(default_factory=list)
    internal: pl.DataFrame | None = None  # internal recommendation records of a clean upload
    file_id: str = ""  # the uploader's id of the file, so a rerun does not check it again

    @property
    def ok(self) -> bool:
        return self.db is not None and not self.problems and self.refused is None


def keep_versions() -> int:
    try:
        return max(1, int(os.environ.get(KEEP_VERSIONS_ENV, DEFAULT_KEEP_VERSIONS)))
    except ValueError:
        return DEFAULT_KEEP_VERSIONS


def published_path() -> Path:
    return paths.db_path()


def check_upload(file_name: str, data: bytes, progress: pipeline.Progress | None = None) -> Candidate:
    """Unpack, check and (when clean) build a candidate database. Writes nothing published."""
    candidate = Candidate(file_name, Path(tempfile.mkdtemp(prefix="mirador-staff-")))
    # The folder holds the upload as sent, internal recommendations included. A staff member who
    # closes the tab never discards it: it goes when the candidate is let go with the session's
    # state (or when the server stops), not at the next reboot.
    weakref.finalize(candidate, shutil.rmtree, str(candidate.work_dir), True)
    step = _Steps(progress)
    try:
        candidate.source = step(STEP_UNPACKED, upload.save_upload, file_name, data, candidate.work_dir / "upload")
    except upload.UploadRefused as refused:
        candidate.refused = refused
        return candidate
    result = pipeline.run(candidate.source, candidate.work_dir / "candidate.duckdb", progress=progress,
                          wait_seconds=0)
    candidate.problems, candidate.warnings = list(result.problems), list(result.warnings)
    candidate.db = result.db_path if result.ok else None
    if candidate.ok:  # the marts dropped them: read them from the same validated input
        candidate.internal = step(STEP_INTERNAL, internal.from_source, candidate.source)
    return candidate


class _Steps:
    """Runs one step and tells `progress` its name and how long it took."""

    def __init__(self, progress: pipeline.Progress | None):
        self.progress = progress

    def __call__(self, name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        if self.progress:
            self.progress(name, time.perf_counter() - start)
        return out


def discard(candidate: Candidate | None) -> None:
    if candidate is not None:
        shutil.rmtree(candidate.work_dir, ignore_errors=True)


def problems_frame(problems: list[Problem], lang: str = "en") -> pl.DataFrame:
    """One row per problem, the columns of PROBLEM_COLUMNS, what was expected said in `lang`
    (the page translates the headers)."""
    rows = [{"file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value,
             "expected": p.expected_in(lang), "more_rows": p.more_rows or None} for p in problems]
    return pl.DataFrame(rows, schema={"file": pl.String, "sheet": pl.String, "row": pl.Int64,
                                      "column": pl.String, "value": pl.String, "expected": pl.String,
                                      "more_rows": pl.Int64})


def publish(candidate: Candidate, person: str, comment: str, target: Path | None = None,
            progress: pipeline.Progress | None = None) -> int:
    """Swap the checked candidate in as the published database; return its load id."""
    if not candidate.ok:
        raise ValueError("only a candidate without problems can be published")
    target = Path(target) if target is not None else paths.db_path()
    source_log = _last_load_log_row(candidate.db)
    entry = LoadLogEntry(source_path=candidate.file_name, files=json.loads(source_log["files"]), row_counts={},
                         warnings=json.loads(source_log["warnings"]), person=person.strip(),
                         comment=comment.strip() or None)
    step = _Steps(progress)
    step(STEP_SWAPPED, restore_database, target, candidate.db, entry, keep_versions=keep_versions())
    load_id = current_load_id(target)
    if candidate.internal is not None:
        step(STEP_INTERNAL_KEPT, internal.keep_for_load, target, load_id, candidate.internal)
    _prune_internal(target, load_id)
    return load_id


def rollback(load_id: int, person: str, comment: str, target: Path | None = None,
             progress: pipeline.Progress | None = None) -> int:
    """Publish kept version `load_id` again (as a new load); return the new load id."""
    target = Path(target) if target is not None else paths.db_path()
    kept = dict(kept_versions(target))
    if load_id not in kept:
        raise ValueError(f"version {load_id} is not kept")
    entry = LoadLogEntry(source_path=f"rollback to load {load_id}", files=[], row_counts={}, warnings=[],
                         person=person.strip(), comment=comment.strip() or None, action="rollback",
                         restored_from=load_id)
    step = _Steps(progress)
    step(STEP_SWAPPED, restore_database, target, kept[load_id], entry, keep_versions=keep_versions())
    new_id = current_load_id(target)
    step(STEP_INTERNAL_KEPT, internal.carry_over, target, load_id, new_id)
    _prune_internal(target, new_id)
    return new_id


def _prune_internal(target: Path, current: int) -> None:
    internal.prune(target, {current, *(kept_id for kept_id, _ in kept_versions(target))})


def _attached(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{str(Path(path).resolve()).replace(chr(39), chr(39) * 2)}' AS db (READ_ONLY)")
    return con


def _last_load_log_row(db: Path) -> dict:
    con = _attached(db)
    try:
        return con.sql("SELECT * FROM db.load_log ORDER BY load_id DESC LIMIT 1").pl().row(0, named=True)
    finally:
        con.close()


def current_load_id(target: Path | None = None) -> int | None:
    target = Path(target) if target is not None else paths.db_path()
    if not target.exists():
        return None
    con = _attached(target)
    try:
        return con.execute("SELECT max(load_id) FROM db.load_log").fetchall()[0][0]
    finally:
        con.close()


def history(target: Path | None = None) -> pl.DataFrame:
    """Every load of the published database, newest first, with who/why and whether it is kept:
    load_id, loaded_at, source, action, person, comment, restored_from, kept, current."""
    target = Path(target) if target is not None else paths.db_path()
    if not target.exists():
        return pl.DataFrame()
    kept = {load_id for load_id, _ in kept_versions(target)}
    con = _attached(target)
    try:
        has_notes = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'db' "
                                "AND table_name = 'load_notes'").fetchall()[0][0]
        notes = ("LEFT JOIN db.load_notes n USING (load_id)" if has_notes else
                 "LEFT JOIN (SELECT NULL::INTEGER AS load_id, NULL AS action, NULL AS person, NULL AS comment, "
                 "NULL::INTEGER AS restored_from) n USING (load_id)")
        frame = con.sql(f"""SELECT l.load_id, l.loaded_at, l.source_path AS source,
                                   coalesce(n.action, 'load') AS action, n.person, n.comment, n.restored_from
                            FROM db.load_log l {notes} ORDER BY l.load_id DESC""").pl()
    finally:
        con.close()
    newest = frame.get_column("load_id").max()
    return frame.with_columns(kept=pl.col("load_id").is_in(list(kept)), current=pl.col("load_id") == newest)
