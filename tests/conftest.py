"""Fixtures shared by every test folder: a database built by the real ETL, and a way to
point the dashboard's data access at a database for the length of a fixture."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_INPUT = REPO_ROOT / "data" / "input"


def build_database(source: Path, folder: Path) -> Path:
    """`source` (a CSV folder or workbook) loaded by the ETL into `folder`/mirador.duckdb."""
    from etl import pipeline

    path = folder / "mirador.duckdb"
    pipeline.build(source=source, db=path)
    return path


@contextmanager
def database_in_use(path: Path) -> Iterator[Path]:
    """MIRADOR_DB points at `path` (fresh connection and query caches) until the block ends."""
    from mirador import db, queries

    previous = os.environ.get("MIRADOR_DB")
    os.environ["MIRADOR_DB"] = str(path)
    db.reset()
    queries.clear_cache()
    try:
        yield path
    finally:
        db.reset()
        queries.clear_cache()
        if previous is None:
            os.environ.pop("MIRADOR_DB", None)
        else:
            os.environ["MIRADOR_DB"] = previous


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Iterator[Path]:
    """data/input built once per test session; MIRADOR_DB points at it."""
    with database_in_use(build_database(BUNDLED_INPUT, tmp_path_factory.mktemp("bundled_db"))) as path:
        yield path


@pytest.fixture(scope="session")
def make_database(tmp_path_factory):
    """Factory: `make_database(source)` -> a fresh database file built from `source`."""
    return lambda source: build_database(source, tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def use_database():
    """`with use_database(path):` points the dashboard's queries at `path` for the block."""
    return database_in_use


EIGHTY_INSTITUTIONS, EIGHTY_RECOMMENDATIONS = 80, 20_000


@pytest.fixture(scope="session")
def eighty_db(tmp_path_factory) -> Path:
    """A generated set of 80 institutions (the nine and 71 more, 20,000 recommendations) built
    by the ETL once per session. Only the path: point the dashboard at it with `use_database`."""
    from etl import generate

    folder = tmp_path_factory.mktemp("eighty_db")
    generate.main(["--out", str(folder / "input"), "--institutions", str(EIGHTY_INSTITUTIONS),
                   "--recommendations", str(EIGHTY_RECOMMENDATIONS), "--quiet"])
    return build_database(folder / "input", folder)
