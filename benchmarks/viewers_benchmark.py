"""Many viewers: 1 session, then 50 concurrent sessions cycling through the pages.

Usage: .venv/bin/python benchmarks/viewers_benchmark.py [--sessions 50] [--cycles 3]
       [--think 10] [--lang es] [--browsers 1] [--replicas 1] [--post-script-gc on|off]
       [--markdown]

Issue #11's target: p95 page-switch time with 50 sessions within 3x one session's, no
error, added server memory at most 20 MB per session, and a rebuild of the database in the
middle of the run shows the new data to every session without an error.

How it is measured:
- Sessions are `devtools.ws_client.Session`: Streamlit's browser protocol over the
  websocket, no browser (50 Chromium pages do not fit on 2 cores). A switch is timed from
  sending the sidebar click's rerun to receiving its `script_finished`: the server side of
  a switch (script run + messages). Browser drawing is NOT included; `--browsers` real
  Chromium tabs switch pages beside the sessions and their switch (to the last chart drawn,
  as in page_benchmark.py) is printed apart.
- Before timing, a Chromium tab and a client session each go once through the pages and
  their received messages are compared (elements, charts, page title), so the client is
  known to get what a browser gets.
- One session: `--cycles` rounds of the eight pages, a short pause between switches (the
  server idle otherwise). Fifty sessions: each opens the overview (starts spread over the
  first `--think` seconds), then goes through the pages from its own starting page,
  waiting `--think` seconds (+-50%, a person reading) between switches.
- Errors: an exception element, an error box, a compile error, page not found, a run that
  does not finish, a closed socket, or a page whose title is not the one asked for.
- Replicas (`--replicas N`): N server processes on the same database file, each warmed by
  one pass through the pages. deploy/compose.yaml puts HAProxy in front of them (cookie-sticky,
  `balance leastconn`); it cannot run here (no docker daemon), so the benchmark does what it
  would do with sessions that stay connected: session i (and Chromium tab i) goes to process
  i mod N and stays there. The one-session baseline runs on the first process.
- Memory: RSS of the server processes' trees (psutil, summed over replicas) after the warm-up
  with no session open, and with all sessions connected at the end; per session = difference
  / sessions.
- Rebuild: once half of all switches are done, `python -m etl --source <copy of
  data/input with Chile's 2025 NPM staff changed> --db <the served database>`. Every
  session's next overview run after the load must show the new figure, none the old one.
- The server runs with Streamlit's source-file watcher off (`--watch-files` keeps it): the
  scenario is readers and a data rebuild, not code edits. With the watcher on, an edit to a
  `mirador/` file during the run (e.g. someone working in the same checkout) makes Streamlit
  drop the changed modules from `sys.modules` while other sessions' scripts import them:
  those runs fail with `KeyError: 'mirador'` / `ImportError` (seen in a run here).
Figures only: no test asserts on time.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devtools.browser import REPO_ROOT, launch_browser, start_streamlit  # noqa: E402
from devtools.ws_client import PageRun, Session, summarize_frames  # noqa: E402
import tables  # noqa: E402

PAGES = ("overview", "resources", "autonomy", "recommendations", "profile", "compare", "progress",
         "methods")
CHANGED = ("CHL", "2025", "npm_staff")  # the value the rebuild changes (overview's Chile card)
STAFF_DELTA = 44
SINGLE_PAUSE_S = 0.3
MB = 1024 * 1024


# ------------------------------------------------------------------------------ the server
def _tree(pids: list[int]) -> list[psutil.Process]:
    processes = []
    for pid in pids:
        root = psutil.Process(pid)
        processes += [root, *root.children(recursive=True)]
    return processes


def tree_rss(pids: list[int]) -> int:
    """RSS of the server processes and their children, summed."""
    total = 0
    for process in _tree(pids):
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def tree_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for process in _tree(pids):
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def thread_cpu_seconds(pids: list[int]) -> tuple[float, float]:
    """(the servers' main threads, their other threads) CPU seconds so far, summed. A main
    thread runs the event loop (websockets, sending each run's messages); script runs happen
    in short-lived ScriptRunner threads, whose time stays in the process total after they end."""
    main_total, other_total = 0.0, 0.0
    for pid in pids:
        process = psutil.Process(pid)
        times = process.cpu_times()
        main = next((t.user_time + t.system_time for t in process.threads() if t.id == pid), 0.0)
        main_total, other_total = main_total + main, other_total + times.user + times.system - main
    return main_total, other_total


def changed_input(tmp: Path) -> tuple[Path, int, int]:
    """A copy of data/input with Chile's 2025 NPM staff moved by STAFF_DELTA: (folder, old, new)."""
    folder = tmp / "input_changed"
    shutil.copytree(REPO_ROOT / "data" / "input", folder)
    path = folder / "observations.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    iso3, year, indicator = (header.index(c) for c in ("iso3", "year", "indicator_id"))
    value = header.index("value")
    for row in rows[1:]:
        if (row[iso3], row[year], row[indicator]) == CHANGED:
            old = int(float(row[value]))
            row[value] = str(old + STAFF_DELTA)
            break
    else:
        raise RuntimeError(f"{CHANGED} not in data/input/observations.csv")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return folder, old, old + STAFF_DELTA


def chile_staff_shows(run: PageRun, staff: int) -> bool:
    """The overview's Chile card shows `staff` as the NPM staff figure (bold, maybe with †)."""
    return any(f"**{staff} †" in text or f"**{staff} (" in text or f"**{staff}**" in text
               for text in run.texts)


# ------------------------------------------------------------------------------ Chromium
def chromium_page_runs(url: str, lang: str) -> dict[str, PageRun]:
    """What a real browser receives for each page reached through the sidebar."""
    from playwright.sync_api import sync_playwright

    from page_benchmark import new_page, settle

    runs: dict[str, PageRun] = {}
    frames: list[bytes] = []
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        context, page = new_page(browser)
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: frames.append(payload) if isinstance(payload, bytes) else None))
        page.goto(f"{url}/{PAGES[0]}?lang={lang}")
        page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
        settle(page, 0.0)
        runs[PAGES[0]] = summarize_frames(frames)[-1]
        for target in [*PAGES[1:], PAGES[0]]:
            frames.clear()
            old_title = page.locator('[data-testid="stMain"] h1').first.text_content()
            mark = page.evaluate("() => { window.__shown = undefined; return performance.now(); }")
            page.locator(f'[data-testid="stSidebarNav"] a[href$="/{target}"]').click()
            settle(page, mark, old_title)
            runs[target] = summarize_frames(frames)[-1]
        context.close()
        browser.close()
    return runs


def chromium_viewer(url: str, lang: str, stop: threading.Event, switches: list[tuple[str, float]],
                    errors: list[str], think_s: float, max_switches: int) -> None:
    """A real tab switching pages through the sidebar until `stop`: (page, seconds to settled)."""
    from playwright.sync_api import sync_playwright

    from page_benchmark import new_page, settle

    try:
        with sync_playwright() as playwright:
            browser = launch_browser(playwright)
            context, page = new_page(browser)
            page.goto(f"{url}/{PAGES[0]}?lang={lang}")
            page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
            settle(page, 0.0)
            step = 0
            while not stop.is_set() and len(switches) < max_switches:
                target = PAGES[1:][step % (len(PAGES) - 1)] if step % 2 == 0 else PAGES[0]
                step += 1
                old_title = page.locator('[data-testid="stMain"] h1').first.text_content()
                mark = page.evaluate("() => { window.__shown = undefined; return performance.now(); }")
                page.locator(f'[data-testid="stSidebarNav"] a[href$="/{target}"]').click()
                _, total = settle(page, mark, old_title)
                switches.append((target, total))
                stop.wait(think_s)
            context.close()
            browser.close()
    except Exception as error:  # a failed tab is a finding, not a crash of the benchmark
        errors.append(f"chromium: {type(error).__name__}: {str(error)[:200]}")


# ------------------------------------------------------------------------------ sessions
@dataclass
class Viewer:
    index: int
    runs: list[PageRun] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def switches(self) -> list[PageRun]:
        return self.runs[1:]


def page_order(start: int, cycles: int) -> list[str]:
    """Switches after opening the overview: `cycles` rounds of the pages from `start` on
    (from the page after the overview when `start` is 0), ending on the overview."""
    first = start or 1
    order = [PAGES[(first + k) % len(PAGES)] for k in range(cycles * len(PAGES))]
    # Every session ends on the overview, so each one is checked after the midway rebuild.
    return order if order[-1] == PAGES[0] else [*order, PAGES[0]]


async def view(url: str, viewer: Viewer, order: list[str], lang: str, pause, start_delay: float,
               progress: dict) -> None:
    await asyncio.sleep(start_delay)
    try:
        async with Session(url, lang) as session:
            viewer.runs.append(await session.open(PAGES[0]))
            for target in order:
                await asyncio.sleep(pause())
                viewer.runs.append(await session.switch(target))
                progress["done"] += 1
                progress["event"].set()
            progress["connected_at_end"].append(viewer.index)
            await progress["release"].wait()  # stay connected until memory is read
    except Exception as error:
        viewer.failures.append(f"session {viewer.index}: {type(error).__name__}: {str(error)[:200]}")


async def rebuild_midway(db: Path, source: Path, progress: dict, half: int, record: dict) -> None:
    while progress["done"] < half:
        progress["event"].clear()
        await progress["event"].wait()
    record["started"] = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "etl", "--source", str(source), "--db", str(db), "-q", cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    record["ended"] = time.monotonic()
    record["exit_code"] = process.returncode
    record["output"] = output.decode(errors="replace")[-500:]


async def sample_memory(pids: list[int], stop: asyncio.Event, samples: list[int]) -> None:
    while not stop.is_set():
        samples.append(tree_rss(pids))
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except TimeoutError:
            pass


async def many_sessions(urls: list[str], pids: list[int], args, db: Path, source: Path) -> dict:
    rng = random.Random(11)
    viewers = [Viewer(i) for i in range(args.sessions)]
    orders = [page_order(i % len(PAGES), args.cycles) for i in range(args.sessions)]
    progress = {"done": 0, "event": asyncio.Event(), "release": asyncio.Event(), "connected_at_end": []}
    rebuild: dict = {}
    stop_sampling, memory_samples = asyncio.Event(), []
    total_switches = sum(len(order) for order in orders)
    sampler = asyncio.create_task(sample_memory(pids, stop_sampling, memory_samples))
    rebuilder = asyncio.create_task(rebuild_midway(db, source, progress, total_switches // 2, rebuild))
    cpu_before, threads_before, started = tree_cpu_seconds(pids), thread_cpu_seconds(pids), time.monotonic()
    # Sticky sessions: viewer i on replica i mod N for its whole visit (see the docstring).
    tasks = [asyncio.create_task(view(urls[viewer.index % len(urls)], viewer, order, args.lang,
                                      lambda: args.think * rng.uniform(0.5, 1.5),
                                      rng.uniform(0, args.think), progress))
             for viewer, order in zip(viewers, orders)]
    while len(progress["connected_at_end"]) + sum(bool(v.failures) for v in viewers) < len(viewers):
        await asyncio.sleep(0.5)
    wall, cpu = time.monotonic() - started, tree_cpu_seconds(pids) - cpu_before
    loop_cpu, other_cpu = (after - before for after, before in zip(thread_cpu_seconds(pids), threads_before))
    rss_connected = tree_rss(pids)
    progress["release"].set()
    await asyncio.gather(*tasks)
    await rebuilder
    stop_sampling.set()
    await sampler
    await asyncio.sleep(3)  # let the server drop the sessions
    return {"viewers": viewers, "rebuild": rebuild, "rss_connected": rss_connected,
            "rss_peak": max(memory_samples), "rss_after_close": tree_rss(pids), "wall": wall,
            "cpu": cpu, "loop_cpu": loop_cpu, "other_cpu": other_cpu}


async def one_session(url: str, lang: str, cycles: int) -> Viewer:
    viewer = Viewer(0)
    async with Session(url, lang) as session:
        viewer.runs.append(await session.open(PAGES[0]))
        for target in page_order(0, cycles):
            await asyncio.sleep(SINGLE_PAUSE_S)
            viewer.runs.append(await session.switch(target))
    return viewer


async def client_page_runs(url: str, lang: str) -> dict[str, PageRun]:
    async with Session(url, lang) as session:
        runs = {PAGES[0]: await session.open(PAGES[0])}
        for target in [*PAGES[1:], PAGES[0]]:
            runs[target] = await session.switch(target)
    return runs


# ------------------------------------------------------------------------------ figures
def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = share * (len(ordered) - 1)
    low, high = int(rank), min(int(rank) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def run_errors(runs: list[PageRun]) -> list[str]:
    found = []
    for run in runs:
        found += [f"{run.url_path}: {e}" for e in run.errors]
        if run.seconds is not None and not run.title_ok:
            found.append(f"{run.url_path}: title {run.title!r}, expected {run.expected_title!r}")
    return found


def fidelity_rows(browser: dict[str, PageRun], client: dict[str, PageRun]) -> list[list[str]]:
    rows = []
    for page in PAGES:
        b, c = browser[page], client[page]
        same = b.charts == c.charts and b.headings == c.headings and b.main_counts == c.main_counts
        rows.append([page, str(sum(b.main_counts.values())), str(sum(c.main_counts.values())),
                     str(b.charts), str(c.charts),
                     "yes" if c.title_ok and c.title == b.title else f"no ({c.title!r} vs {b.title!r})",
                     "yes" if same else "no"])
    return rows


def print_table(header: list[str], rows: list[list[str]], markdown: bool) -> None:
    tables.print_table(header, rows, markdown)
    print()


def machine() -> str:
    load = os.getloadavg()
    memory = psutil.virtual_memory().total / 1024 ** 3
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, {memory:.0f} GB RAM, "
            f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) at the start; "
            f"python {platform.python_version()}")


def per_page(runs: list[PageRun]) -> dict[str, list[float]]:
    pages: dict[str, list[float]] = {}
    for run in runs:
        if run.seconds is not None:
            pages.setdefault(run.url_path, []).append(run.seconds)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--think", type=float, default=10.0,
                        help="mean seconds a viewer stays on a page with many sessions (+-50%%)")
    parser.add_argument("--lang", default="es")
    parser.add_argument("--browsers", type=int, default=1, help="real Chromium tabs beside the sessions")
    parser.add_argument("--replicas", type=int, default=1,
                        help="server processes on the same database, sessions spread over them "
                             "as deploy/compose.yaml's sticky HAProxy would (see above)")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables too")
    parser.add_argument("--watch-files", action="store_true",
                        help="keep Streamlit's source-file watcher on (off by default: see above)")
    parser.add_argument("--post-script-gc", choices=("on", "off"),
                        help="force Streamlit's full garbage collection after each script run on "
                             "or off (runner.postScriptGC); default: as .streamlit/config.toml says")
    args = parser.parse_args()

    print(machine())
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "mirador.duckdb"
        subprocess.run([sys.executable, "-m", "etl", "--db", str(db), "-q"], cwd=REPO_ROOT, check=True)
        source, old_staff, new_staff = changed_input(tmp)
        env = {"MIRADOR_DB": str(db)}
        if not args.watch_files:
            env["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
        if args.post_script_gc:  # the environment outranks config.toml
            env["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = "true" if args.post_script_gc == "on" else "false"
            print(f"runner.postScriptGC forced {args.post_script_gc}")
        servers = []
        try:
            for _ in range(args.replicas):
                servers.append(start_streamlit(REPO_ROOT / "dashboard.py", env=env, log_dir=tmp))
            report(servers, db, source, old_staff, new_staff, args)
        finally:
            for server in servers:
                server.stop()


def report(servers, db: Path, source: Path, old_staff: int, new_staff: int, args) -> None:
    server, pids, urls = servers[0], [s.process.pid for s in servers], [s.url for s in servers]
    if len(servers) > 1:
        print(f"{len(servers)} server processes on one database; HAProxy (deploy/compose.yaml) cannot "
              f"run here (no docker daemon): session i and Chromium tab i go to process i mod "
              f"{len(servers)} and stay there, as its sticky cookie keeps them.")
    # 1. The client gets what a browser gets (this also warms the first server's caches).
    browser_runs = chromium_page_runs(server.url, args.lang)
    client_runs = asyncio.run(client_page_runs(server.url, args.lang))
    for other in urls[1:]:  # every replica warmed the same way (its own caches)
        asyncio.run(client_page_runs(other, args.lang))
    # The sidebar's share box is redrawn on each URL write and the server's queue merges
    # redraws not yet sent, so its count varies run to run (browser or not): main area only.
    print("Client vs Chromium, one run of each page reached through the sidebar "
          "(main-area elements, plotly charts, page title, each element type's count):")
    print_table(["page", "elements chromium", "elements client", "charts chromium", "charts client",
                 "title", "same elements"], fidelity_rows(browser_runs, client_runs), args.markdown)
    if not chile_staff_shows(client_runs[PAGES[0]], old_staff):
        print(f"WARNING: the overview does not show Chile's staff {old_staff}: the rebuild check cannot work")

    # 2. One session, then one Chromium tab alone (its baseline).
    single = asyncio.run(one_session(server.url, args.lang, args.cycles))
    stop, tab_alone, tab_errors = threading.Event(), [], []
    if args.browsers:
        chromium_viewer(server.url, args.lang, stop, tab_alone, tab_errors, SINGLE_PAUSE_S,
                        max_switches=len(PAGES) * 2)
    rss_before = tree_rss(pids)

    # 3. Many sessions, a rebuild halfway, Chromium tabs beside them.
    stop, tab_busy, threads = threading.Event(), [], []
    for tab in range(args.browsers):
        thread = threading.Thread(target=chromium_viewer, args=(
            urls[tab % len(urls)], args.lang, stop, tab_busy, tab_errors, args.think, 10 ** 6), daemon=True)
        thread.start()
        threads.append(thread)
    many = asyncio.run(many_sessions(urls, pids, args, db, source))
    stop.set()
    for thread in threads:
        thread.join(timeout=120)

    summarize(args, single, many, rss_before, tab_alone, tab_busy, tab_errors, old_staff, new_staff)


def rebuild_findings(many: dict, old_staff: int, new_staff: int) -> tuple[int, int, list[str]]:
    """(sessions that saw the new figure on their next overview, sessions checked, problems)."""
    rebuild, problems = many["rebuild"], []
    if rebuild.get("exit_code") != 0:
        problems.append(f"rebuild exit code {rebuild.get('exit_code')}: {rebuild.get('output')}")
        return 0, 0, problems
    seen, checked = 0, 0
    for viewer in many["viewers"]:
        later = [run for run in viewer.runs if run.url_path == PAGES[0] and run.started > rebuild["ended"]]
        if not later:
            continue
        checked += 1
        if chile_staff_shows(later[0], new_staff):
            seen += 1
        else:
            problems.append(f"session {viewer.index}: overview after the rebuild does not show {new_staff}")
        stale = [run for run in later if chile_staff_shows(run, old_staff)]
        if stale:
            problems.append(f"session {viewer.index}: {len(stale)} overview run(s) after the rebuild show "
                            f"the old {old_staff}")
    return seen, checked, problems


def summarize(args, single: Viewer, many: dict, rss_before: int, tab_alone, tab_busy, tab_errors,
              old_staff: int, new_staff: int) -> None:
    one = [run.seconds for run in single.switches if run.seconds is not None]
    viewers = many["viewers"]
    switches = [run for viewer in viewers for run in viewer.switches]
    busy = [run.seconds for run in switches if run.seconds is not None]
    errors_one = run_errors(single.runs)
    errors_many = run_errors([run for viewer in viewers for run in viewer.runs])
    errors_many += [failure for viewer in viewers for failure in viewer.failures] + tab_errors
    rebuild = many["rebuild"]
    seen, checked, rebuild_problems = rebuild_findings(many, old_staff, new_staff)
    during = [run for run in switches if rebuild and rebuild["started"] - 5 <= run.started <= rebuild["ended"] + 5]
    added_mb = (many["rss_connected"] - rss_before) / MB
    n = args.sessions

    print(f"Server-side page switch (rerun sent -> script_finished; browser drawing NOT included), "
          f"seconds. 1 session: {len(one)} switches, {SINGLE_PAUSE_S}s pause. {n} sessions: "
          f"{len(busy)} switches, {args.think:g}s +-50% on each page, {args.cycles} cycles of "
          f"{len(PAGES)} pages, rebuild of the database midway. {args.replicas} server process"
          f"{'es' if args.replicas > 1 else ''} for the {n} sessions (the 1-session baseline: one process).")
    p50_1, p95_1, p50_n, p95_n = (percentile(one, 0.5), percentile(one, 0.95), percentile(busy, 0.5),
                                  percentile(busy, 0.95))
    rows = [
        ["switch p50 (s)", f"{p50_1:.2f}", f"{p50_n:.2f}", f"{p50_n / p50_1:.1f}x", "-"],
        ["switch p95 (s)", f"{p95_1:.2f}", f"{p95_n:.2f}", f"{p95_n / p95_1:.1f}x",
         "met" if p95_n <= 3 * p95_1 else "not met (<= 3x)"],
        ["switch max (s)", f"{max(one):.2f}", f"{max(busy):.2f}", "-", "-"],
        ["errors", str(len(errors_one)), str(len(errors_many)), "-",
         "met" if not errors_one and not errors_many else "not met (none)"],
        ["server RSS (MB)", f"{rss_before / MB:.0f}", f"{many['rss_connected'] / MB:.0f} "
         f"(peak {many['rss_peak'] / MB:.0f}, after close {many['rss_after_close'] / MB:.0f})",
         f"+{added_mb / n:.1f} MB/session", "met" if added_mb / n <= 20 else "not met (<= 20 MB)"],
        ["rebuild midway", "-", f"exit {rebuild.get('exit_code')}, "
         f"{rebuild.get('ended', 0) - rebuild.get('started', 0):.1f}s; new figure on next overview: "
         f"{seen}/{checked} sessions", "-",
         "met" if not rebuild_problems and checked == n and seen == n else "not met"],
    ]
    if args.browsers:
        alone = [s for _, s in tab_alone]
        beside = [s for _, s in tab_busy]
        if alone and beside:
            rows.append(["Chromium tab switch, median (s; to last chart drawn)",
                         f"{statistics.median(alone):.2f} ({len(alone)})",
                         f"{statistics.median(beside):.2f} ({len(beside)})",
                         f"{statistics.median(beside) / statistics.median(alone):.1f}x", "-"])
    print_table(["measure", "1 session", f"{n} sessions, {args.replicas} process" + ("es" if args.replicas > 1 else ""),
                 "ratio", "target"], rows, args.markdown)

    print("Per page (server-side switch, seconds): where the time goes")
    pages_one, pages_many = per_page(single.switches), per_page(switches)
    begun, firsts = {}, {}
    for run in switches:
        if run.begun_s is not None:
            begun.setdefault(run.url_path, []).append(run.begun_s)
        if run.first_content_s is not None:
            firsts.setdefault(run.url_path, []).append(run.first_content_s)
    print_table(["page", "1: p50", f"{n}: p50", f"{n}: p95", f"{n}: run started p50",
                 f"{n}: first element p50", "runs"],
                [[page, f"{statistics.median(pages_one.get(page, [float('nan')])):.2f}",
                  f"{percentile(pages_many.get(page, []), 0.5):.2f}",
                  f"{percentile(pages_many.get(page, []), 0.95):.2f}",
                  f"{percentile(begun.get(page, []), 0.5):.2f}",
                  f"{percentile(firsts.get(page, []), 0.5):.2f}", str(len(pages_many.get(page, [])))]
                 for page in PAGES], args.markdown)
    cpu_per_run = many["cpu"] / max(len(busy) + n, 1)
    print(f"Server CPU during the {n}-session phase: {many['cpu']:.0f} CPU-s in {many['wall']:.0f} s wall "
          f"({many['cpu'] / many['wall']:.2f} cores busy on average), {cpu_per_run:.2f} CPU-s per page run; "
          f"event-loop thread (websockets, sending messages) {many['loop_cpu']:.0f} CPU-s, script-run "
          f"and other threads {many['other_cpu']:.0f} CPU-s.")
    if during:
        print(f"Switches within 5 s of the rebuild: {len(during)}, p95 "
              f"{percentile([r.seconds for r in during if r.seconds], 0.95):.2f} s.")
    load = os.getloadavg()
    print(f"Load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min).")
    for problem in (errors_one + errors_many + rebuild_problems)[:20]:
        print("PROBLEM:", problem)


if __name__ == "__main__":
    main()
