"""Every page, in each language, in a real Chromium: renders, no error, offline.

Screenshots land in artifacts/screenshots/<page>_<lang>.png for a person to look at.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from devtools.browser import PageWatch, error_texts, full_screenshot, wait_for_render
from mirador.navigation import PAGES

pytestmark = pytest.mark.browser

LANGUAGES = ("es", "pt", "en")
TITLE = '[data-testid="stMain"] h1'


def _open(browser, url: str, server_url: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    page = context.new_page()
    watch = PageWatch(server_host=urlparse(server_url).hostname).attach(page)
    page.goto(url)
    wait_for_render(page)
    return context, page, watch


def test_navigation_lists_every_registered_page(browser, server):
    context, page, _ = _open(browser, f"{server.url}/?lang=en", server.url)
    links = page.locator('[data-testid="stSidebarNav"] a')
    paths = {urlparse(links.nth(i).get_attribute("href")).path.strip("/") for i in range(links.count())}
    context.close()
    # The default page may be linked as "/" rather than by its url_path.
    assert paths - {""} <= {spec.url_path for spec in PAGES}
    assert len(paths) == len(PAGES), paths


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_page_renders_offline_in_each_language(browser, server, screenshots_dir, spec):
    problems, titles = [], {}
    for lang in LANGUAGES:
        # The default page lives at "/" (its url_path answers "page not found").
        path = "/" if spec == PAGES[0] else f"/{spec.url_path}"
        context, page, watch = _open(browser, f"{server.url}{path}?lang={lang}", server.url)
        full_screenshot(page, screenshots_dir / f"{spec.url_path}_{lang}.png")
        errors = error_texts(page)
        if errors:
            problems.append(f"[{lang}] shows an error: {errors[0][:300]}")
        if watch.foreign:
            problems.append(f"[{lang}] asked other hosts: {sorted(set(watch.foreign))[:5]}")
        if watch.script_errors:
            problems.append(f"[{lang}] raised in the browser: {watch.script_errors[:3]}")
        if page.locator(TITLE).count() == 0:
            problems.append(f"[{lang}] has no title")
        else:
            titles[lang] = page.locator(TITLE).first.inner_text().strip()
        context.close()
    assert not problems, "\n".join(problems)
    # The same page in es, pt and en must not read the same: the language applied.
    assert len(set(titles.values())) >= 2, titles


def test_maps_draw_from_the_local_topojson(browser, server):
    """The base map must come from the server's own static folder, not a CDN."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    base_maps = []
    page.on("request", lambda r: base_maps.append(r.url) if r.url.endswith(("_50m.json", "_110m.json")) else None)
    page.goto(f"{server.url}/?lang=en")
    wait_for_render(page)
    # Every one of the nine countries drawn (in one panel or both), on a drawn land layer.
    drawn_countries = page.locator('[data-testid="stPlotlyChart"] .choroplethlocation')
    assert drawn_countries.count() >= 9, "the overview map should draw the nine countries"
    assert page.locator('[data-testid="stPlotlyChart"] path.land, [data-testid="stPlotlyChart"] .land').count() > 0
    assert base_maps, "plotly never asked for a base map"
    assert all(url.startswith(server.url) for url in base_maps), base_maps
    context.close()


def test_a_shared_link_opens_the_same_view(browser, server):
    """An APT presenter pastes a link: page, language, topic, mode and year come back."""
    url = f"{server.url}/resources?lang=pt&t=visits&rel=0&y=2017"
    context, page, _ = _open(browser, url, server.url)
    query = parse_qs(urlparse(page.url).query)
    assert query.get("lang") == ["pt"] and query.get("y") == ["2017"] and query.get("t") == ["visits"]
    assert page.locator(TITLE).first.inner_text().strip() == "Recursos"
    chart_titles = page.locator('[data-testid="stPlotlyChart"] .gtitle').evaluate_all(
        "titles => titles.map(t => t.textContent)")
    assert any("2017" in title for title in chart_titles), chart_titles
    context.close()


def test_switching_pages_keeps_the_language(browser, server):
    context, page, _ = _open(browser, f"{server.url}/?lang=pt", server.url)
    page.locator('[data-testid="stSidebarNav"] a[href$="/autonomy"]').click()
    page.wait_for_url("**/autonomy**")
    wait_for_render(page)
    assert page.locator(TITLE).first.inner_text().strip() == "Autonomia"
    assert parse_qs(urlparse(page.url).query).get("lang") == ["pt"]
    context.close()
