"""The websocket client of the viewers benchmark still speaks Streamlit's browser protocol.

One served dashboard, one session: open a page, switch pages the way the sidebar does, come
back. If Streamlit changes its protocol, the benchmark would otherwise time nothing.
Expected titles come from mirador/ui_strings.csv, not from what the server sends.
"""
from __future__ import annotations

import asyncio
import csv

import pytest

from devtools.browser import REPO_ROOT, start_streamlit
from devtools.ws_client import Session


def page_title(key: str, lang: str) -> str:
    with open(REPO_ROOT / "mirador" / "ui_strings.csv", newline="", encoding="utf-8") as handle:
        return next(row[lang] for row in csv.DictReader(handle) if row["key"] == key)


@pytest.fixture(scope="module")
def served(bundled_db, tmp_path_factory):
    server = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(bundled_db)},
                             log_dir=tmp_path_factory.mktemp("ws_logs"))
    yield server
    server.stop()


async def open_switch_return(url: str, lang: str):
    async with Session(url, lang) as session:
        opened = await session.open("overview")
        switched = await session.switch("resources")
        back = await session.switch("overview")
    return opened, switched, back


def test_a_session_opens_switches_and_returns_like_a_browser(served):
    opened, switched, back = asyncio.run(open_switch_return(served.url, "pt"))

    for run in (opened, switched, back):
        assert run.seconds is not None and run.errors == []
    assert opened.title == page_title("page_overview", "pt")
    # The sidebar's language travels with the switch (widget state), as in a browser.
    assert switched.title == page_title("page_resources", "pt")
    assert switched.title_ok and switched.charts >= 1
    # Back on the overview its charts come as references to the cached copies, and are
    # resolved: the page is the same as when first opened.
    assert back.references >= 1
    assert back.main_counts == opened.main_counts and back.charts >= 1
