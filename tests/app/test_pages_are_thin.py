"""Pages hold selection, data calls and figures only: no SQL, no DuckDB, no connections."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
BANNED = {
    "SQL statement": re.compile(r"\bSELECT\b[\s\S]{0,400}?\bFROM\b", re.IGNORECASE),
    "duckdb import": re.compile(r"^\s*(import|from)\s+duckdb\b", re.MULTILINE),
    "connection": re.compile(r"\.connect\("),
    "raw HTML": re.compile(r"unsafe_allow_html\s*=\s*True"),
    # Tables go through components.dataframe (blank missing cells, dates per language).
    "direct st.dataframe": re.compile(r"\bst\.dataframe\("),
}


def _page_files():
    return sorted(PAGES_DIR.rglob("*.py"))


def test_there_are_pages():
    assert len(_page_files()) >= 8


@pytest.mark.parametrize("path", _page_files(), ids=lambda p: p.name)
def test_page_has_no_sql_or_database_access(path):
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in BANNED.items() if pattern.search(text)]
    assert not found, f"{path.name}: {found}"
