"""Every page, in each language, in a real Chromium: renders, no error, offline.

Screenshots land in artifacts/screenshots/ for a person to look at.
"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from devtools.browser import PageWatch, error_texts, full_screenshot, wait_for_render

pytestmark = pytest.mark.browser

LANGUAGES = ("es", "pt", "en")
EXPECTED_PAGE_COUNT = 8


def _open(browser, url: str, server_url: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    page = context.new_page()
    requests = PageWatch(server_host=urlparse(server_url).hostname).attach(page)
    page.goto(url)
    wait_for_render(page)
    return context, page, requests


@pytest.fixture(scope="module")
def page_paths(browser, server) -> list[str]:
    """The pages as the navigation lists them (so a new page is tested without edits)."""
    context, page, _ = _open(browser, server.url, server.url)
    links = page.locator('[data-testid="stSidebarNav"] a')
    paths = sorted({urlparse(links.nth(i).get_attribute("href")).path for i in range(links.count())})
    context.close()
    return paths


def test_navigation_lists_every_page(page_paths):
    assert len(page_paths) == EXPECTED_PAGE_COUNT, page_paths


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_renders_offline_without_errors(browser, server, page_paths, screenshots_dir, lang):
    problems = []
    for path in page_paths:
        context, page, requests = _open(browser, f"{server.url}{path}?lang={lang}", server.url)
        slug = path.strip("/") or "overview"
        full_screenshot(page, screenshots_dir / f"{slug}_{lang}.png")
        errors = error_texts(page)
        if errors:
            problems.append(f"{path} [{lang}] shows an error: {errors[0][:300]}")
        if requests.foreign:
            problems.append(f"{path} [{lang}] asked other hosts: {sorted(set(requests.foreign))[:5]}")
        if requests.script_errors:
            problems.append(f"{path} [{lang}] raised in the browser: {requests.script_errors[:3]}")
        if page.locator('[data-testid="stMain"] h1').count() == 0:
            problems.append(f"{path} [{lang}] has no title")
        context.close()
    assert not problems, "\n".join(problems)


def test_titles_follow_the_language(browser, server, page_paths):
    """The same page in es, pt and en must not read the same: the language applied."""
    untranslated = []
    for path in page_paths:
        titles = set()
        for lang in LANGUAGES:
            context, page, _ = _open(browser, f"{server.url}{path}?lang={lang}", server.url)
            titles.add(page.locator('[data-testid="stMain"] h1').first.inner_text().strip())
            context.close()
        if len(titles) < 2:
            untranslated.append((path, titles))
    assert not untranslated, untranslated


def test_maps_draw_from_the_local_topojson(browser, server):
    """The base map must come from the server's own static folder, not a CDN."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    topojson_urls = []
    page.on("request", lambda r: topojson_urls.append(r.url) if "topojson" in r.url or r.url.endswith("_50m.json") or r.url.endswith("_110m.json") else None)
    page.goto(f"{server.url}/?lang=en")
    wait_for_render(page)
    # Every one of the nine countries drawn (in one panel or both), on a drawn land layer.
    drawn_countries = page.locator('[data-testid="stPlotlyChart"] .choroplethlocation')
    assert drawn_countries.count() >= 9, "the overview map should draw the nine countries"
    assert page.locator('[data-testid="stPlotlyChart"] .geolayer .land, [data-testid="stPlotlyChart"] path.land').count() > 0
    assert topojson_urls, "plotly never asked for a base map"
    assert all(url.startswith(server.url) for url in topojson_urls), topojson_urls
    context.close()
