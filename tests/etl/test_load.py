"""The DuckDB build: declared tables and types, load history, atomic swap."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from etl import load, pipeline
from etl.contracts import CATALOGUE_TABLES, DATABASE_TABLES
from tests.etl.conftest import TINY, replace_in

BOUNDARIES = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"iso3": "PER", "name": "Peru"},
         "geometry": {"type": "Polygon", "coordinates": [[[-81, -18], [-69, -18], [-69, 0], [-81, 0], [-81, -18]]]}},
        {"type": "Feature", "properties": {"iso3": "URY", "name": "Uruguay"},
         "geometry": {"type": "Polygon", "coordinates": [[[-58, -35], [-53, -35], [-53, -30], [-58, -30], [-58, -35]]]}},
    ],
}


@pytest.fixture
def boundaries(tmp_path) -> Path:
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps(BOUNDARIES), encoding="utf-8")
    return path


def build(source: Path, db: Path, boundaries_path: Path) -> pipeline.Result:
    result = pipeline.run(source, db, boundaries_path=boundaries_path)
    assert result.ok, [str(p) for p in result.problems]
    return result


def query(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_database_has_the_declared_tables_and_types(tmp_path, boundaries):
    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    tables = {r[0] for r in query(db, "SELECT table_name FROM duckdb_tables()")}
    assert tables == set(DATABASE_TABLES) | set(CATALOGUE_TABLES)
    for name, columns in DATABASE_TABLES.items():
        described = query(db, f'DESCRIBE "{name}"')
        assert [(r[0], r[1]) for r in described] == list(columns), name
    assert query(db, "SELECT count(*) FROM indicators")[0][0] == 23  # 21 + acceptance, implemented in 24 months
    assert query(db, "SELECT count(*) FROM criteria")[0][0] == 14


def test_boundaries_are_geojson_features(tmp_path, boundaries):
    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    rows = query(db, "SELECT iso3, geojson FROM boundaries ORDER BY iso3")
    assert [r[0] for r in rows] == ["PER", "URY"]
    feature = json.loads(rows[0][1])
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["iso3"] == "PER"


def test_missing_boundaries_is_a_warning_not_a_failure(tmp_path):
    db = tmp_path / "mirador.duckdb"
    result = build(TINY, db, tmp_path / "nowhere.geojson")
    assert any("boundaries" in w for w in result.warnings)
    assert query(db, "SELECT count(*) FROM boundaries")[0][0] == 0


def test_load_log_keeps_history_and_describes_inputs(tmp_path, boundaries):
    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    first = query(db, "SELECT * FROM load_log")
    build(TINY, db, boundaries)
    # The earlier load comes back as it was, every column (its timestamp to the microsecond, its zone).
    assert query(db, "SELECT * FROM load_log WHERE load_id = 1") == first
    rows = query(db, "SELECT load_id, source_path, files, row_counts, warnings FROM load_log ORDER BY load_id")
    assert [r[0] for r in rows] == [1, 2]
    files = {f["name"]: f for f in json.loads(rows[1][2])}
    expected_sha = hashlib.sha256((TINY / "observations.csv").read_bytes()).hexdigest()
    assert files["observations.csv"] == {"name": "observations.csv", "sha256": expected_sha, "rows": 7}
    counts = json.loads(rows[1][3])
    assert counts["institutions"] == 2 and counts["mart_indicator_values"] == 28
    assert json.loads(rows[1][4]) == []
    assert rows[1][1] == str(TINY.resolve())


def test_invalid_input_leaves_the_database_untouched(tmp_path, tiny_copy, boundaries):
    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    before = db.read_bytes()
    replace_in(tiny_copy, "observations.csv", "npm_visits,150", "npm_visits,-150")
    result = pipeline.run(tiny_copy, db, boundaries_path=boundaries)
    assert not result.ok and result.problems
    assert db.read_bytes() == before


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "interrupt"])
def test_failed_load_leaves_the_previous_file_byte_identical(tmp_path, boundaries, monkeypatch, failure):
    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    before = db.read_bytes()
    real_insert = load.insert_frame

    def failing_insert(con, name, frame):
        if name == "mart_public_recommendations":  # half-way through the build
            raise failure
        real_insert(con, name, frame)

    monkeypatch.setattr(load, "insert_frame", failing_insert)
    with pytest.raises(type(failure)):
        pipeline.run(TINY, db, boundaries_path=boundaries)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left


@pytest.mark.parametrize("failure", [RuntimeError("out of memory"), KeyboardInterrupt()], ids=["error", "interrupt"])
def test_a_mart_failing_while_the_database_is_written_leaves_the_previous_file(tmp_path, boundaries, monkeypatch,
                                                                               failure):
    # The marts are built on a second thread while the public recommendations are already being
    # written: a mart that fails after that must still stop the load before the swap.
    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    before = db.read_bytes()

    def failing_rates(counts):
        raise failure

    monkeypatch.setattr(pipeline.transform, "implementation_rates", failing_rates)
    with pytest.raises(type(failure)):
        pipeline.run(TINY, db, boundaries_path=boundaries)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left


def test_failure_at_the_swap_leaves_the_previous_file(tmp_path, boundaries, monkeypatch):
    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    before = db.read_bytes()

    def no_replace(src, dst):
        raise OSError("rename refused")

    monkeypatch.setattr(load.os, "replace", no_replace)
    with pytest.raises(OSError):
        pipeline.run(TINY, db, boundaries_path=boundaries)
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


READER = textwrap.dedent("""
    import sys, time, duckdb
    from pathlib import Path
    db, stop = sys.argv[1], Path(sys.argv[2])
    seen, reads = [], 0
    while not stop.exists():
        con = duckdb.connect(db, read_only=True)
        try:
            load_id = con.execute("SELECT max(load_id) FROM load_log").fetchall()[0][0]
            rows = con.execute("SELECT count(*) FROM mart_indicator_values").fetchall()[0][0]
        finally:
            con.close()
        assert rows == 28, rows          # old or new data, never a half-built table
        if not seen or seen[-1] != load_id:
            seen.append(load_id)
        reads += 1
    print(reads, *seen)
""")


def test_a_reader_during_repeated_loads_never_fails(tmp_path, boundaries):
    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # let the reader start reading
        for _ in range(5):
            build(TINY, db, boundaries)
        time.sleep(0.3)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    reads, *seen = (int(x) for x in out.split())
    assert reads > 0
    assert seen == sorted(seen) and set(seen) <= set(range(1, 7))  # load ids only move forward


def test_default_database_path_honours_mirador_db(tmp_path, boundaries, monkeypatch):
    db = tmp_path / "from-env.duckdb"
    monkeypatch.setenv("MIRADOR_DB", str(db))
    result = pipeline.run(TINY, boundaries_path=boundaries)
    assert result.ok and result.db_path == db.resolve() and db.exists()


def test_build_raises_on_invalid_input(tmp_path, tiny_copy):
    replace_in(tiny_copy, "observations.csv", "npm_visits,150", "npm_visits,x")
    with pytest.raises(pipeline.InvalidInput) as info:
        pipeline.build(tiny_copy, tmp_path / "m.duckdb")
    assert "observations.csv, row 5, column value" in str(info.value)
    assert not (tmp_path / "m.duckdb").exists()


def test_temp_files_of_killed_runs_are_removed(tmp_path, boundaries):
    db = tmp_path / "mirador.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    abandoned = tmp_path / f".mirador.duckdb.{dead}.deadbeef.tmp"
    abandoned.write_bytes(b"half a database")
    build(TINY, db, boundaries)
    assert not abandoned.exists()


def test_a_reader_thread_in_the_same_process_never_fails(tmp_path, boundaries):
    """The dashboard's pattern: a private in-memory connection ATTACHing the file read-only."""
    import threading

    db = tmp_path / "mirador.duckdb"
    build(TINY, db, boundaries)
    errors, seen, stop = [], [], threading.Event()

    def read_loop():
        while not stop.is_set():
            try:
                con = duckdb.connect(":memory:")
                con.execute(f"ATTACH '{db}' AS m (READ_ONLY)")
                seen.append(con.execute("SELECT max(load_id) FROM m.load_log").fetchall()[0][0])
                assert con.execute("SELECT count(*) FROM m.mart_indicator_values").fetchall()[0][0] == 28
                con.close()
            except Exception as exc:  # noqa: BLE001 - any error is the failure we look for
                errors.append(repr(exc))

    thread = threading.Thread(target=read_loop)
    thread.start()
    try:
        for _ in range(3):
            build(TINY, db, boundaries)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert errors == []
    assert seen and seen == sorted(seen)
    assert query(db, "SELECT max(load_id) FROM load_log")[0][0] == 4


def test_progress_is_told_on_the_callers_thread_only(tmp_path, boundaries):
    # The staff page reports progress in a Streamlit status box, which works only on the
    # script's own thread; the marts are built on a second one (issue #11).
    import threading

    told: list[tuple[str, int]] = []
    result = pipeline.run(TINY, tmp_path / "mirador.duckdb", boundaries_path=boundaries,
                          progress=lambda description, seconds: told.append((description, threading.get_ident())))
    assert result.ok
    assert any("marts" in description for description, _ in told)
    assert {thread for _, thread in told} == {threading.get_ident()}
