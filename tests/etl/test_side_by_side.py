"""Tables read, checked and written side by side come out as they would one at a time.

The largest file is read and checked on the caller's thread while the others are on a second
one, and the writing starts while the marts are still being built. None of that may show:
problems, warnings, tables and the load log's file list keep the tables' order whichever file is
the largest and whichever thread finishes first, and every table is written whole.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future

import duckdb
import polars as pl
import pytest

from etl import load, read, validate
from etl.contracts import INPUT_TABLES
from tests.etl.conftest import append_line, replace_in

TABLE_ORDER = [t.name for t in INPUT_TABLES]


def spoil_several_tables(folder, large: str) -> None:
    """A reading problem in four tables, and `large` made the largest file by far."""
    replace_in(folder, "institutions.csv", "Ley 30394", "#N/A")
    replace_in(folder, "observations.csv", "npm_staff,20", "npm_staff,#REF!")
    replace_in(folder, "recommendations.csv", "legal_safeguards", "#VALUE!")
    append_line(folder, "context.csv", "URY,2021,prison_population,16000,illustrative,,,one too many")
    path = folder / f"{large}.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, *rows * 3000]) + "\n", encoding="utf-8")


def read_one_at_a_time(folder):
    """What the reader gave when it read the tables one after another on one thread."""
    source = read.RawSource(folder)
    for name in TABLE_ORDER:
        path = folder / f"{name}.csv"
        if path.exists():
            read._read_csv_table(path, name, source)
    return source


@pytest.mark.parametrize("large", ["observations", "recommendations", "context"])
def test_reading_problems_keep_the_tables_order_whichever_file_is_largest(tiny_copy, large):
    spoil_several_tables(tiny_copy, large)
    source = read.read_source(tiny_copy)
    tables_with_problems = [p.table for p in source.problems]
    assert {"institutions", "observations", "recommendations", "context"} <= set(tables_with_problems)
    assert tables_with_problems == sorted(tables_with_problems, key=TABLE_ORDER.index)
    alone = read_one_at_a_time(tiny_copy)
    assert [str(p) for p in source.problems] == [str(p) for p in alone.problems]
    assert [(f.name, f.sha256, f.rows) for f in source.files] == [(f.name, f.sha256, f.rows) for f in alone.files]
    assert list(source.tables) == list(alone.tables)
    for name, raw in source.tables.items():
        assert raw.frame.equals(alone.tables[name].frame)


def test_the_same_input_gives_the_same_problems_in_the_same_order_every_time(tiny_copy):
    spoil_several_tables(tiny_copy, "observations")
    replace_in(tiny_copy, "recommendations.csv", "2019-05-01", "2019-13-01")   # a date that is none
    replace_in(tiny_copy, "autonomy_assessments.csv", "partially_met", "mostly")  # a word not in the list
    runs = [[str(p) for p in validate.validate(read.read_source(tiny_copy)).problems] for _ in range(4)]
    assert all(run == runs[0] for run in runs[1:])
    assert any("2019-13-01" in p for p in runs[0]) and any("mostly" in p for p in runs[0])


def validate_one_at_a_time(source):
    """The problems and warnings when every table was checked one after another on one thread."""
    checks, institutions = [], None
    for table in INPUT_TABLES:
        if table.name in source.tables:
            typed, check = validate.validate_table(source.tables[table.name], table, institutions)
            if table.name == "institutions":
                institutions = set(typed.get_column("iso3").drop_nulls().to_list())
            checks.append(check)
    problems = list(source.problems) + [p for check in checks for p in check.problems()]
    problems.sort(key=lambda p: (p.table != "institutions", p.file, p.sheet or "", p.row or 0, p.column or ""))
    return [str(p) for p in problems], list(source.warnings) + [w for check in checks for w in check.warnings]


def with_stray_column(path, name: str, copies: int = 1) -> None:
    """An empty column the table does not have (a warning), the rows repeated `copies` times."""
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([f"{header},{name}", *[row + "," for row in rows] * copies]) + "\n", encoding="utf-8")


@pytest.mark.parametrize("large", ["recommendations", "context"])
def test_validation_problems_and_warnings_are_those_of_one_table_at_a_time(tiny_copy, large):
    # The largest table is checked on the caller's thread and comes after a smaller one with a warning.
    with_stray_column(tiny_copy / f"{large}.csv", "stray", copies=2000)
    with_stray_column(tiny_copy / "autonomy_assessments.csv", "remark")
    replace_in(tiny_copy, "context.csv", "prison_population,100000", "prison_population,cien mil")
    replace_in(tiny_copy, "autonomy_assessments.csv", "partially_met", "mostly")
    replace_in(tiny_copy, "institutions.csv", "2016-01-01", "2016-02-30")
    result = validate.validate(read.read_source(tiny_copy))
    problems, warnings = validate_one_at_a_time(read.read_source(tiny_copy))
    assert len(problems) > 3 and len(warnings) >= 2
    assert [str(p) for p in result.problems] == problems
    assert result.warnings == warnings


def frame_of(rows: int) -> pl.DataFrame:
    return pl.DataFrame({"iso3": [f"C{i:02d}" for i in range(rows)], "geojson": ["{}"] * rows})


def test_tables_built_late_are_written_whole_and_counted_in_the_tables_order():
    con = duckdb.connect(":memory:")
    names = ["first", "second", "third", "fourth"]
    for name in names:
        con.execute(f'CREATE TABLE "{name}" (iso3 VARCHAR, geojson VARCHAR)')
    late_first, late_second = Future(), Future()
    frames = {"first": late_first, "second": frame_of(3), "third": late_second, "fourth": None}

    def finish_in_reverse_order() -> None:
        time.sleep(0.05)
        late_second.set_result(frame_of(5))
        time.sleep(0.05)
        late_first.set_result(frame_of(2))

    threading.Thread(target=finish_in_reverse_order).start()
    original = load.DATABASE_TABLES
    try:
        load.DATABASE_TABLES = {**original, **{n: (("iso3", "VARCHAR"), ("geojson", "VARCHAR")) for n in names}}
        counts = load._insert_all(con, frames)
    finally:
        load.DATABASE_TABLES = original
    assert list(counts) == names
    assert counts == {"first": 2, "second": 3, "third": 5, "fourth": 0}
    written = {n: con.execute(f'SELECT count(*), count(DISTINCT iso3) FROM "{n}"').fetchone() for n in names}
    assert written == {"first": (2, 2), "second": (3, 3), "third": (5, 5), "fourth": (0, 0)}


def test_a_table_that_fails_to_build_stops_the_writing_even_when_others_are_ready():
    con = duckdb.connect(":memory:")
    con.execute('CREATE TABLE boundaries (iso3 VARCHAR, geojson VARCHAR)')
    failed = Future()
    failed.set_exception(MemoryError("no room for the counts"))
    with pytest.raises(MemoryError):
        load._insert_all(con, {"boundaries": frame_of(2), "mart_recommendation_counts": failed})
