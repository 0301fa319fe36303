"""A reader's paths through the dashboard, in a real Chromium.

- Every page reached from every other page through the sidebar (all ordered pairs, one
  browser session, Spanish): each shows its title, a drawn chart (pages with charts) and
  never a "choose ..." prompt instead of its view.
- The first request after a server start is a deep link: the full app opens on the right
  page, whether the server was started by `scripts/dashboard` (`mirador.serve`) or by a
  bare `streamlit run dashboard.py`.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from devtools.browser import REPO_ROOT, error_texts, start_streamlit, wait_for_render
from mirador.i18n import t
from mirador.navigation import PAGES

pytestmark = pytest.mark.browser

LANG = "es"
TITLE = '[data-testid="stMain"] h1'
PAGES_WITHOUT_CHARTS = {"methods", "deck", "progress"}  # the deck's charts are inside its frame
PAGES_OPENING_ON_A_TABLE = {"progress"}  # its donors' scorecard first; its chart is a tab away
CHOOSE_PROMPTS = ("choose_institutions", "compare_choose_2_to_4", "compare_choose_indicator")
# A plotly chart with something drawn in it: bars, lines, markers, map areas, heatmap cells.
DRAWN_CHARTS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(chart =>
    chart.querySelector('.main-svg') && chart.querySelectorAll(
      'path.point, path.js-line, path.choroplethlocation, .hm image, .heatmaplayer image, g.trace path'
    ).length > 0).length"""


def all_ordered_pairs_walk(nodes: list[str]) -> list[str]:
    """A walk that moves along every ordered pair (a, b), a != b, exactly once
    (an Eulerian circuit of the complete directed graph, by Hierholzer's algorithm)."""
    unused = {a: [b for b in nodes if b != a] for a in nodes}
    stack, walk = [nodes[0]], []
    while stack:
        here = stack[-1]
        if unused[here]:
            stack.append(unused[here].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


def choose_prompts(page) -> list[str]:
    """Texts of any warning/info box that asks the reader to choose before showing anything."""
    starts = [t(key, LANG, n="").split("(")[0].strip()[:14] for key in CHOOSE_PROMPTS]
    boxes = page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    texts = [boxes.nth(i).inner_text().strip() for i in range(boxes.count())]
    return [text for text in texts if any(start in text for start in starts)]


def page_problems(page, spec) -> list[str]:
    problems = []
    title = page.locator(TITLE).first.text_content().strip()
    if title != t(spec.title_key, LANG):
        problems.append(f"title {title!r}")
    if errors := error_texts(page):
        problems.append(f"error {errors[0][:200]}")
    if prompts := choose_prompts(page):
        problems.append(f"prompt {prompts}")
    if spec.url_path not in PAGES_WITHOUT_CHARTS and page.evaluate(DRAWN_CHARTS_JS) == 0:
        problems.append("no drawn chart")
    if spec.url_path in PAGES_OPENING_ON_A_TABLE and not page.locator(
            '[data-testid="stMain"] [data-testid="stDataFrame"], [data-testid="stMain"] .mirador-small-table').count():
        problems.append("no table")
    return problems


def test_every_page_from_every_other_page_through_the_sidebar(browser, server, screenshots_dir):
    walk = all_ordered_pairs_walk([spec.url_path for spec in PAGES])
    assert len(walk) == len(PAGES) * (len(PAGES) - 1) + 1
    by_path = {spec.url_path: spec for spec in PAGES}
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="es-ES")
    page = context.new_page()
    page.goto(f"{server.url}/{walk[0]}?lang={LANG}")
    wait_for_render(page)
    problems = [f"(start) {walk[0]}: {p}" for p in page_problems(page, by_path[walk[0]])]
    seen = set()
    for came_from, target in zip(walk, walk[1:]):
        page.locator(f'[data-testid="stSidebarNav"] a[href$="/{target}"]').click()
        page.wait_for_url(f"**/{target}?**")
        page.wait_for_function("([sel, title]) => document.querySelector(sel)?.textContent.trim() === title",
                               arg=[TITLE, t(by_path[target].title_key, LANG)])
        wait_for_render(page)
        problems += [f"{came_from} -> {target}: {p}" for p in page_problems(page, by_path[target])]
        if parse_qs(urlparse(page.url).query).get("lang") != [LANG]:
            problems.append(f"{came_from} -> {target}: language lost ({page.url})")
        if target not in seen:  # one picture per page, as reached from the sidebar
            seen.add(target)
            page.screenshot(path=screenshots_dir / f"journey_{target}_{LANG}.png")
    context.close()
    assert not problems, "\n".join(problems)


def _first_visit(browser, server_url: str, path: str, lang: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{server_url}{path}")
    wait_for_render(page)
    return context, page


def _full_app_problems(page, page_spec, lang: str) -> list[str]:
    """The app as dashboard.py draws it (not Streamlit's file-based fallback), on `page_spec`."""
    problems = []
    title = page.locator(TITLE).first.text_content().strip()
    if title != t(page_spec.title_key, lang):
        problems.append(f"page title {title!r}, expected {t(page_spec.title_key, lang)!r}")
    nav = page.locator('[data-testid="stSidebarNav"] a')
    labels = {(nav.nth(i).text_content() or "").strip() for i in range(nav.count())}
    # The translated page titles (the file-based fallback lists file names: "recommendations").
    missing = [name for name in (t(spec.title_key, lang) for spec in PAGES)
               if not any(label.endswith(name) for label in labels)]
    if missing or len(labels) != len(PAGES):
        problems.append(f"sidebar lists {sorted(labels)}")
    if page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').count() == 0:
        problems.append("no language selector")
    if page.locator('[data-testid="stMain"] [data-testid="stAlertContentWarning"]').count() == 0:
        problems.append("no data banner")
    if errors := error_texts(page):
        problems.append(f"error {errors[0][:200]}")
    return problems


@pytest.mark.parametrize("plain_streamlit", [False, True], ids=["mirador.serve", "streamlit-run"])
def test_a_deep_link_as_first_request_after_a_start_gets_the_full_app(
        browser, bundled_db, tmp_path, screenshots_dir, plain_streamlit):
    recommendations = next(spec for spec in PAGES if spec.url_path == "recommendations")
    fresh = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(bundled_db)},
                            log_dir=tmp_path, plain_streamlit=plain_streamlit)
    try:
        # First request of this server: a deep link with page state.
        context, page = _first_visit(browser, fresh.url, "/recommendations?c=PER&lang=es", "es")
        problems = _full_app_problems(page, recommendations, "es")
        query = parse_qs(urlparse(page.url).query)
        if query.get("c") != ["PER"]:
            problems.append(f"selection not restored: {page.url}")
        page.screenshot(path=screenshots_dir / f"deep_link_first_request_{'plain' if plain_streamlit else 'serve'}.png")
        context.close()
        assert not problems, "\n".join(problems)
    finally:
        fresh.stop()


def test_a_presentation_deep_link_as_first_request_after_a_start(browser, bundled_db, tmp_path,
                                                                  screenshots_dir):
    """`embed=true` first, on a bare `streamlit run` server: the full app, presented."""
    recommendations = next(spec for spec in PAGES if spec.url_path == "recommendations")
    fresh = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(bundled_db)},
                            log_dir=tmp_path, plain_streamlit=True)
    try:
        context, page = _first_visit(browser, fresh.url, "/recommendations?c=PER&lang=pt&embed=true", "pt")
        problems = _full_app_problems(page, recommendations, "pt")
        if page.locator('[data-testid="stSidebar"]').is_visible():
            problems.append("presentation shows the sidebar")
        page.screenshot(path=screenshots_dir / "deep_link_first_request_embed.png")
        context.close()
        assert not problems, "\n".join(problems)
    finally:
        fresh.stop()


def test_the_overview_has_its_own_address(browser, server):
    context, page = _first_visit(browser, server.url, "/overview?lang=pt", "pt")
    assert page.locator(TITLE).first.text_content().strip() == t("page_overview", "pt")
    assert not error_texts(page)
    # The root forwards to the same page, keeping the query string.
    page.goto(f"{server.url}/?lang=pt&i=autonomy_score")
    page.wait_for_url("**/overview?**")
    wait_for_render(page)
    assert parse_qs(urlparse(page.url).query).get("i") == ["autonomy_score"]
    context.close()
