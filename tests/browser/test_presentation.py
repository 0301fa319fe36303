"""Presentation mode and the deck, in a real Chromium at a projector's 1280x720.

- Every page with charts, opened with the share box's presentation link, shows its
  first chart whole on the first screen, without the sidebar or selection widgets.
- The deck shows one saved view per screen and steps forward and back; it is built from
  the sidebar's "add this view" and kept in its own link.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from devtools.browser import error_texts, full_screenshot, wait_for_render
from mirador.i18n import t
from mirador.navigation import PAGES

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 720}
CHART_PAGES = [spec for spec in PAGES if spec.url_path not in ("methods", "deck")]
# Box of the chart that comes first on screen (presentation mode may reorder blocks).
FIRST_CHART_BOX_JS = """() => {
    const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .filter(c => c.querySelector('.main-svg')).map(c => c.getBoundingClientRect())
        .filter(r => r.height > 0).sort((a, b) => a.top - b.top || a.left - b.left);
    return boxes.length ? {top: boxes[0].top, bottom: boxes[0].bottom, left: boxes[0].left,
                           right: boxes[0].right} : null; }"""
WIDGETS = ", ".join(f'[data-testid="stMain"] [data-testid="{tid}"]' for tid in (
    "stSelectbox", "stMultiSelect", "stToggle", "stCheckbox", "stButtonGroup"))
VISIBLE_WIDGETS_JS = f"""() => [...document.querySelectorAll('{WIDGETS}')]
    .filter(w => w.getBoundingClientRect().height > 0).length"""
DECK_FRAME = '[data-testid="stMain"] iframe'


@pytest.fixture()
def screen(browser):
    context = browser.new_context(viewport=SCREEN)
    yield context.new_page()
    context.close()


def _presentation_link(page, server_url: str, path: str) -> str:
    """Open the page normally and take the presentation link from the sidebar share box."""
    page.goto(f"{server_url}{path}")
    wait_for_render(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').first.click()
    codes = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]')
    codes.nth(1).wait_for()
    return codes.nth(1).inner_text().strip()


def test_each_page_presents_its_first_chart_on_the_first_screen(screen, server, screenshots_dir):
    problems = []
    for spec in CHART_PAGES:
        link = _presentation_link(screen, server.url, f"/{spec.url_path}?lang=es")
        query = parse_qs(urlparse(link).query)
        if query.get("present") != ["1"] or urlparse(link).path != f"/{spec.url_path}":
            problems.append(f"{spec.url_path}: share box presentation link {link}")
        screen.goto(link)
        wait_for_render(screen)
        screen.screenshot(path=screenshots_dir / f"present_{spec.url_path}_es.png")
        box = screen.evaluate(FIRST_CHART_BOX_JS)
        if box is None:
            problems.append(f"{spec.url_path}: no drawn chart")
        elif not (box["top"] >= 0 and box["left"] >= 0 and box["bottom"] <= SCREEN["height"]
                  and box["right"] <= SCREEN["width"]):
            problems.append(f"{spec.url_path}: first chart at {box}, outside the first screen")
        if screen.locator('[data-testid="stSidebar"]').is_visible():
            problems.append(f"{spec.url_path}: sidebar shown")
        if screen.evaluate(VISIBLE_WIDGETS_JS):
            problems.append(f"{spec.url_path}: selection widgets shown")
        if errors := error_texts(screen):
            problems.append(f"{spec.url_path}: error {errors[0][:200]}")
    assert not problems, "\n".join(problems)


def test_progress_presents_its_key_messages(screen, server, screenshots_dir):
    """Presentation mode hides the text above a page's first chart; Progress's key messages are
    above its chart, and they are what a donor meeting is shown first in words."""
    screen.goto(f"{server.url}/progress?lang=es&present=1")
    wait_for_render(screen)
    full_screenshot(screen, screenshots_dir / "present_progress_key_messages_es.png")
    heading = screen.locator('[data-testid="stMain"] strong',
                             has_text=t("progress_key_messages_heading", "es"))
    assert heading.count() == 1 and heading.is_visible()
    messages = [item.inner_text().strip() for item in screen.locator('[data-testid="stMain"] ol li').all()
                if item.is_visible()]
    assert messages and all(messages), messages
    chart = screen.evaluate(FIRST_CHART_BOX_JS)
    assert chart is not None and chart["top"] < heading.bounding_box()["y"], "the chart still opens the screen"


SIDEWAYS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .mirador-small-table')]
    .map(box => box.scrollWidth - box.clientWidth)"""


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_progress_scorecard_reads_whole_at_1280_with_and_without_the_sidebar(screen, server, screenshots_dir, lang):
    """The donors' scorecard (a name and five long cells a row) wraps inside the screen: as a
    grid it cut every cell at 1280 px, and as a table of 20rem cells it scrolled sideways."""
    for present in ("", "&present=1"):
        screen.goto(f"{server.url}/progress?lang={lang}{present}")
        wait_for_render(screen)
        overflow = screen.evaluate(SIDEWAYS_JS)
        full_screenshot(screen, screenshots_dir / f"progress_scorecard_{lang}{'_present' if present else ''}.png")
        assert len(overflow) == 1 and overflow[0] <= 1, (present, overflow)


@pytest.mark.parametrize("path", [
    "compare?c=CHL&c=PER&c=URY&c=PRT",  # four institutions, the most Compare takes
    "methods",                          # the indicator catalogue, one table per area
    "methods?tab=criteria",
    "profile?c=PRT&tab=facts",          # the most facts: each with its quote, link and confidence
    "profile?c=PRT",                    # seven area tables of ten columns, the median's last but one
    "autonomy?tab=change&ya=2017&yb=2025",  # each institution's changed criteria, evidence and source
])
def test_comparison_and_catalogue_tables_read_whole_at_1280(screen, server, screenshots_dir, path):
    """Read across: as grids, Compare's table cut off its third and fourth institutions, Methods'
    catalogues their definitions and codes, Profile's facts their quotes and sources, and Profile's
    area tables (small tables on one line a cell) their comparison with the median, beside the
    sidebar at 1280 px."""
    for lang in ("es", "pt"):
        screen.goto(f"{server.url}/{path}{'&' if '?' in path else '?'}lang={lang}")
        wait_for_render(screen)
        overflow = screen.evaluate(SIDEWAYS_JS)
        name = path.replace("?", "_").replace("&", "_").replace("=", "")
        full_screenshot(screen, screenshots_dir / f"whole_table_{name}_{lang}.png")
        assert overflow and max(overflow) <= 1, (lang, overflow)


def _frame_shows(page, url_path: str) -> None:
    """Wait until the deck's frame shows `url_path` with a drawn chart."""
    page.wait_for_function("([sel, path]) => (document.querySelector(sel)?.getAttribute('src') || '')"
                           ".startsWith('/' + path + '?')", arg=[DECK_FRAME, url_path])
    page.frame_locator(DECK_FRAME).locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(
        timeout=60_000)


def _step(page) -> list[str]:
    return parse_qs(urlparse(page.url).query).get("s", [])


def test_a_deck_built_from_the_sidebar_steps_forward_and_back(screen, server, screenshots_dir):
    lang = "es"
    # A presenter saves two views from the sidebar, moving through the sidebar (one session)...
    screen.goto(f"{server.url}/resources?lang=es&t=visits")
    for n, next_page in enumerate(("compare", "deck"), start=1):
        wait_for_render(screen)
        screen.get_by_role("button", name=t("deck_add_view", lang)).click()
        screen.get_by_text(t("deck_added", lang, n=n)).wait_for()
        screen.locator(f'[data-testid="stSidebarNav"] a[href$="/{next_page}"]').click()
        screen.wait_for_url(f"**/{next_page}?**")
    wait_for_render(screen)
    views = parse_qs(urlparse(screen.url).query).get("v", [])
    assert [v.split("?")[0] for v in views] == ["resources", "compare"], screen.url
    assert "t=visits" in views[0]
    deck_link = screen.url

    # ... and projects the deck's link (a new session: all it needs is in the link).
    screen.goto(f"{deck_link}&present=1&embed=true")
    wait_for_render(screen)
    _frame_shows(screen, "resources")
    assert "t=visits" in screen.locator(DECK_FRAME).get_attribute("src")
    frame_box = screen.locator(DECK_FRAME).bounding_box()
    assert frame_box["y"] >= 0 and frame_box["y"] + frame_box["height"] <= SCREEN["height"] + 1
    assert not screen.locator('[data-testid="stSidebar"]').is_visible()
    screen.screenshot(path=screenshots_dir / "deck_present_step1.png")

    screen.get_by_role("button", name=t("deck_next", lang)).click()
    _frame_shows(screen, "compare")
    assert _step(screen) == ["2"]
    screen.screenshot(path=screenshots_dir / "deck_present_step2.png")
    assert screen.get_by_role("button", name=t("deck_next", lang)).is_disabled()  # the last view

    screen.get_by_role("button", name=t("deck_previous", lang)).click()
    _frame_shows(screen, "resources")
    assert _step(screen) == ["1"]
