"""Leaving a page before its charts have drawn raises no script error (issue #12).

A reader who clicks on in the sidebar while a page is still drawing unmounts its charts
half-way; nothing of that may surface as a JavaScript error in the page.

The error once seen ("TypeError: Cannot read properties of undefined (reading
'_scrollZoom')") came from plotly.js inside Streamlit's frontend: a map fetches its base
map (`world_50m.json`) asynchronously and, when the fetch resolves, finishes drawing into
the chart without checking that it still exists. In plotly's default drag mode for maps
('pan') that step reads `gd._context._scrollZoom.geo`, and `Plotly.purge` (the page was
left) has deleted `gd._context`. No config value avoids it (`scrollZoom` is read from the
deleted object); maps drawn with `dragmode=False` (`components.plotly_chart`) skip that
read. The second test makes the race certain by holding the base map until the page is left.
"""
from __future__ import annotations

import pytest

from devtools.browser import wait_for_render
from mirador.i18n import t
from mirador.navigation import PAGES

pytestmark = pytest.mark.browser

LANG = "es"
VIEWPORT = {"width": 1440, "height": 900}  # wide enough for the sidebar to stay open
TITLE = '[data-testid="stMain"] h1'
# Pages opened on their heaviest section tab (maps, small multiples: the most still drawing when
# left), and where to go next.
CHART_HEAVY_VIEWS = (
    ("recommendations", "tab=trend", "overview"),
    ("resources", "tab=map", "autonomy"),
    ("overview", "", "recommendations"),
    ("autonomy", "tab=change", "resources"),
    ("profile", "", "compare"),
    ("compare", "", "methods"),
)
DELAYS_MS = (0, 300)  # after the page's title appears: at once, and with part of the page drawn
TITLES = {spec.url_path: t(spec.title_key, LANG) for spec in PAGES}


def describe(error) -> str:
    return f"{error.name}: {error.message}\n{(error.stack or '')[:600]}"


def still_drawing(page) -> int:
    """What is still coming: a script run in progress, spinners, placeholders, undrawn charts
    (the same signs `wait_for_render` waits to see gone)."""
    return page.evaluate("""() => {
        const count = s => document.querySelectorAll(s).length;
        const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
        return count('[data-testid="stStatusWidget"]') + count('[data-testid="stSpinner"]')
             + count('[data-testid="stSkeleton"]') + charts.filter(c => !c.querySelector('.main-svg')).length;
    }""")


def leave_through_sidebar(page, target: str) -> None:
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{target}"]').click()
    page.wait_for_function("([sel, title]) => document.querySelector(sel)?.textContent.trim() === title",
                           arg=[TITLE, TITLES[target]])


def test_leaving_chart_pages_mid_draw_raises_no_script_error(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    left_busy = []  # how much was still coming at each departure
    for view, sections, target in CHART_HEAVY_VIEWS:
        for delay_ms in DELAYS_MS:
            page.goto(f"{server.url}/{view}?lang={LANG}&{sections}")
            page.wait_for_selector(TITLE, state="attached")  # the page has begun to draw
            page.wait_for_timeout(delay_ms)
            left_busy.append(still_drawing(page))
            leave_through_sidebar(page, target)
        wait_for_render(page)  # the last page draws completely: late errors surface here
    context.close()
    assert any(left_busy), f"every page had finished before it was left: nothing tested ({left_busy})"
    assert not errors, "\n\n".join(map(describe, errors))


def test_a_map_left_before_its_base_map_arrives(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    held = []  # base-map requests kept unanswered until the page has been left
    page.route("**/topojson/*.json", lambda route: held.append(route))
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{server.url}/overview?lang={LANG}")
    page.wait_for_selector('[data-testid="stPlotlyChart"]', state="attached", timeout=60_000)
    for _ in range(300):  # until the map asks for its base map (a browser event, not a clock)
        if held:
            break
        page.wait_for_timeout(50)
    page.wait_for_timeout(200)  # the other map panel asks for it too
    assert held, "the map drew without asking for its base map: nothing was left mid-draw"
    leave_through_sidebar(page, "methods")
    for request in held:
        request.continue_()
    page.wait_for_timeout(1500)
    context.close()
    assert not errors, "\n\n".join(map(describe, errors))


def test_maps_still_answer_hover(browser, server):
    """Without a drag mode the map still shows its tooltip (and pan/zoom in its toolbar)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{server.url}/overview?lang={LANG}")
    wait_for_render(page)
    page.locator("path.choroplethlocation").first.scroll_into_view_if_needed()
    # The centre of the largest country drawn (plotly answers mouse moves over the map).
    x, y = page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('path.choroplethlocation')]
            .map(p => p.getBoundingClientRect()).filter(b => b.top >= 0 && b.bottom <= innerHeight);
        const b = boxes.sort((a, c) => c.width * c.height - a.width * a.height)[0];
        return [b.left + b.width / 2, b.top + b.height / 2];
    }""")
    page.mouse.move(x - 5, y - 5)
    page.mouse.move(x, y, steps=5)
    page.wait_for_selector(".hoverlayer .hovertext", state="attached", timeout=10_000)
    assert page.locator('.modebar-btn[data-attr="dragmode"][data-val="pan"]').count() >= 1
    context.close()
