"""A real dashboard server on the bundled data, and a real Chromium to look at it."""
from __future__ import annotations

from pathlib import Path

import pytest

from devtools.browser import REPO_ROOT, launch_browser, start_streamlit

ARTIFACTS = REPO_ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def server(bundled_db, tmp_path_factory):
    running = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(bundled_db)},
                              log_dir=tmp_path_factory.mktemp("logs"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
