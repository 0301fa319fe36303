"""Report tests run against a database built from the bundled data by the real ETL."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from mirador import db, queries

REPO_ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: typesets many PDFs (tens of seconds)")


@pytest.fixture(scope="session")
def report_db(tmp_path_factory) -> Path:
    """data/input built into a temporary DuckDB file; MIRADOR_DB points at it."""
    from etl import pipeline

    path = tmp_path_factory.mktemp("report_db") / "mirador.duckdb"
    pipeline.build(source=REPO_ROOT / "data" / "input", db=path)
    previous = os.environ.get("MIRADOR_DB")
    os.environ["MIRADOR_DB"] = str(path)
    db.reset()
    queries.clear_cache()
    yield path
    from mirador import chart_export
    chart_export.stop_server()
    db.reset()
    queries.clear_cache()
    if previous is None:
        os.environ.pop("MIRADOR_DB", None)
    else:
        os.environ["MIRADOR_DB"] = previous
