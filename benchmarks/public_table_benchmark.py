"""The Recommendations page with the bundled data and with a million records: server time and memory.

Usage: .venv/bin/python benchmarks/public_table_benchmark.py [--records 1000000] [--repeats 5]
                            [--processes 3] [--keep DIR] [--lang es] [--markdown]

Issue #12 target: with 1M recommendations, the memory a visitor on that page adds to the server
under 50 MB, and the page's time within 1.2x of the bundled data's. Both databases are built
by the real ETL (the large one from `etl.generate`, as benchmarks/etl_benchmark.py does; with
--keep DIR both are built once into DIR and reused by later runs). Each database is measured
in a fresh process (the page runs in AppTest, so the server-side run is measured alone):

- server at rest: the dashboard's default page (Overview) run once, so the interpreter, plotly,
  DuckDB and the database connection are loaded before the visit, as in a running server;
- first visit: a switch to Recommendations with cold caches: run time, RSS added at its peak
  (psutil polling every 5 ms) and once the run ended; of the run, the time spent in
  mirador.queries and in the public table's queries (to show which section costs what);
- next visit: a new session on the page (warm caches), median of --repeats runs;
  the first-visit figures are medians over --processes fresh processes;
- clicks: the CSV and Parquet downloads of the page's selection and of the whole public list
  (every institution and year), each in a process of its own: the first click writes the file
  with DuckDB (time, added peak RSS, size), a later click reads it back (Streamlit holds those
  bytes in its media store to send them: a click costs at least the file's size).
Figures only: no test asserts on time.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable

MEASURE = r"""
import json, os, statistics, sys, threading, time
import psutil
from streamlit.testing.v1 import AppTest

PROCESS = psutil.Process()
PAGE = "pages/recommendations.py"
lang, repeats = sys.argv[2], int(sys.argv[3])


def rss():
    return PROCESS.memory_info().rss / 2**20


class Peak:
    # The highest RSS while the block runs (a run frees much of what it built when it ends).
    def __enter__(self):
        self.before, self.peak, self.done = rss(), rss(), threading.Event()
        def poll():
            while not self.done.is_set():
                self.peak = max(self.peak, rss())
                self.done.wait(0.005)
        self.thread = threading.Thread(target=poll, daemon=True)
        self.thread.start()
        self.started = time.perf_counter()
        return self
    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.done.set()
        self.thread.join()
        self.after = rss()
        self.peak = max(self.peak, self.after)
        self.added_peak, self.added_after = self.peak - self.before, self.after - self.before


from mirador import downloads, queries
spent = {"queries": 0.0, "public table": 0.0}
PUBLIC_TABLE = {"public_recommendation_counts", "public_recommendations_page"}
depth = [0]
for name in [n for n in dir(queries) if not n.startswith("_")]:
    function = getattr(queries, name)
    if callable(function) and getattr(function, "__module__", "") == "mirador.queries":
        def timed(*args, _f=function, _name=name, **kwargs):
            depth[0] += 1  # queries call each other: count the outermost call only
            started = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                depth[0] -= 1
                if not depth[0]:
                    elapsed = time.perf_counter() - started
                    spent["queries"] += elapsed
                    if _name in PUBLIC_TABLE:
                        spent["public table"] += elapsed
        setattr(queries, name, timed)

at = AppTest.from_file(sys.argv[1], default_timeout=300)
at.query_params["lang"] = lang
at.run()  # Overview: the server at rest
assert not at.exception, [e.value for e in at.exception]
at_rest = rss()
for key in spent:
    spent[key] = 0.0
with Peak() as first:
    at.switch_page(PAGE).run()
assert not at.exception, [e.value for e in at.exception]
first_spent = dict(spent)
shown_rows = at.dataframe[-1].value.shape[0]
counts_line = [c.value for c in at.caption if c.value[:1].isdigit()][:1]  # "80.717 recomendaciones ..."

times = []
for _ in range(repeats):  # another visitor: a new session, warm caches
    visitor = AppTest.from_file(sys.argv[1], default_timeout=300)
    visitor.query_params["lang"] = lang
    visitor.switch_page(PAGE)
    started = time.perf_counter()
    visitor.run()
    times.append(time.perf_counter() - started)
    assert not visitor.exception, [e.value for e in visitor.exception]

codes = queries.institution_codes()
years = queries.recommendation_years()
year_from = int(at.selectbox(key="qp_y0").value)
year_to = int(at.selectbox(key="qp_y1").value)
print(json.dumps({
    "rss_at_rest_mb": at_rest, "first_s": first.seconds, "first_added_peak_mb": first.added_peak,
    "first_added_after_mb": first.added_after, "first_queries_s": first_spent["queries"],
    "first_public_table_s": first_spent["public table"], "next_s": statistics.median(times),
    "shown_rows": shown_rows, "counts_line": counts_line,
    "public_rows": int(queries.public_recommendation_counts(codes, years[0], years[-1], {})[0]),
    "selection": [min(year_from, year_to), max(year_from, year_to)]}))
"""


# One download in a process of its own (what an earlier one left allocated would hide its cost):
# the first click writes the file, a later click reads it back for Streamlit to send.
CLICK = MEASURE[:MEASURE.index("from mirador import downloads")] + r"""
from mirador import downloads, queries
codes = queries.institution_codes()
years = queries.recommendation_years()
year_from, year_to = (years[0], years[-1]) if sys.argv[4] == "all" else map(int, sys.argv[4].split("-"))
file_format = sys.argv[5]
with Peak() as write:
    path = downloads.public_recommendations_file(codes, year_from, year_to, {}, lang, file_format)
with Peak() as serve:
    size = len(path.read_bytes())
print(json.dumps({"write_s": write.seconds, "write_mb": write.added_peak, "serve_s": serve.seconds,
                  "serve_mb": serve.added_peak, "file_mb": size / 2**20}))
"""


def build(workdir: Path, records: int | None) -> Path:
    """The bundled data (records None) or `records` generated ones, loaded by the ETL; reused if there."""
    name = "bundled" if records is None else f"records_{records}"
    db = workdir / name / "mirador.duckdb"
    if db.exists():
        print(f"reusing {db}", flush=True)
        return db
    db.parent.mkdir(parents=True, exist_ok=True)
    source = []
    if records is not None:
        source_dir = db.parent / "input"
        subprocess.run([PY, "-m", "etl.generate", "--out", str(source_dir), "--institutions", "9",
                        "--recommendations", str(records), "--quiet"], cwd=REPO, check=True)
        source = ["--source", str(source_dir)]
    subprocess.run([PY, "-m", "etl", *source, "--db", str(db), "--quiet"], cwd=REPO, check=True)
    return db


def run(script: str, db: Path, *args: str) -> dict:
    result = subprocess.run([PY, "-c", script, str(REPO / "dashboard.py"), *args],
                            cwd=REPO, env={**os.environ, "MIRADOR_DB": str(db), "PYTHONPATH": str(REPO)},
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(db: Path, lang: str, repeats: int, processes: int) -> dict:
    shutil.rmtree(db.with_name(db.name + ".exports"), ignore_errors=True)  # first clicks write
    # The first visit happens once per process: several processes, the median of each figure.
    runs = [run(MEASURE, db, lang, str(repeats)) for _ in range(processes)]
    page = {key: statistics.median(r[key] for r in runs) if isinstance(value, (int, float)) else value
            for key, value in runs[0].items()}
    page["clicks"] = {}
    for label, years in (("page selection", "-".join(map(str, page["selection"]))),
                         ("whole public list", "all")):
        for file_format in ("csv", "parquet"):
            page["clicks"][f"{label} {file_format}"] = run(CLICK, db, lang, "0", years, file_format)
    return page


def machine() -> str:
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f} at the start; python {platform.python_version()}")


def rows(small: dict, large: dict) -> list[tuple[str, str, str, str]]:
    def line(label, key, unit, digits=2, source=None):
        a, b = (source or (lambda d: d[key]))(small), (source or (lambda d: d[key]))(large)
        ratio = f"{b / a:.2f}" if a and abs(a) > 1e-9 else "-"
        return (f"{label} ({unit})", f"{a:,.{digits}f}", f"{b:,.{digits}f}", ratio)

    table = [
        line("public recommendations", "public_rows", "rows", 0),
        line("rows sent to the browser", "shown_rows", "rows", 0),
        line("server RSS at rest", "rss_at_rest_mb", "MiB", 0),
        line("first visit: run", "first_s", "s"),
        line("  of which mirador.queries", "first_queries_s", "s"),
        line("  of which the public table's queries", "first_public_table_s", "s"),
        line("first visit: added RSS, peak", "first_added_peak_mb", "MiB", 1),
        line("first visit: added RSS, after", "first_added_after_mb", "MiB", 1),
        line("next visitor: run (median)", "next_s", "s"),
    ]
    for click in small["clicks"]:
        for key, label, unit, digits in (("file_mb", "size", "MiB", 1), ("write_s", "first click, write", "s", 2),
                                         ("write_mb", "first click, added RSS", "MiB", 1),
                                         ("serve_s", "later click, read", "s", 2),
                                         ("serve_mb", "later click, added RSS", "MiB", 1)):
            table.append(line(f"{click}: {label}", None, unit, digits,
                              source=lambda d, c=click, k=key: d["clicks"][c][k]))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5, help="next-visitor runs per process")
    parser.add_argument("--processes", type=int, default=3, help="first visits (one per process)")
    parser.add_argument("--lang", default="es")
    parser.add_argument("--keep", type=Path, help="build the databases here once and reuse them")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table too")
    args = parser.parse_args()

    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="mirador-public-table-") as tmp:
        workdir = args.keep or Path(tmp)
        small = measure(build(workdir, None), args.lang, args.repeats, args.processes)
        large = measure(build(workdir, args.records), args.lang, args.repeats, args.processes)
    header = ("figure", "bundled", f"{args.records:,d} records", "ratio")
    table = rows(small, large)
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(header)]
    print(f"\nRecommendations page, lang={args.lang}, AppTest (server side only); RSS in MiB")
    print("  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
    for r in table:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    print(f"\ncounts line: bundled {small['counts_line']}; large {large['counts_line']}")
    if args.markdown:
        print("\n| " + " | ".join(header) + " |\n|---|---:|---:|---:|")
        for r in table:
            print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
