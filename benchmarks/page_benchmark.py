"""Time each dashboard page in headless Chromium, beside a one-chart app in the same run.

Usage: .venv/bin/python benchmarks/page_benchmark.py [--repeats 3] [--lang es]

Two figures per page, each the median of --repeats:
- open: a fresh browser context loads the page's URL (Streamlit's JS, websocket,
  script run, every chart drawn);
- switch: from the overview, a click on the page in the sidebar navigation until the
  page has settled (what a person feels when moving between pages).
"Settled" is devtools.browser.wait_for_render: script finished, no placeholder left,
every plotly chart drawn. The floor is benchmarks/one_chart_app.py measured the same
way (open its first page; switch to its second). Figures only: no test asserts on time.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.browser import REPO_ROOT, launch_browser, start_streamlit, wait_for_render  # noqa: E402
from mirador.navigation import PAGES  # noqa: E402

VIEWPORT = {"width": 1440, "height": 900}


def time_open(browser, url: str) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    started = time.monotonic()
    page.goto(url)
    settled = wait_for_render(page)
    context.close()
    return settled - started


def time_switch(browser, start_url: str, target_path: str) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(start_url)
    wait_for_render(page)
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{target_path}"]')
    started = time.monotonic()
    link.click()
    page.wait_for_url(f"**/{target_path}**")
    settled = wait_for_render(page)
    context.close()
    return settled - started


def page_path(spec) -> str:
    """The default (first) page lives at "/": Streamlit answers its url_path with 'page not found'."""
    return "/" if spec == PAGES[0] else f"/{spec.url_path}"


def median_of(repeats: int, measure) -> float:
    return statistics.median(measure() for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lang", default="es")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "mirador.duckdb"
        subprocess.run([sys.executable, "-m", "etl", "--db", str(db), "-q"], cwd=REPO_ROOT, check=True)
        floor_server = start_streamlit(REPO_ROOT / "benchmarks" / "one_chart_app.py", log_dir=Path(tmp))
        app_server = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(db)},
                                     log_dir=Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = launch_browser(playwright)
                time_open(browser, f"{floor_server.url}/")  # warm the server
                time_open(browser, f"{app_server.url}/?lang={args.lang}")
                floor_open = median_of(args.repeats, lambda: time_open(browser, f"{floor_server.url}/"))
                floor_switch = median_of(args.repeats, lambda: time_switch(
                    browser, f"{floor_server.url}/", "second"))
                print(f"median of {args.repeats}; seconds until the page settled (lang={args.lang})")
                print(f"{'page':<26}{'open s':>8}{'x floor':>9}{'switch s':>10}{'x floor':>9}")
                print(f"{'one-chart app (floor)':<26}{floor_open:>8.2f}{1:>9.1f}{floor_switch:>10.2f}{1:>9.1f}")
                start = f"{app_server.url}/?lang={args.lang}"
                for spec in PAGES:
                    opened = median_of(args.repeats, lambda: time_open(
                        browser, f"{app_server.url}{page_path(spec)}?lang={args.lang}"))
                    if spec == PAGES[0]:
                        switched_text = f"{'-':>10}{'':>9}"
                    else:
                        switched = median_of(args.repeats, lambda: time_switch(browser, start, spec.url_path))
                        switched_text = f"{switched:>10.2f}{switched / floor_switch:>9.1f}"
                    print(f"{spec.url_path:<26}{opened:>8.2f}{opened / floor_open:>9.1f}{switched_text}")
                browser.close()
        finally:
            floor_server.stop()
            app_server.stop()


if __name__ == "__main__":
    main()
