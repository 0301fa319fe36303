"""Shared by the staff tests: a published database built from the ETL's tiny fixture."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl import pipeline

TINY = Path(__file__).resolve().parent.parent / "etl" / "data" / "tiny"


@pytest.fixture
def published(tmp_path) -> Path:
    db = tmp_path / "pub" / "mirador.duckdb"
    pipeline.build(TINY, db)
    return db
