"""Overview, Recommendations and Autonomy with 80 institutions in a real Chromium at 1280x720:
no error, nothing from another host, and the charts' institution names do not overlap.

Screenshots land in artifacts/screenshots/eighty_<page>.png (the first screen) and
eighty_<page>_full.png (the whole page) for a person to look at.
"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from devtools.browser import REPO_ROOT, PageWatch, error_texts, full_screenshot, start_streamlit, wait_for_render

pytestmark = pytest.mark.browser

PAGES = ("overview", "recommendations", "autonomy")
CHIPS = '[data-testid="stMultiSelectTagsContainer"] [data-tag]'  # a chosen option
VIEWPORT = {"width": 1280, "height": 720}

# Per chart: its title's box and every y-axis tick label's box, as drawn on the screen.
CHART_BOXES = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => {
    const box = element => { const b = element.getBoundingClientRect();
                             return {text: element.textContent, top: b.top, bottom: b.bottom, height: b.height}; };
    const title = chart.querySelector('.gtitle');
    return {title: title ? box(title) : null,
            ticks: [...chart.querySelectorAll('.yaxislayer-above .ytick text')].map(box).filter(b => b.height > 0)};
})"""


@pytest.fixture(scope="module")
def eighty_server(eighty_db, tmp_path_factory):
    running = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(eighty_db)},
                              log_dir=tmp_path_factory.mktemp("logs_eighty"))
    yield running
    running.stop()


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of labels (one chart's y axis) whose boxes overlap by more than a pixel."""
    ordered = sorted(boxes, key=lambda b: b["top"])
    return [(a["text"], b["text"]) for a, b in zip(ordered, ordered[1:]) if b["top"] < a["bottom"] - 1]


@pytest.mark.parametrize("page_path", PAGES)
def test_page_with_80_institutions_is_legible(browser, eighty_server, screenshots_dir, page_path):
    context = browser.new_context(viewport=VIEWPORT, locale="es-ES")
    page = context.new_page()
    watch = PageWatch(server_host=urlparse(eighty_server.url).hostname).attach(page)
    path = "/" if page_path == "overview" else f"/{page_path}"
    page.goto(f"{eighty_server.url}{path}?lang=es")
    wait_for_render(page)
    page.screenshot(path=screenshots_dir / f"eighty_{page_path}.png")
    charts = page.evaluate(CHART_BOXES)
    full_screenshot(page, screenshots_dir / f"eighty_{page_path}_full.png")
    errors, foreign, script_errors = error_texts(page), watch.foreign, watch.script_errors
    has_table = page.locator('[data-testid="stDataFrame"]').count()
    context.close()

    assert not errors, errors[0][:300]
    assert not foreign, sorted(set(foreign))[:5]
    assert not script_errors, script_errors[:3]
    assert charts, "no chart drawn"
    for chart in charts:
        boxes = chart["ticks"]
        assert len(boxes) <= 21 + 1, f"{len(boxes)} rows in one chart"  # both ends and the gap row
        assert not overlaps(boxes), overlaps(boxes)[:3]
        if chart["title"] and boxes:  # the title block (with its "10 highest..." line) above the plot
            assert chart["title"]["bottom"] <= min(b["top"] for b in boxes), chart["title"]["text"][:60]
    if page_path == "overview":
        assert has_table, "Overview with 80 institutions shows no table"


def test_typing_in_the_institutions_selector_finds_one(browser, eighty_server):
    """The selector opens empty (all 80); typing part of a name finds it, and choosing it
    leaves that institution alone in the rankings."""
    context = browser.new_context(viewport=VIEWPORT, locale="es-ES")
    page = context.new_page()
    page.goto(f"{eighty_server.url}/recommendations?lang=es")
    wait_for_render(page)
    selector = page.locator('[data-testid="stMain"] [data-testid="stMultiSelect"]').first
    assert selector.locator(CHIPS).count() == 0  # no 80 chips
    selector.locator("input").click()
    selector.locator("input").fill("urug")
    page.get_by_role("option", name="Uruguay", exact=True).click()
    page.keyboard.press("Escape")
    wait_for_render(page)
    charts = page.evaluate(CHART_BOXES)
    chips = [text.strip() for text in selector.locator(CHIPS).all_inner_texts()]
    url = page.url
    context.close()
    assert chips == ["Uruguay"]
    assert "c=URY" in url  # the view is in the link
    ranking_rows = [[b["text"] for b in chart["ticks"]] for chart in charts if chart["ticks"]
                    and not is_value_tick(chart["ticks"][0]["text"])]
    assert ranking_rows and all(rows and all(r.startswith("Uruguay") for r in rows) for rows in ranking_rows)


def is_value_tick(text: str) -> bool:
    """A value-axis tick ('80%', '0,5'), not an institution's row."""
    return text.strip().rstrip("%").replace(",", "").replace(".", "").replace("\u2212", "").isdigit()
