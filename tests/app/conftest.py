"""App tests run against a database built from the bundled data by the real ETL."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from mirador import db, queries

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """Build data/input into a temporary DuckDB file with the ETL and point MIRADOR_DB at it."""
    from etl import pipeline

    path = tmp_path_factory.mktemp("db") / "mirador.duckdb"
    pipeline.build(source=REPO_ROOT / "data" / "input", db=path)
    previous = os.environ.get("MIRADOR_DB")
    os.environ["MIRADOR_DB"] = str(path)
    db.reset()
    queries.clear_cache()
    yield path
    db.reset()
    queries.clear_cache()
    if previous is None:
        os.environ.pop("MIRADOR_DB", None)
    else:
        os.environ["MIRADOR_DB"] = previous
