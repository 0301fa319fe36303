"""Running one page with AppTest, shared by the page tests.

AppTest resolves paths against the calling file, so this module sits beside the tests.
"""
from __future__ import annotations

import json

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
