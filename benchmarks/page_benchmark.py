"""Time each dashboard page in headless Chromium, beside a one-chart app in the same run.

Usage: .venv/bin/python benchmarks/page_benchmark.py [--repeats 3] [--lang es] [--markdown]
           [--db PATH] [--size-db PATH]

Figures per page, each the median of --repeats (issue #11: switch and cold open within
1.5x the floor's):
- switch: from the overview, a click on the page in the sidebar navigation until the page
  has settled (what a person feels when moving between pages);
- script: the page's server-side script run alone (AppTest, warm caches, no browser), and
  browser: the rest of the switch (switch - script: messages, layout, plotly drawing). The
  browser draws each chart as it arrives, so the end of the run as the browser sees it
  (printed as "run end") already includes most of the drawing;
- open: a fresh browser context loads the page's URL (a cold deep link: Streamlit's JS,
  websocket, script run, every chart drawn);
- from methods: the same switch, but from Methods (no chart: a reader who opened a shared
  link to it), so any element code the overview had already loaded is not there yet.
"Settled": the script run that the click (or the load) started has ended, no element of
the previous page is left (Streamlit marks them stale), nothing is a placeholder, every
plotly chart has drawn and nothing in the main area has changed for half a second; the time
taken is that of the main area's last change (a chart's second drawing pass, plotly's
automargin, comes after its first layer is there; a grid's hidden text for screen readers,
inside its canvas, is not counted). The floor is
benchmarks/one_chart_app.py measured the same way (open its first page; switch to its
second). Figures only: no test asserts on time.

Each page is measured as a reader meets it: on its first section tab (components.section_tabs;
the other tabs and every "show data" table are built only when opened), share box closed.

The dashboard reads the bundled data (built into a temporary file) or `--db`. With
`--size-db` (e.g. a database of `python -m etl.generate --institutions 80 --recommendations
1000000`), a second server on that database is measured beside each page too (switch and
script run; issue #11: within 1.2x of the bundled data's), and a second table compares them.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devtools.browser import REPO_ROOT, launch_browser, start_streamlit  # noqa: E402
from mirador.navigation import PAGES  # noqa: E402
from tables import print_table  # noqa: E402

VIEWPORT = {"width": 1440, "height": 900}
METHODS = "methods"  # a page without a chart, the start of the "from methods" switch
QUIET_S = 0.5
TIMEOUT_S = 60

# Installed in every document before its scripts: notes (in the page's own clock) when a
# script run starts and ends, read from Streamlit's `data-test-script-state` on stApp.
WATCH_RUNS_JS = """() => {
  window.__runs = {started: null, ended: null};
  const note = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    if (state === 'running') { window.__runs.started = performance.now(); window.__runs.ended = null; }
    else if (state === 'notRunning' && window.__runs.started !== null && window.__runs.ended === null)
      window.__runs.ended = performance.now();
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, attributes: true,
                                                attributeFilter: ['data-test-script-state']});
  // The last change to the page's main area (elements, text or attributes): a chart that is
  // drawn a second time (plotly's automargin pass) is still being drawn, though its first layer
  // is there. Not what a grid keeps inside its <canvas> (for screen readers, never drawn; it is
  // written ~0.3 s after the grid is shown).
  window.__lastChange = 0;
  new MutationObserver(records => {
    if (records.some(r => { const n = r.target.nodeType === 1 ? r.target : r.target.parentElement;
                            return n && n.closest('[data-testid="stMain"]') && !n.closest('canvas'); }))
      window.__lastChange = performance.now();
  }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
}"""
WATCH_RUNS_INIT = f"({WATCH_RUNS_JS})();"

# Busy until the new page's title is drawn (a switch: another title than before the click),
# while Streamlit says a run is going, while any element of the previous run is stale, or
# while a chart, skeleton or spinner waits to be drawn. A very short run may never show as
# "running" (React batches the two states): then its end is when the new title was seen.
BUSY_JS = """([mark, oldTitle]) => {
  const runs = window.__runs || {};
  const count = s => document.querySelectorAll(s).length;
  const app = document.querySelector('[data-testid="stApp"]');
  const title = document.querySelector('[data-testid="stMain"] h1');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const undrawn = charts.filter(c => !c.querySelector('.main-svg')).length;
  const running = !app || app.getAttribute('data-test-script-state') !== 'notRunning'
                  || (runs.started !== null && runs.started >= mark && runs.ended === null);
  const newPage = title !== null && title.textContent !== oldTitle;
  if (newPage && !running && window.__shown === undefined) window.__shown = performance.now();
  const ended = runs.started !== null && runs.started >= mark ? runs.ended : window.__shown;
  return {now: performance.now(), runEnded: ended, charts: charts.length, lastChange: window.__lastChange || 0,
          busy: (running || !newPage ? 1 : 0) + count('[data-stale="true"]')
                + count('[data-testid="stSkeleton"]') + count('[data-testid="stSpinner"]') + undrawn};
}"""


def settle(page, mark_ms: float, old_title: str | None = None) -> tuple[float, float]:
    """(seconds from `mark_ms` until the run ended, until the page settled), page clock."""
    deadline = time.monotonic() + TIMEOUT_S
    settled_at, seen = None, None
    while time.monotonic() < deadline:
        state = page.evaluate(BUSY_JS, [mark_ms, old_title])
        if state["busy"] or (seen and state["charts"] != seen["charts"]):
            settled_at, seen = None, None
        elif settled_at is None:
            settled_at, seen = max(state["lastChange"], mark_ms), state
        elif state["lastChange"] > settled_at:  # still drawing: settled once it has stopped
            settled_at = state["lastChange"]
        elif state["now"] - settled_at > QUIET_S * 1000:
            return (seen["runEnded"] - mark_ms) / 1000, (settled_at - mark_ms) / 1000
        time.sleep(0.05)
    raise TimeoutError(f"page did not settle within {TIMEOUT_S}s: {page.url} {state} "
                       f"{page.evaluate('window.__runs')} mark={mark_ms}")


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WATCH_RUNS_INIT)
    return context, context.new_page()


def time_open(browser, url: str) -> dict:
    """A cold deep link: from the navigation's start (page clock 0) to settled."""
    context, page = new_page(browser)
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_S * 1000)
    run, total = settle(page, 0.0)
    context.close()
    return {"open": total, "open_run": run}


def time_switch(browser, start_url: str, target_path: str) -> dict:
    context, page = new_page(browser)
    page.goto(start_url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_S * 1000)
    settle(page, 0.0)
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{target_path}"]')
    old_title = page.locator('[data-testid="stMain"] h1').first.text_content()
    mark = page.evaluate("() => { window.__shown = undefined; return performance.now(); }")
    link.click()
    run, total = settle(page, mark, old_title)
    context.close()
    return {"switch": total, "run": run, "draw": total - run}


def page_path(spec) -> str:
    """The default (first) page lives at "/": Streamlit answers its url_path with 'page not found'."""
    return "/" if spec == PAGES[0] else f"/{spec.url_path}"


def medians(repeats: int, measure) -> dict:
    runs = [measure() for _ in range(repeats)]
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


SCRIPT_TIMER = r"""
import json, statistics, sys, time
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.query_params["lang"] = sys.argv[2]
at.run()
out = {}
for path in sys.argv[4:]:
    times = []
    for _ in range(int(sys.argv[3]) + 1):  # the first run fills the caches
        started = time.perf_counter()
        at.switch_page(path).run()
        times.append(time.perf_counter() - started)
    out[path] = statistics.median(times[1:])
print(json.dumps(out))
"""


def script_seconds(db: Path, lang: str, repeats: int) -> dict[str, float]:
    """Each page's server-side script run alone (AppTest, warm caches), in a subprocess."""
    import json
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT_TIMER, str(REPO_ROOT / "dashboard.py"), lang, str(repeats),
         *[spec.path for spec in PAGES]],
        cwd=REPO_ROOT, env={**os.environ, "MIRADOR_DB": str(db)}, capture_output=True, text=True,
        check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, load average "
            f"{load:.1f} at the start; python {platform.python_version()}, headless Chromium")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lang", default="es")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table too")
    parser.add_argument("--db", type=Path, help="database to measure (default: the bundled data, built)")
    parser.add_argument("--size-db", type=Path, help="a larger database measured beside it")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    print(machine())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "mirador.duckdb"
        if not args.db:
            subprocess.run([sys.executable, "-m", "etl", "--db", str(db), "-q"], cwd=REPO_ROOT, check=True)
        floor_server = start_streamlit(REPO_ROOT / "benchmarks" / "one_chart_app.py", log_dir=Path(tmp))
        app_server = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(db)},
                                     log_dir=Path(tmp))
        size_server = (start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(args.size_db)},
                                       log_dir=Path(tmp)) if args.size_db else None)
        sized = {}
        try:
            with sync_playwright() as playwright:
                browser = launch_browser(playwright)
                time_open(browser, f"{floor_server.url}/")  # warm both servers
                time_open(browser, f"{app_server.url}/?lang={args.lang}")
                start = f"{app_server.url}/?lang={args.lang}"
                size_start = size_server and f"{size_server.url}/?lang={args.lang}"
                if size_server:
                    time_open(browser, size_start)
                # Floor and dashboard alternate page by page, so a busy spell hits both alike.
                for spec in PAGES:
                    floor = {**medians(args.repeats, lambda: time_open(browser, f"{floor_server.url}/")),
                             **medians(args.repeats, lambda: time_switch(browser, f"{floor_server.url}/",
                                                                         "second"))}
                    app = medians(args.repeats, lambda: time_open(
                        browser, f"{app_server.url}{page_path(spec)}?lang={args.lang}"))
                    if spec != PAGES[0]:
                        app |= medians(args.repeats, lambda: time_switch(browser, start, spec.url_path))
                        if size_server:
                            sized[spec.path] = medians(
                                args.repeats, lambda: time_switch(browser, size_start, spec.url_path))
                    if spec.url_path != METHODS:
                        app["from_methods"] = medians(args.repeats, lambda: time_switch(
                            browser, f"{app_server.url}/{METHODS}?lang={args.lang}", spec.url_path))["switch"]
                    rows.append((spec, floor, app))
                browser.close()
        finally:
            for server in (floor_server, app_server, size_server):
                if server:
                    server.stop()
        scripts = script_seconds(db, args.lang, args.repeats)
        size_scripts = script_seconds(args.size_db, args.lang, args.repeats) if args.size_db else {}

    print(f"median of {args.repeats}; seconds (lang={args.lang}); floor measured beside each page")
    header = ["page", "floor switch", "switch", "x floor", "script", "browser", "run end",
              "floor open", "open", "x floor", "from methods", "x floor"]
    table = []
    for spec, floor, app in rows:
        switched = app.get("switch")
        table.append([
            spec.url_path, f"{floor['switch']:.2f}",
            f"{switched:.2f}" if switched else "-",
            f"{switched / floor['switch']:.1f}" if switched else "-",
            f"{scripts[spec.path]:.2f}",
            f"{switched - scripts[spec.path]:.2f}" if switched else "-",
            f"{app['run']:.2f}" if switched else "-",
            f"{floor['open']:.2f}", f"{app['open']:.2f}", f"{app['open'] / floor['open']:.1f}",
            *((f"{app['from_methods']:.2f}", f"{app['from_methods'] / floor['switch']:.1f}")
              if "from_methods" in app else ("-", "-"))])
    print_table(header, table, args.markdown)
    if args.size_db:
        print()
        print(f"{db.name if args.db else 'bundled data'} vs {args.size_db}: median of {args.repeats}; "
              "seconds; target: each within 1.2x")
        print_table(*size_table(rows, scripts, sized, size_scripts), args.markdown)


def size_table(rows, scripts: dict, sized: dict, size_scripts: dict) -> tuple[list, list]:
    header = ["page", "script", "script large", "x", "switch", "switch large", "x"]
    table = []
    for spec, _floor, app in rows:
        small, large = scripts[spec.path], size_scripts[spec.path]
        switch = app.get("switch")
        large_switch = sized.get(spec.path, {}).get("switch")
        table.append([spec.url_path, f"{small:.3f}", f"{large:.3f}", f"{large / small:.2f}",
                      f"{switch:.2f}" if switch else "-", f"{large_switch:.2f}" if large_switch else "-",
                      f"{large_switch / switch:.2f}" if switch and large_switch else "-"])
    return header, table


if __name__ == "__main__":
    main()
