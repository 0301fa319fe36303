"""Printing a page from the browser (A4): what a donor gets on paper.

Each page is printed by Chromium itself (`page.pdf`, which fires the page's `beforeprint`
like the Print dialog) and then laid out again as print media at the printable width of
an A4 sheet with the browser's default 1 cm margins, to measure what lands on paper:
- no chart wider than the sheet (its drawing scaled, not clipped) nor taller than one sheet;
- no sidebar, selection widget, button, download, chart toolbar or closed expander;
- a table cut short on paper says so, in the page's language; on screen the note is hidden;
- the PDF is A4, and its page count lies between what the printed content needs and that
  plus one sheet per block that may not be split (chart, table, row of cards).
"""
from __future__ import annotations

import csv
import io
import math

import pytest
from pypdf import PdfReader

from devtools.browser import REPO_ROOT, error_texts, wait_for_render
from mirador.i18n import t

pytestmark = pytest.mark.browser

LANG = "es"
PAGES = ("overview", "resources", "profile", "recommendations")
MM_PX = 96 / 25.4                     # CSS px per millimetre
A4_MM, BROWSER_MARGIN_MM = (210, 297), 10
PRINTABLE = {"width": math.floor((A4_MM[0] - 2 * BROWSER_MARGIN_MM) * MM_PX),
             "height": math.floor((A4_MM[1] - 2 * BROWSER_MARGIN_MM) * MM_PX)}
A4_POINTS = (A4_MM[0] / 25.4 * 72, A4_MM[1] / 25.4 * 72)
SCREEN = {"width": 1280, "height": 900}

# Everything a reader cannot use on paper.
CONTROLS = ('[data-testid="stSidebar"]', '[data-testid="stSelectbox"]', '[data-testid="stMultiSelect"]',
            '[data-testid="stButtonGroup"]', '[data-testid="stCheckbox"]', '[data-testid="stToggle"]',
            '[data-testid="stSlider"]', '[data-testid="stRadio"]', '[data-testid="stButton"]',
            '[data-testid="stDownloadButton"]', '[data-testid="stElementToolbar"]', '.modebar-container',
            '[data-testid="stHeader"]', '[data-testid="stExpander"] summary')
VISIBLE_JS = """(selector) => [...document.querySelectorAll(selector)].filter(e => {
    const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length"""
CHART_BOXES_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .svg-container')]
    .map(box => { const r = box.getBoundingClientRect();
                  const layer = box.querySelector('svg.main-svg').getBoundingClientRect();
                  return {width: r.width, right: r.right, height: r.height,
                          drawn_width: layer.width, drawn_right: layer.right}; })"""
# Blocks that print whole (each may push the rest of a sheet to the next one).
UNSPLIT_BLOCKS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stHorizontalBlock"]')]
    .filter(e => e.getBoundingClientRect().height > 0).length"""
SMALL_TABLES_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .mirador-small-table')].map(box => ({
    rows: box.querySelectorAll('tbody tr').length, right: box.getBoundingClientRect().right,
    hidden: box.scrollWidth - box.clientWidth, table_right: box.querySelector('table').getBoundingClientRect().right}))"""
CONTENT_HEIGHT_JS = """() => document.querySelector('[data-testid="stMainBlockContainer"]').scrollHeight"""
PRINT_NOTES_JS = """() => [...document.querySelectorAll('.mirador-print-only')].filter(e =>
    e.getBoundingClientRect().height > 0).map(e => e.textContent)"""


def _n_criteria() -> int:
    with open(REPO_ROOT / "catalogue" / "criteria.csv", encoding="utf-8") as f:
        return sum(1 for _ in csv.DictReader(f))


def _note_lead(key: str) -> str:
    """The fixed words of a print note before its first number."""
    return t(key, LANG, shown="{shown}", total="{total}").split("{")[0].strip()


def _print_layout(page) -> None:
    """Lay the page out as print media on an A4 sheet, as it is just before printing."""
    page.emulate_media(media="print")
    page.set_viewport_size(PRINTABLE)
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(200)


def test_printed_pages_fit_a4_without_controls(browser, server, screenshots_dir):
    problems = []
    for name in PAGES:
        # A fresh tab each time: `page.pdf` prints with the tab's emulated media.
        context = browser.new_context(viewport=SCREEN)
        tab = context.new_page()
        problems += _print_problems(tab, server.url, name, screenshots_dir)
        context.close()
    assert not problems, "\n".join(problems)


def _print_problems(tab, server_url: str, name: str, screenshots_dir) -> list[str]:
    problems = []
    # The profile opens on its autonomy tab: the criteria table it holds prints cut short.
    tab.goto(f"{server_url}/{name}?lang={LANG}" + ("&tab=autonomy" if name == "profile" else ""))
    wait_for_render(tab)
    if errors := error_texts(tab):
        problems.append(f"{name}: error {errors[0][:200]}")
    if tab.evaluate(PRINT_NOTES_JS):
        problems.append(f"{name}: print-only notes shown on screen")
    pdf = tab.pdf(format="A4")
    (screenshots_dir / f"print_{name}_{LANG}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    # (Chromium rounds A4 to 8.27 x 11.7 in: within a point or two.)
    if abs(float(box.width) - A4_POINTS[0]) > 2 or abs(float(box.height) - A4_POINTS[1]) > 2:
        problems.append(f"{name}: PDF page {box.width}x{box.height} pt is not A4")

    _print_layout(tab)
    charts = tab.evaluate(CHART_BOXES_JS)
    if not charts:
        problems.append(f"{name}: no chart in print layout")
    for i, c in enumerate(charts):
        if max(c["width"], c["drawn_width"]) > PRINTABLE["width"] + 0.5 \
                or max(c["right"], c["drawn_right"]) > PRINTABLE["width"] + 0.5:
            problems.append(f"{name}: chart {i} {c} wider than the A4 printable width {PRINTABLE['width']}")
        if c["height"] > PRINTABLE["height"]:
            problems.append(f"{name}: chart {i} {c['height']:.0f} px taller than a sheet")
    for selector in CONTROLS:
        if n := tab.evaluate(VISIBLE_JS, selector):
            problems.append(f"{name}: {n} x {selector} printed")

    # Content needs at least this many sheets (less a fifth: the page's own @page margins may
    # differ from the browser's default); each block that prints whole may waste one more.
    sheets = tab.evaluate(CONTENT_HEIGHT_JS) / PRINTABLE["height"]
    low, high = max(1, math.floor(sheets * 0.8)), math.ceil(sheets) + tab.evaluate(UNSPLIT_BLOCKS_JS)
    if not low <= len(reader.pages) <= high:
        problems.append(f"{name}: {len(reader.pages)} PDF pages, expected {low}..{high}")
    print(f"{name}: {len(reader.pages)} A4 pages (bound {low}..{high}), {len(charts)} charts")

    if name == "profile":
        # The autonomy criteria table (one row per criterion, evidence and source) prints whole:
        # every row, nothing past the sheet's edge (as a grid it printed ten rows and a note).
        n = _n_criteria()
        tables = tab.evaluate(SMALL_TABLES_JS)
        whole = [b for b in tables if b["rows"] == n]
        if not whole:
            problems.append(f"profile: no {n}-row criteria table printed whole in {tables}")
        for b in whole:
            if b["hidden"] > 1 or max(b["right"], b["table_right"]) > PRINTABLE["width"] + 0.5:
                problems.append(f"profile: criteria table cut at the sheet's edge: {b}")
    return problems


def test_progress_scorecard_prints_every_cell_within_the_sheet(browser, server, screenshots_dir):
    """The donors' scorecard (a name and five long cells a row) wraps on paper: none of it is cut
    at the sheet's edge or hidden in a box that scrolls."""
    context = browser.new_context(viewport=SCREEN)
    tab = context.new_page()
    tab.goto(f"{server.url}/progress?lang={LANG}")
    wait_for_render(tab)
    _print_layout(tab)
    boxes = tab.evaluate("""() => [...document.querySelectorAll('.mirador-small-table')].map(box => ({
        right: box.getBoundingClientRect().right, hidden: box.scrollWidth - box.clientWidth,
        table_right: box.querySelector('table').getBoundingClientRect().right}))""")
    tab.screenshot(path=screenshots_dir / f"print_progress_scorecard_{LANG}.png", full_page=True)
    context.close()
    assert len(boxes) == 1, boxes
    [box] = boxes
    assert box["hidden"] <= 1 and max(box["right"], box["table_right"]) <= PRINTABLE["width"] + 0.5, box


def test_a_table_cut_short_on_paper_says_so(browser, server):
    """The public list is a grid of 50 rows a page: on paper it prints the rows its box shows and
    a note, in the page's language, saying how many and where the rest is; on screen no note."""
    context = browser.new_context(viewport=SCREEN)
    tab = context.new_page()
    tab.goto(f"{server.url}/recommendations?lang={LANG}&tab=table")
    wait_for_render(tab)
    tab.locator('[data-testid="stDataFrame"]').first.wait_for()
    on_screen = tab.evaluate(PRINT_NOTES_JS)
    _print_layout(tab)
    on_paper = tab.evaluate(PRINT_NOTES_JS)
    context.close()
    assert on_screen == []
    lead = _note_lead("print_table_note")
    assert any(note.startswith(lead) for note in on_paper), on_paper
