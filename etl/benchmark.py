"""Benchmark: the whole validate-transform-load against DuckDB's bare read_csv.

    python -m etl.benchmark [--recommendations 1000000] [--folder DIR] [--repeat 3]

Generates a synthetic input folder with `etl.generate` (unless --folder is given),
then times (a) DuckDB reading every CSV into an in-memory table and (b)
`etl.pipeline.run` into a temp database. Prints figures; asserts nothing (wall
time depends on the machine and on what else runs on it).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from etl import pipeline
from etl.contracts import INPUT_TABLES


def bare_read_csv(folder: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of all threads) for DuckDB reading every CSV into memory."""
    start, cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect()
    for table in INPUT_TABLES:
        path = folder / f"{table.name}.csv"
        if path.exists():
            con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM read_csv(?)", [str(path)])
    con.close()
    return time.perf_counter() - start, time.process_time() - cpu


def pipeline_run(folder: Path, work: Path) -> tuple[float, float, dict[str, float]]:
    start, cpu = time.perf_counter(), time.process_time()
    result = pipeline.run(folder, work / "bench.duckdb")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if not result.ok:
        raise SystemExit("\n".join(str(p) for p in result.problems[:20]))
    return elapsed, cpu, result.timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--recommendations", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, help="existing input folder (skips generation)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="mirador-bench-") as tmp:
        work = Path(tmp)
        folder = args.folder
        if folder is None:
            from etl import generate

            folder = work / "input"
            generate.main(["--out", str(folder), "--recommendations", str(args.recommendations), "--quiet"])
        size_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
        print(f"input: {folder} ({size_mb:,.0f} MB of CSV)")
        # Wall time swings with whatever else runs on the machine; CPU time (all
        # threads of this process) is steadier, so both are printed.
        bare, ours = [], []
        for i in range(args.repeat):
            bare.append(bare_read_csv(folder))
            elapsed, cpu, timings = pipeline_run(folder, work)
            ours.append((elapsed, cpu))
            stages = ", ".join(f"{k} {v:.2f}" for k, v in timings.items())
            print(f"run {i + 1}: duckdb read_csv {bare[-1][0]:.2f} s (cpu {bare[-1][1]:.2f}) | "
                  f"etl {elapsed:.2f} s (cpu {cpu:.2f}; {stages})")
        for label, index in (("wall", 0), ("cpu", 1)):
            best_bare, best_ours = min(b[index] for b in bare), min(o[index] for o in ours)
            print(f"best {label}: duckdb read_csv {best_bare:.2f} s, etl {best_ours:.2f} s, "
                  f"ratio {best_ours / best_bare:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
