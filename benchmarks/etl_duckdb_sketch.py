"""Would a load that keeps the recommendations in DuckDB reach issue #11's 1.5x? A sketch, measured.

Usage: .venv/bin/python benchmarks/etl_duckdb_sketch.py [--recommendations 1000000] [--repeat 3]
           [--source FOLDER]

The ETL reads, checks and derives the recommendations with polars (etl/read.py, validate.py,
transform.py) and hands DuckDB the finished marts. Its time at 1M records is ~1.8x DuckDB's bare
`read_csv` of the same files (benchmarks/etl_benchmark.py), and the previous measurements
pointed at one design left to try: the recommendations in DuckDB from the file to the marts.
This script times that design's lower bound beside the floor and the real ETL, alternating:

- floor: `CREATE TABLE ... AS SELECT * FROM read_csv(...)` of every file (etl_benchmark's);
- etl: `python -m etl`;
- sketch: polars and DuckDB imported, the other tables read by polars as text, and the
  recommendations file read by DuckDB as text twice: once for the cell checks (control
  characters and spaces at a cell's edge in one regular expression, cell lengths, spreadsheet
  error words, required cells, duplicate ids) and the distinct values of every code and date
  column, mapped in Python as etl/parse.py does on unique values; once typed through those
  maps into a table, then the row rules (follow-up not before issue, a sourced row names its
  source), the public table and the counts, rates, age and time-to-implementation marts, and
  a CHECKPOINT.

Left out, so the sketch is faster than a faithful version could be: spreadsheet row numbers
(`row_number() OVER ()` alone took 0.45 s more at 1M), the words typed for codes (synonyms,
accents), number forms, encodings and delimiters, problem messages, the other tables' checks
and marts, the load log and the atomic file swap. Figures only: nothing asserts on time.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from etl_benchmark import FLOOR_SCRIPT, PY, REPO, alternating, load_average, machine  # noqa: E402

SKETCH_SCRIPT = textwrap.dedent(r"""
    import pathlib, sys
    import duckdb
    import polars as pl

    src, db = pathlib.Path(sys.argv[1]), sys.argv[2]
    path = (src / "recommendations.csv").as_posix()
    con = duckdb.connect(db)
    cols = ["recommendation_id", "iso3", "date_issued", "place_type", "authority", "theme",
            "implementation_status", "last_followup_date", "is_public", "response", "data_status",
            "source", "note"]
    coded = ["iso3", "place_type", "authority", "theme", "implementation_status", "is_public",
             "response", "data_status", "date_issued", "last_followup_date"]
    text = "read_csv(?, all_varchar = true, header = true)"
    # One pass: every cell check and the distinct values of the code and date columns.
    row = "chr(30) || concat_ws(chr(30), " + ", ".join(cols) + ") || chr(30)"
    bad_char = r"'[\x00-\x08\x0B\x0C\x0E-\x1D\x1F\x7F]|\x1E\s|\s\x1E'"
    too_long = " OR ".join(f"length({c}) > {5000 if c in ('source', 'note') else 100}" for c in cols)
    error_word = " OR ".join(f"{c} IN ('#N/A', '#VALUE!', '#REF!', '#DIV/0!', '#NUM!', '#NAME?', '#NULL!')"
                             for c in cols)
    required = ["recommendation_id", "iso3", "date_issued", "implementation_status", "is_public"]
    missing = " OR ".join(f"{c} IS NULL" for c in required)
    found = con.execute(
        f"SELECT count(*) FILTER (regexp_matches({row}, {bad_char})), count(*) FILTER ({too_long}), "
        f"count(*) FILTER ({error_word}), count(*) FILTER ({missing}), "
        f"count(*) - count(DISTINCT recommendation_id), "
        + ", ".join(f"list(DISTINCT {c})" for c in coded) + f" FROM {text}", [path]).fetchall()[0]
    for c, values in zip(coded, found[5:]):
        codes = [v.strip().lower() if v else None for v in values]
        con.register(f"map_{c}", pl.DataFrame({"raw": values, "code": codes},
                                               schema={"raw": pl.String, "code": pl.String}).to_arrow())
    joins = " ".join(f"LEFT JOIN map_{c} ON r.{c} IS NOT DISTINCT FROM map_{c}.raw" for c in coded)
    typed = ", ".join([f"map_{c}.code AS {c}" for c in coded[:8]]
                      + [f"TRY_CAST(map_{c}.code AS DATE) AS {c}" for c in coded[8:]])
    con.execute(f"CREATE TEMP TABLE rec AS SELECT r.recommendation_id, {typed}, r.source FROM {text} r {joins}",
                [path])
    con.execute("SELECT recommendation_id FROM rec WHERE last_followup_date < date_issued "
                "OR (data_status = 'sourced' AND source IS NULL) LIMIT 101").fetchall()
    con.execute("CREATE TABLE mart_public_recommendations AS SELECT recommendation_id, iso3, date_issued, "
                "year(date_issued) AS year_issued, place_type, authority, theme, response, "
                "implementation_status, last_followup_date, data_status, source FROM rec WHERE is_public = 'yes'")
    con.execute("CREATE TABLE mart_recommendation_counts AS SELECT iso3, year_issued, place_type, theme, "
                "authority, implementation_status, response, count(*)::INTEGER AS n_recommendations, "
                "max(data_status) AS data_status FROM mart_public_recommendations GROUP BY ALL")
    con.execute("CREATE TABLE mart_implementation_rates AS SELECT iso3, year_issued, count(*) AS n, "
                "count(*) FILTER (implementation_status <> 'no_information') AS n_with_information, "
                "count(*) FILTER (implementation_status = 'implemented') AS n_implemented, "
                "count(*) FILTER (response IS NOT NULL) AS n_with_response, "
                "count(*) FILTER (response = 'accepted') AS n_accepted FROM mart_public_recommendations GROUP BY ALL")
    con.execute("CREATE TABLE mart_implementation_by_age AS SELECT iso3, year_issued, w.months, "
                "count(*) FILTER (implementation_status = 'implemented' AND "
                "date_diff('month', date_issued, last_followup_date) <= w.months) AS n_within, count(*) AS n "
                "FROM mart_public_recommendations, (VALUES (12), (24), (36)) w(months) GROUP BY ALL")
    con.execute("CREATE TABLE mart_time_to_implementation AS SELECT iso3, "
                "date_diff('month', date_issued, coalesce(last_followup_date, date_issued)) AS month, "
                "count(*) FILTER (implementation_status = 'implemented') AS n_implemented, "
                "count(*) FILTER (implementation_status <> 'implemented') AS n_censored "
                "FROM mart_public_recommendations GROUP BY ALL")
    for f in sorted(src.glob("*.csv")):
        if f.stem != "recommendations":
            pl.read_csv(f, infer_schema=False)
    con.execute("CHECKPOINT")
    con.close()
""")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recommendations", type=int, default=1_000_000)
    ap.add_argument("--institutions", type=int, default=80)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--source", type=Path, default=None, help="an input folder instead of generating one")
    args = ap.parse_args(argv)
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="mirador-sketch-") as tmp:
        work = Path(tmp)
        src = args.source
        if src is None:
            src = work / "input"
            subprocess.run([PY, "-m", "etl.generate", "--out", str(src), "--institutions", str(args.institutions),
                            "--recommendations", str(args.recommendations), "--quiet"], cwd=REPO, check=True)
        commands = {
            "floor": lambda i: [PY, "-c", FLOOR_SCRIPT, str(src), str(work / f"floor_{i}.duckdb")],
            "etl": lambda i: [PY, "-m", "etl", "--source", str(src), "--db", str(work / f"etl_{i}.duckdb"), "--quiet"],
            "sketch": lambda i: [PY, "-c", SKETCH_SCRIPT, str(src), str(work / f"sketch_{i}.duckdb")],
        }
        started = time.perf_counter()
        measured = alternating(commands, args.repeat)
    floor_s = measured["floor"][0]
    print(f"\n{src}: best wall of {args.repeat} alternating runs ({time.perf_counter() - started:.0f} s in all), "
          f"load average {load_average()} at the end")
    print(f"{'':8} {'wall s':>7} {'x floor':>8} {'CPU s':>6} {'peak MiB':>9}")
    for name, (wall, cpu, mib) in measured.items():
        print(f"{name:8} {wall:>7.2f} {wall / floor_s:>8.2f} {cpu:>6.2f} {mib:>9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
