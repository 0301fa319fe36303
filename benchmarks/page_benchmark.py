"""Time each dashboard page to render in headless Chromium, beside a one-chart page.

Usage: .venv/bin/python benchmarks/page_benchmark.py [--repeats 3] [--lang es]

Each figure is the wall time from navigation to 'script finished and every plotly
chart drawn' (devtools.browser.wait_for_render), first visit (cold cache) and the
median of repeat visits (warm cache), printed beside the same measure for
benchmarks/one_chart_page.py served the same way in the same run.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.browser import REPO_ROOT, launch_browser, start_streamlit, wait_for_render  # noqa: E402


def time_visit(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    wait_for_render(page)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def measure(browser, url: str, repeats: int) -> tuple[float, float]:
    cold = time_visit(browser, url)
    warm = [time_visit(browser, url) for _ in range(repeats)]
    return cold, statistics.median(warm)


def page_paths(browser, server_url: str) -> list[str]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server_url)
    wait_for_render(page)
    links = page.locator('[data-testid="stSidebarNav"] a')
    paths = [urlparse(links.nth(i).get_attribute("href")).path for i in range(links.count())]
    context.close()
    return list(dict.fromkeys(paths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lang", default="es")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "mirador.duckdb"
        subprocess.run([sys.executable, "-m", "etl", "--db", str(db)], cwd=REPO_ROOT, check=True,
                       capture_output=True)
        floor_server = start_streamlit(REPO_ROOT / "benchmarks" / "one_chart_page.py", log_dir=Path(tmp))
        app_server = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(db)},
                                     log_dir=Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = launch_browser(playwright)
                floor_cold, floor_warm = measure(browser, f"{floor_server.url}/", args.repeats)
                print(f"{'page':<28}{'first visit s':>14}{'repeat s':>10}{'x floor':>9}")
                print(f"{'one-chart page (floor)':<28}{floor_cold:>14.2f}{floor_warm:>10.2f}{1:>9.1f}")
                for path in page_paths(browser, app_server.url):
                    cold, warm = measure(browser, f"{app_server.url}{path}?lang={args.lang}", args.repeats)
                    name = path.strip("/") or "overview"
                    print(f"{name:<28}{cold:>14.2f}{warm:>10.2f}{warm / floor_warm:>9.1f}")
                browser.close()
        finally:
            floor_server.stop()
            app_server.stop()


if __name__ == "__main__":
    main()
