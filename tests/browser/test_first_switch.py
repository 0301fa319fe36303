"""The first switch of a browser tab waits for no element code and no placeholder (#11).

1. A reader who lands on a page without a chart does not wait for plotly on the next page.

Streamlit fetches and compiles each element's code (plotly.js: a few MB) the first time a page
shows one. Opened on Methods, the first switch to a chart page took ~1 s against ~0.25 s from
the overview (benchmarks/page_benchmark.py's switch). `components.preload_element_code` loads
that code once the first page is drawn and the browser is idle. These tests watch the
browser's own requests: the code is fetched while the reader is still on Methods, the chart
page that follows asks for none of it again, and nothing breaks on the way.

2. React shows the first widget of each kind a tab draws as a placeholder (`stSkeleton`) and
reveals it ~0.2-0.3 s later. `components.warm_up_widget_kinds` draws one hidden widget of each
kind the selections use in the frame, so the first switch from the overview to
Resources (topic buttons, toggle, institution list: none of them on the overview) shows none,
nor the first switch to the deck (its text area and frame of the view are on no other page).
"""
from __future__ import annotations

import pytest

from devtools.browser import PageWatch, wait_for_render
from mirador import components

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1440, "height": 900}


def test_the_chunk_names_exist_in_the_installed_streamlit():
    # A Streamlit release that renames its chunks would silently end the preload.
    found = components.element_chunks()
    assert [name.split(".")[0] for name in found] == list(components.PRELOADED_ELEMENTS)


def test_chart_code_is_loaded_on_a_page_without_charts(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    watch = PageWatch(server_host="localhost").attach(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[-1]))
    try:
        page.goto(f"{server.url}/methods?lang=es")
        wait_for_render(page)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # the premise
        plotly_chunk = components.element_chunks(["PlotlyChart"])[0]
        page.wait_for_function("(name) => performance.getEntriesByType('resource')"
                               ".some(e => e.name.endsWith('/' + name))", arg=plotly_chunk, timeout=15_000)
        for chunk in components.element_chunks():
            assert chunk in requested, f"{chunk} not loaded while on Methods"

        requested.clear()
        page.locator('[data-testid="stSidebarNav"] a[href$="/resources"]').click()
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
        wait_for_render(page)
        assert not [name for name in requested if name in components.element_chunks()], requested
        assert watch.script_errors == [] and watch.foreign == []
        # The script's element takes no room on the page.
        assert page.locator('.mirador-hidden-script').count() == 1
        assert not page.locator('[data-testid="stElementContainer"]:has(.mirador-hidden-script)').is_visible()
    finally:
        context.close()


# Every element the switch adds, as the browser's DOM sees it (placeholders included).
WATCH_ADDED_JS = """() => {
  window.__added = [];
  new MutationObserver(changes => { for (const change of changes) for (const node of change.addedNodes) {
    if (node.nodeType !== 1) continue;
    for (const el of [node, ...node.querySelectorAll('[data-testid]')])
      if (el.dataset && el.dataset.testid) window.__added.push(el.dataset.testid);
  } }).observe(document.body, {subtree: true, childList: true});
}"""


def switch_noting_additions(page, target: str, arrived: str) -> list[str]:
    """Click `target` in the sidebar; the test ids of every element the switch added, once the
    page shows an element with test id `arrived` and has rendered."""
    page.evaluate(WATCH_ADDED_JS)
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{target}"]').click()
    page.wait_for_selector(f'[data-testid="stMain"] [data-testid="{arrived}"]', timeout=30_000)
    wait_for_render(page)
    return page.evaluate("window.__added")


@pytest.fixture()
def on_the_overview(browser, server):
    """(page, watch): a new tab that has just drawn the overview, its first page."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    watch = PageWatch(server_host="localhost").attach(page)
    page.goto(f"{server.url}/?lang=es")
    wait_for_render(page)
    yield page, watch
    context.close()


def test_first_switch_shows_no_placeholder_for_the_selection_widgets(on_the_overview):
    page, watch = on_the_overview
    warm_up = page.locator(f".st-key-{components.WARM_UP_CONTAINER_KEY}")
    assert warm_up.count() == 1 and not warm_up.is_visible()
    assert page.locator('[data-testid="stMain"] [data-testid="stMultiSelect"]').count() == 0  # the premise

    added = switch_noting_additions(page, "resources", "stMultiSelect")
    assert {"stMultiSelect", "stButtonGroup", "stCheckbox"} <= set(added), added
    assert "stSkeleton" not in added, added
    assert warm_up.count() == 1 and not warm_up.is_visible()
    assert watch.script_errors == []


def test_first_switch_to_the_deck_shows_no_placeholder(on_the_overview):
    page, watch = on_the_overview
    assert page.locator('[data-testid="stMain"] [data-testid="stTextArea"]').count() == 0  # the premise

    added = switch_noting_additions(page, "deck", "stIFrame")
    assert {"stTextArea", "stIFrame"} <= set(added), added
    assert "stSkeleton" not in added, added
    # The warm-up frame is empty and out of sight; the deck's own frame shows the view.
    assert not page.locator(f".st-key-{components.WARM_UP_CONTAINER_KEY} iframe").is_visible()
    assert page.locator('[data-testid="stMain"] [data-testid="stIFrame"]').is_visible()
    assert watch.script_errors == [] and watch.foreign == []
