"""Opening a page's section tabs in a real browser, one click each (components.section_tabs)."""
from __future__ import annotations

from devtools.browser import wait_for_render

TABS = '[data-testid="stMain"] [data-testid="stTabs"] [role="tab"]'


def each_section(page):
    """Yield the label of each section tab once it is open and drawn (clicked in turn, as a
    reader would), or None once on a page without tabs. The page must have rendered."""
    tabs = page.locator(TABS)
    if not tabs.count():
        yield None
        return
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if tab.get_attribute("aria-selected") != "true":
            before = page.url
            tab.click()
            # The click reruns the page, which writes the tab's code to the URL: then wait for the run.
            page.wait_for_function("url => location.href !== url", arg=before, timeout=30_000)
            wait_for_render(page)
        yield tab.inner_text().strip()
