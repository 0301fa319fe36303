"""ETL benchmark: the full `python -m etl` load against DuckDB's bare CSV import.

For each size (record-level recommendations; 80 institutions by default) it
generates a synthetic, contract-valid input folder with ``python -m etl.generate``
into a temporary directory, then measures, each in a fresh subprocess:

(a) **ETL**: ``python -m etl --source DIR --db TMP.duckdb`` (read, validate,
    derive, atomic load; the whole CLI);
(b) **floor**: a bare ``CREATE TABLE t AS SELECT * FROM read_csv('file')`` of the
    same CSV files into a fresh DuckDB file (then CHECKPOINT), i.e. what just
    moving the bytes into DuckDB costs.

Measures: wall time, CPU time (user + system, of the subprocess and its threads)
and peak RSS of the subprocess tree (psutil polling every 10 ms; the interpreter
start-up is included in both). ETL and floor runs alternate, so a machine that
other work slows down slows both alike; the best wall and the worst RSS of the
repeats are kept. Prints a table with the ETL / floor ratios (``--markdown``:
the same table for the README). Figures only: nothing asserts on time.

    .venv/bin/python benchmarks/etl_benchmark.py                  # 10k, 100k, 1M
    .venv/bin/python benchmarks/etl_benchmark.py --sizes 10000 --repeat 3
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable

FLOOR_SCRIPT = textwrap.dedent("""
    import sys, pathlib, duckdb
    src, db = pathlib.Path(sys.argv[1]), sys.argv[2]
    con = duckdb.connect(db)
    for f in sorted(src.glob("*.csv")):
        # Table names are our own file stems; the path is a bound parameter.
        con.execute(f"CREATE TABLE {f.stem} AS SELECT * FROM read_csv(?)", [f.as_posix()])
    con.execute("CHECKPOINT")
    con.close()
""")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(cmd: list[str], cwd: Path = REPO, env: dict | None = None) -> tuple[float, float, float, str]:
    """Run cmd; return (wall seconds, CPU seconds, peak RSS MiB of the process tree, stderr tail)."""
    peak = 0
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                rss = proc.memory_info().rss
                for child in proc.children(recursive=True):
                    try:
                        rss += child.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, rss)
            except psutil.Error:
                pass
            done.wait(0.01)

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    done.set()
    t.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    return wall, cpu, peak / 2**20, err.decode(errors="replace")[-500:]


def alternating(factories: dict, repeat: int) -> dict[str, tuple[float, float, float]]:
    """Per name: (best wall, CPU of that run, worst RSS), the commands taking turns each round."""
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in factories}
    for i in range(repeat):
        for name, factory in factories.items():
            runs[name].append(run_measured(factory(i))[:3])
    return {name: (min(r)[0], min(r)[1], max(x[2] for x in r)) for name, r in runs.items()}


def bench(size: int, institutions: int, repeat: int, workdir: Path) -> dict:
    src = workdir / f"input_{size}"
    t0 = time.perf_counter()
    subprocess.run([PY, "-m", "etl.generate", "--out", str(src), "--institutions", str(institutions),
                    "--recommendations", str(size), "--quiet"], cwd=REPO, check=True)
    gen_s = time.perf_counter() - t0
    csv_mb = sum(f.stat().st_size for f in src.glob("*.csv")) / 2**20

    def etl_cmd(i: int) -> list[str]:
        db = workdir / f"etl_{size}_{i}.duckdb"
        return [PY, "-m", "etl", "--source", str(src), "--db", str(db), "--quiet"]

    def floor_cmd(i: int) -> list[str]:
        db = workdir / f"floor_{size}_{i}.duckdb"
        return [PY, "-c", FLOOR_SCRIPT, str(src), str(db)]

    measured = alternating({"floor": floor_cmd, "etl": etl_cmd}, repeat)
    floor_s, floor_cpu, floor_mb = measured["floor"]
    etl_s, etl_cpu, etl_mb = measured["etl"]
    etl_db = (workdir / f"etl_{size}_0.duckdb").stat().st_size / 2**20
    floor_db = (workdir / f"floor_{size}_0.duckdb").stat().st_size / 2**20
    return dict(size=size, gen_s=gen_s, csv_mb=csv_mb, etl_s=etl_s, etl_cpu=etl_cpu, etl_mb=etl_mb,
                floor_s=floor_s, floor_cpu=floor_cpu, floor_mb=floor_mb, etl_db=etl_db, floor_db=floor_db)


def machine() -> str:
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
            f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM, load average "
            f"{load_average()} at the start; python {sys.version.split()[0]}")


def load_average() -> str:
    """The 1-minute load average: on a shared machine, other work slows both the ETL and the floor."""
    return f"{os.getloadavg()[0]:.1f}"


def markdown(rows: list[dict], institutions: int, repeat: int, host: str) -> str:
    lines = [f"ETL (`python -m etl`, {institutions} institutions) vs DuckDB's bare `read_csv` of the same files; "
             f"best wall of {repeat} alternating runs, worst peak RSS; {host}, {load_average()} at the end.", "",
             "| records | CSV MiB | ETL s | floor s | time ratio | ETL CPU s | floor CPU s "
             "| ETL MiB | floor MiB | memory ratio |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['size']:,d} | {r['csv_mb']:.1f} | {r['etl_s']:.2f} | {r['floor_s']:.2f} "
                     f"| {r['etl_s'] / r['floor_s']:.2f} | {r['etl_cpu']:.2f} | {r['floor_cpu']:.2f} "
                     f"| {r['etl_mb']:.0f} | {r['floor_mb']:.0f} | {r['etl_mb'] / r['floor_mb']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--institutions", type=int, default=80)
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement (best wall, worst RSS)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated folders and databases here")
    ap.add_argument("--markdown", action="store_true", help="also print the table as Markdown (README)")
    args = ap.parse_args(argv)

    host = machine()
    print(f"{host}; {args.institutions} institutions; repeat {args.repeat}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mirador-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            try:
                r = bench(size, args.institutions, args.repeat, workdir)
            except RuntimeError as exc:
                print(f"{size:>10,d}: FAILED\n{exc}", flush=True)
                continue
            rows.append(r)
            print(f"{size:>10,d} recs: generated {r['csv_mb']:.1f} MiB of CSV in {r['gen_s']:.1f} s; "
                  f"ETL {r['etl_s']:.2f} s ({r['etl_cpu']:.2f} s CPU) / {r['etl_mb']:.0f} MiB; floor "
                  f"{r['floor_s']:.2f} s ({r['floor_cpu']:.2f} s CPU) / {r['floor_mb']:.0f} MiB", flush=True)
    if not rows:
        return 1
    head = (f"{'records':>10} {'CSV MiB':>8} | {'ETL s':>7} {'floor s':>7} {'ratio':>6} | "
            f"{'ETL MiB':>8} {'floor MiB':>9} {'ratio':>6} | {'ETL db MiB':>10} {'floor db MiB':>12}")
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        print(f"{r['size']:>10,d} {r['csv_mb']:>8.1f} | {r['etl_s']:>7.2f} {r['floor_s']:>7.2f} "
              f"{r['etl_s'] / r['floor_s']:>6.2f} | {r['etl_mb']:>8.0f} {r['floor_mb']:>9.0f} "
              f"{r['etl_mb'] / r['floor_mb']:>6.2f} | {r['etl_db']:>10.1f} {r['floor_db']:>12.1f}")
    print("\nWall time includes interpreter start-up; RSS is the peak of the process tree "
          f"(psutil, 10 ms polling). Load average {load_average()} at the end.")
    if args.markdown:
        print("\n" + markdown(rows, args.institutions, args.repeat, host))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
