"""Running one page with AppTest, shared by the page tests.

AppTest resolves paths against the calling file, so this module sits beside the tests.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
from streamlit.testing.v1 import AppTest

REPO_FROM_HERE = "../.."


def run_page(page: str, **params) -> AppTest:
    """Run `page` (e.g. "pages/compare.py") with the given URL query parameters; no exception."""
    at = AppTest.from_file(f"{REPO_FROM_HERE}/{page}", default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_specs(at: AppTest) -> list[dict]:
    """The plotly figures on the page, as JSON (AppTest has no plotly accessor)."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_title(spec: dict) -> str:
    """A chart's title as written, in bold: the drawn title may be wrapped and carry the
    chart-level 'illustrative' note (figures keep the plain title in layout.meta)."""
    plain = (spec["layout"].get("meta") or {}).get("title")
    return f"<b>{plain}</b>" if plain else spec["layout"]["title"]["text"]


def chart_titles(at: AppTest) -> list[str]:
    return [chart_title(spec) for spec in chart_specs(at)]


# The section tabs of each page (components.section_tabs, URL key `tab`), in their order; Compare
# has one per chosen indicator. `section_codes` checks the page draws as many tabs as listed.
SECTION_TABS = {
    "pages/overview.py": ("map", "timeline", "sources"),
    "pages/resources.py": ("ranking", "map", "trend"),
    "pages/autonomy.py": ("matrix", "score", "evidence", "criteria", "change"),
    "pages/recommendations.py": ("by_age", "time", "acceptance", "rates", "status", "trend", "breakdown",
                                 "table"),
    "pages/profile.py": ("indicators", "timeline", "autonomy", "facts"),
    "pages/methods.py": ("indicators", "criteria", "computation", "status", "load_log", "downloads"),
    "pages/progress.py": ("summary", "chart", "tally", "sentences"),
}


def section_codes(at: AppTest, page: str) -> tuple[str, ...]:
    """The codes of the page's section tabs as drawn in `at` (none on a page without tabs)."""
    codes = (tuple(at.multiselect(key="qp_i").value) if page == "pages/compare.py"
             else SECTION_TABS.get(page, ()))
    assert len(at.tabs) == len(codes), (page, [tab.label for tab in at.tabs], codes)
    return codes


def open_section(at: AppTest, code: str) -> AppTest:
    """A click on the section tab `code` (its callback stores the code under `qp_tab`)."""
    at.session_state["qp_tab"] = code
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def every_section_with_data_tables(page: str, **params):
    """(tab code, AppTest) for each section tab of `page` (None on a page without tabs), each
    opened in a fresh run with every chart's "show data" table opened too."""
    for code in SECTION_TABS.get(page, (None,)):
        at = run_page(page, **params)
        yield code, open_data_tables(open_section(at, code) if code else at)


def open_data_tables(at: AppTest) -> AppTest:
    """A click on every chart's "show data" expander (built only once opened)."""
    for key in [k for k in at.session_state if str(k).startswith("show_data_")]:
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


class _TableReader(HTMLParser):
    """Header and rows of the one <table> of a `components.small_table` element, as text."""

    def __init__(self, hrefs: bool = False) -> None:
        super().__init__()
        self.hrefs = hrefs  # a cell holding a link reads as the link's address
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "a" and self.hrefs and self._cell is not None:
            self._cell.append(dict(attrs).get("href") or "")
            self._skip_text = True

    def handle_endtag(self, tag):
        if tag == "a":
            self._skip_text = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._cell is not None:
            (self.header if self._in_head else self.rows[-1]).append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None and not getattr(self, "_skip_text", False):
            self._cell.append(data)


def small_tables(at: AppTest, hrefs: bool = False) -> list[pd.DataFrame]:
    """The page's `components.small_table`s as the reader reads them (text cells, entities decoded);
    with `hrefs`, a cell holding a link reads as the address it opens."""
    tables = []
    for element in at.get("html"):
        if not re.search(r'class="mirador-small-table[" ]', element.proto.body):
            continue
        reader = _TableReader(hrefs)
        reader.feed(element.proto.body)
        tables.append(pd.DataFrame(reader.rows, columns=reader.header))
    return tables
