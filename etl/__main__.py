"""Command line: `python -m etl [--source PATH | --check PATH | --template OUT.xlsx] [--db PATH]`.

Exit codes: 0 ok, 1 invalid input, 2 usage error, 3 the database is busy (another
load, or another program writing it, did not finish within --wait seconds; nothing
was changed). Results go to stdout; progress lines (with timings, only once a run
has taken a while) and waiting notices go to stderr.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3
PROGRESS_AFTER_SECONDS = 3.0  # small loads stay quiet

# polars' allocator (jemalloc) keeps freed memory for 0.5-1 s before giving it back. A load is
# a few large steps, each freeing what the one before built (the text of a file, then its typed
# table, then the marts), so that kept memory stacked up: at 1M records the peak was 930 MB,
# with 640 MB in use at most. Given back after 0.1 s, the peak is what is in use, at no measured
# cost in time. polars reads this once, when it is first imported (below, in main), and adds
# it after its own defaults; a value set by whoever runs the command is left as it is.
ALLOCATOR_CONF = "dirty_decay_ms:100,muzzy_decay_ms:0"
os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR_CONF)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="Validate Mirador input data and build the DuckDB database. "
                    "Without arguments, loads the bundled data (data/input).")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--source", metavar="PATH", help="folder of CSV files or an .xlsx workbook to load")
    action.add_argument("--check", metavar="PATH", help="validate only; write nothing")
    action.add_argument("--template", metavar="OUT.xlsx", help="write a blank input workbook")
    parser.add_argument("--db", metavar="PATH", help="database file (default: $MIRADOR_DB or data/mirador.duckdb)")
    parser.add_argument("--wait", metavar="SECONDS", type=float, default=None,
                        help="how long to wait for another load of the same database (default 120)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    parser.add_argument("-v", "--verbose", action="store_true", help="progress lines even for quick loads")
    return parser


class _ProgressPrinter:
    def __init__(self, quiet: bool, verbose: bool):
        self.quiet, self.verbose = quiet, verbose
        self.start = time.perf_counter()
        self.pending: list[str] = []

    def __call__(self, stage: str, seconds: float) -> None:
        if self.quiet:
            return
        self.pending.append(f"  {stage}: {seconds:.2f} s")
        if self.verbose or time.perf_counter() - self.start > PROGRESS_AFTER_SECONDS:
            for line in self.pending:
                print(line, file=sys.stderr, flush=True)
            self.pending.clear()


def _print_problems(problems, loading: bool) -> None:
    if not problems:
        print("No problems found.")
        return
    print(f"{len(problems)} problem(s) found" + ("; nothing was loaded:" if loading else ":"))
    for problem in problems:
        print(f"  {problem}")


def _tell_waiting(message: str) -> None:
    print(f"python -m etl: {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # exits with 2 on a usage error

    from etl import pipeline
    from mirador import paths

    if args.template:
        if args.db:
            parser.error("--db has no effect with --template")
        from etl.template import write_template

        print(f"Template written to {write_template(args.template)}")
        return EXIT_OK

    source = Path(args.check or args.source or paths.BUNDLED_INPUT_DIR)
    if not source.exists():
        print(f"python -m etl: {source} does not exist", file=sys.stderr)
        return EXIT_USAGE
    if not (source.is_dir() or source.suffix.lower() in (".xlsx", ".xlsm", ".csv")):
        print(f"python -m etl: {source} is neither a folder of CSV files nor an .xlsx workbook", file=sys.stderr)
        return EXIT_USAGE

    if args.check:
        if args.db:
            parser.error("--db has no effect with --check")
        problems = pipeline.check(source)
        _print_problems(problems, loading=False)
        return EXIT_INVALID if problems else EXIT_OK

    progress = _ProgressPrinter(args.quiet, args.verbose)
    wait = {} if args.wait is None else {"wait_seconds": max(0.0, args.wait)}
    try:
        result = pipeline.run(source, args.db, progress=progress, on_wait=_tell_waiting, **wait)
    except pipeline.DatabaseBusy as busy:
        print(f"python -m etl: {busy}", file=sys.stderr)
        return EXIT_BUSY
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not result.ok:
        _print_problems(result.problems, loading=True)
        return EXIT_INVALID
    total = sum(result.timings.values())
    summary = ", ".join(f"{result.row_counts.get(t, 0):,} {t}" for t in
                        ("institutions", "mart_indicator_values", "mart_recommendation_counts",
                         "mart_public_recommendations"))
    print(f"Loaded {source} into {result.db_path} in {total:.1f} s ({summary}).")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
