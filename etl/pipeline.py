"""The Python API: `check(source)` validates; `run(source, db_path)` validates, derives and loads.

The dashboard calls `run()` to build the database on first start when it is
missing; the command line (`python -m etl`) is a thin wrapper around both.
"""
from __future__ import annotations

import functools
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from etl import read, transform, validate
from etl.contracts import DATABASE_TABLES
from etl.load import DatabaseBusy  # noqa: F401  (raised by run(); callers catch pipeline.DatabaseBusy)
from etl.load import LOCK_WAIT_SECONDS, LoadLogEntry, read_boundaries, write_database
from etl.problems import Problem
from mirador import paths

Progress = Callable[[str, float], None]  # (stage description, seconds it took)


@dataclass
class Result:
    ok: bool
    db_path: Path | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


class InvalidInput(ValueError):
    """Raised by `build` when the input has problems; `.problems` lists them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the input; nothing was loaded:\n{shown}{more}")


class _Stages:
    """Times each stage and reports it to the optional progress callback."""

    def __init__(self, progress: Progress | None):
        self.progress, self.timings = progress, {}

    def run(self, name: str, description: str, fn, *args):
        start = time.perf_counter()
        out = fn(*args)
        self.record(name, description, time.perf_counter() - start)
        return out

    def record(self, name: str, description: str, seconds: float) -> None:
        self.timings[name] = seconds
        if self.progress:
            self.progress(description, seconds)


def _validated(source: Path, stages: _Stages) -> validate.Validated:
    raw = stages.run("read", f"read {source.name}", read.read_source, source)
    validated = stages.run("validate", "validated", validate.validate, raw)
    # The typed tables are all that is used from here on: the text frames (a million rows of
    # every column) are let go before the marts are built; the file list is kept for the load log.
    raw.tables.clear()
    return validated, raw


def check(source: str | Path | None = None) -> list[Problem]:
    """Every problem in the input (empty list = valid). Writes nothing."""
    source = Path(source) if source is not None else paths.BUNDLED_INPUT_DIR
    validated, _ = _validated(source, _Stages(None))
    return validated.problems


def run(source: str | Path | None = None, db_path: str | Path | None = None, *,
        boundaries_path: str | Path | None = None, progress: Progress | None = None,
        wait_seconds: float = LOCK_WAIT_SECONDS, on_wait: Callable[[str], None] | None = None,
        keep_versions: int = 0, person: str | None = None, comment: str | None = None) -> Result:
    """Validate `source` (folder of CSVs or .xlsx; default the bundled data) and rebuild the database.

    With any problem nothing is written and `Result.ok` is False. One load at a time per
    database: a second one waits up to `wait_seconds` (`on_wait` is told once), then
    raises DatabaseBusy, leaving the database as it was. `keep_versions`, `person` and `comment`
    are for the staff page: published files kept for a rollback, and who published and why.
    """
    source = Path(source) if source is not None else paths.BUNDLED_INPUT_DIR
    target = Path(db_path).expanduser().resolve() if db_path is not None else paths.db_path()
    boundaries_path = Path(boundaries_path) if boundaries_path is not None else paths.BOUNDARIES_PATH
    stages = _Stages(progress)

    # Importing geopandas and reading the GeoJSON takes about a second: do it
    # while polars reads and validates (both release the GIL for the heavy work).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="boundaries") as pool:
        boundaries_future = pool.submit(read_boundaries, boundaries_path)
        validated, raw = _validated(source, stages)
        if not validated.ok:
            return Result(False, None, validated.problems, validated.warnings, timings=stages.timings)
        boundaries, boundary_warning = stages.run("boundaries", "boundaries", boundaries_future.result)
    warnings = list(validated.warnings) + ([boundary_warning] if boundary_warning else [])
    log = LoadLogEntry(
        source_path=str(source.resolve()),
        files=[{"name": f.name, "sha256": f.sha256, "rows": f.rows} for f in raw.files],
        row_counts={}, warnings=warnings, person=person, comment=comment)
    write = functools.partial(write_database, target, boundaries=boundaries, log=log, wait_seconds=wait_seconds,
                              on_wait=on_wait, keep_versions=keep_versions)
    row_counts = _build_and_write(validated.tables, write, stages, target.name)
    return Result(True, target, [], log.warnings, row_counts, stages.timings)


def _build_and_write(tables: dict, write: Callable, stages: _Stages, db_name: str) -> dict[str, int]:
    """The marts are worked out on a second thread while this one writes the database: the public
    recommendations (the biggest table, built first) go in while the other marts are built, each
    of the others as soon as all are (polars and DuckDB both let go of the GIL). A mart that fails
    to build fails the write, which then leaves the database as it was. The validated
    recommendations are taken out of `tables` as soon as they are filtered (see build_marts)."""
    built: dict[str, Future] = {name: Future() for name in DATABASE_TABLES if name not in ("load_log", "boundaries")}
    start = time.perf_counter()
    transform_seconds: list[float] = []

    def build() -> None:
        try:
            marts = transform.build_marts(tables, on_ready=lambda name, frame: built[name].set_result(frame),
                                          consume=True)
        except BaseException as exc:
            for pending in built.values():
                if not pending.done():
                    pending.set_exception(exc)
            raise
        for name, pending in built.items():
            if not pending.done():
                pending.set_result(marts.get(name))
        transform_seconds.append(time.perf_counter() - start)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="marts") as pool:
        building = pool.submit(build)
        try:
            # Handed over as a frame, not a Future: the loader writes the frames it has on a second connection.
            public = built["mart_public_recommendations"].result()
            row_counts = write({**built, "mart_public_recommendations": public})
        finally:
            building.result()  # re-raises a failed build, the cause of a failed write
    # Told from the caller's thread: its progress callback may only work there (the staff page's
    # status box raises NoSessionContext from any other thread).
    stages.record("transform", "derived figures and marts", transform_seconds[0])
    stages.record("load", f"wrote {db_name}", time.perf_counter() - start - stages.timings["transform"])
    return row_counts


def build(source: str | Path | None = None, db: str | Path | None = None, **kwargs) -> Result:
    """`run`, raising InvalidInput instead of returning a failed result (for callers that just need a DB)."""
    result = run(source, db, **kwargs)
    if not result.ok:
        raise InvalidInput(result.problems)
    return result
