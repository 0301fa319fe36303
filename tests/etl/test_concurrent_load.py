"""One load at a time per database, and the load history (load_log) never lost or reset.

Real second processes: a `duckdb.connect` holding the file read-write, a process
holding the load lock (killed outright in one test), and two `python -m etl` at once.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from etl import load, pipeline
from tests.etl.conftest import TINY

REPO = Path(__file__).resolve().parents[2]

HOLD_WRITABLE = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])          # read-write: DuckDB locks the file for other processes
    con.execute("CREATE TABLE IF NOT EXISTS scratch (a INTEGER)")
    print("holding", flush=True)
    sys.stdin.read()                           # until the test closes our stdin
    con.close()
""")

HOLD_LOCK_UNTIL_KILLED = textwrap.dedent("""
    import sys, time
    from etl import load
    with load.database_lock(sys.argv[1], wait_seconds=0):
        print("locked", flush=True)
        time.sleep(600)
""")


def history(db: Path) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT load_id FROM load_log ORDER BY load_id").fetchall()]
    finally:
        con.close()


def api_load(db: Path, **kwargs) -> pipeline.Result:
    # No boundaries file: a warning, and the test does not spend a second importing geopandas.
    result = pipeline.run(TINY, db, boundaries_path=db.parent / "no-boundaries.geojson", **kwargs)
    assert result.ok, [str(p) for p in result.problems]
    return result


def etl_process(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "--source", str(TINY), "--db", str(db), "-q", *args],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def start(script: str, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() in ("holding", "locked")  # it holds before the test goes on
    return proc


def read_until(stream, word: str) -> str:
    """Lines of `stream` up to the first containing `word` ('' if the stream ends first)."""
    seen = ""
    for line in iter(stream.readline, ""):
        seen += line
        if word in line:
            return seen
    return ""


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "mirador.duckdb"
    api_load(path)
    api_load(path)
    assert history(path) == [1, 2]
    return path


def test_a_program_writing_the_database_stops_the_load_and_the_history_survives(db):
    holder = start(HOLD_WRITABLE, str(db))
    try:
        run = etl_process(db, "--wait", "0.5")
        out, err = run.communicate(timeout=120)
        assert run.returncode == 3, out + err
        assert "open for writing in another program" in err and "nothing was changed" in err
        assert "Loaded" not in out
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert history(db) == [1, 2]              # not reset to one row
    api_load(db)
    assert history(db) == [1, 2, 3]


def test_a_load_waits_for_a_program_writing_the_database_then_keeps_the_history(db):
    holder = start(HOLD_WRITABLE, str(db))
    run = etl_process(db, "--wait", "120")
    try:
        said = read_until(run.stderr, "waiting")
        assert "open for writing in another program; waiting up to 120 s" in said
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, out + err
    assert history(db) == [1, 2, 3]


def test_a_second_load_waits_for_the_first_or_stops_with_a_clear_message(db):
    before = db.read_bytes()
    with load.database_lock(db, wait_seconds=0):
        impatient = etl_process(db, "--wait", "0.3")
        out, err = impatient.communicate(timeout=120)
        assert impatient.returncode == 3, out + err
        assert f"another load (process {os.getpid()}) is still writing" in err
        assert db.read_bytes() == before

        patient = etl_process(db, "--wait", "120")
        said = read_until(patient.stderr, "waiting")
        assert f"another load (process {os.getpid()}) is writing" in said
        assert db.read_bytes() == before  # it waits: nothing written while the lock is held
    out, err = patient.communicate(timeout=120)
    assert patient.returncode == 0, out + err
    assert history(db) == [1, 2, 3]


def test_two_loads_at_once_both_finish_and_every_history_row_is_kept(db):
    runs = [etl_process(db, "--wait", "120") for _ in range(2)]
    results = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert history(db) == [1, 2, 3, 4]


def test_a_killed_load_leaves_no_lock_behind(db):
    holder = start(HOLD_LOCK_UNTIL_KILLED, str(db))
    with pytest.raises(pipeline.DatabaseBusy):
        api_load(db, wait_seconds=0)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=60)
    api_load(db, wait_seconds=0)  # the OS dropped the dead process's lock
    assert history(db) == [1, 2, 3]


def test_an_unreadable_previous_file_is_kept_beside_not_overwritten(tmp_path):
    db = tmp_path / "mirador.duckdb"
    db.write_bytes(b"not a database " * 100)
    result = api_load(db)
    [kept] = [p for p in tmp_path.iterdir() if p.name.startswith("mirador.duckdb.unreadable-")]
    assert kept.read_bytes() == b"not a database " * 100
    assert any(f"kept as {kept.name}" in w for w in result.warnings)
    assert history(db) == [1]
