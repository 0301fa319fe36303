"""Report tests run against `bundled_db` (tests/conftest.py): the bundled data built by the real ETL."""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: typesets many PDFs (tens of seconds)")


@pytest.fixture(scope="session")
def report_db(bundled_db) -> Path:
    """The bundled data's database (tests/conftest.py); the chart renderer stops afterwards."""
    yield bundled_db
    from mirador import chart_export
    chart_export.stop_server()
