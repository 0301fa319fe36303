"""`python -m etl`: exit codes 0 ok / 1 invalid input / 2 usage error, quiet output."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.etl.conftest import TINY, replace_in

REPO = Path(__file__).resolve().parents[2]


def etl(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if db is not None:
        env["MIRADOR_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_check_valid_input(tmp_path):
    run = etl("--check", str(TINY), db=tmp_path / "m.duckdb")
    assert run.returncode == 0, run.stderr
    assert "No problems" in run.stdout
    assert not (tmp_path / "m.duckdb").exists()  # --check writes nothing


def test_check_invalid_input_lists_every_problem(tiny_copy):
    replace_in(tiny_copy, "observations.csv", "npm_visits,150", "npm_visits,lots")
    replace_in(tiny_copy, "recommendations.csv", "in_progress", "maybe")
    run = etl("--check", str(tiny_copy))
    assert run.returncode == 1
    assert "observations.csv, row 5, column value: value 'lots'" in run.stdout
    assert "recommendations.csv, row 6, column implementation_status: value 'maybe'" in run.stdout


def test_source_and_db(tmp_path):
    db = tmp_path / "out" / "m.duckdb"
    run = etl("--source", str(TINY), "--db", str(db))
    assert run.returncode == 0, run.stderr
    assert db.exists() and "Loaded" in run.stdout
    assert run.stdout.count("\n") == 1  # one summary line


def test_invalid_source_exits_1_and_writes_nothing(tmp_path, tiny_copy):
    replace_in(tiny_copy, "context.csv", "places_of_detention,300", "places_of_detention,-3")
    db = tmp_path / "m.duckdb"
    run = etl("--source", str(tiny_copy), "--db", str(db))
    assert run.returncode == 1
    assert "context.csv, row 4, column value" in run.stdout
    assert not db.exists()


def test_usage_errors_exit_2(tmp_path):
    assert etl("--bogus").returncode == 2
    assert etl("--source", str(tmp_path / "missing")).returncode == 2
    assert etl("--check", str(TINY), "--source", str(TINY)).returncode == 2
    (tmp_path / "notes.txt").write_text("x")
    assert etl("--source", str(tmp_path / "notes.txt")).returncode == 2


def test_template(tmp_path):
    out = tmp_path / "template.xlsx"
    run = etl("--template", str(out))
    assert run.returncode == 0, run.stderr
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "README"


def test_verbose_prints_timed_progress_to_stderr(tmp_path):
    run = etl("--source", str(TINY), "--db", str(tmp_path / "m.duckdb"), "-v")
    assert run.returncode == 0
    assert "validated:" in run.stderr and " s" in run.stderr
    assert "validated" not in run.stdout


def test_no_arguments_loads_the_bundled_data_into_mirador_db(tmp_path):
    db = tmp_path / "bundled.duckdb"
    run = etl(db=db)
    assert run.returncode == 0, run.stdout + run.stderr
    assert db.exists()


# polars reads its allocator settings once, when it is first imported, and puts a value found
# in _RJEM_MALLOC_CONF after its own defaults (so the last one of each option wins).
ALLOCATOR_PROBE = """
import os, sys
import etl.__main__ as cli
imported_before = "polars" in sys.modules
import polars
print(imported_before)
print(cli.ALLOCATOR_CONF)
print(os.environ["_RJEM_MALLOC_CONF"])
"""


def allocator_settings(env_value: str | None) -> tuple[bool, str, str]:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if env_value is not None:
        env["_RJEM_MALLOC_CONF"] = env_value
    run = subprocess.run([sys.executable, "-c", ALLOCATOR_PROBE], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    imported_before, ours, seen = run.stdout.strip().splitlines()
    return imported_before == "True", ours, seen


def test_the_command_gives_memory_back_quickly_from_its_first_polars_import():
    """The load's peak memory was the allocator's kept memory stacked up (930 MB against 640 MB
    in use at 1M records): the command asks polars' allocator to give it back after 0.1 s."""
    imported_before, ours, seen = allocator_settings(None)
    assert not imported_before, "polars was imported before the command set its allocator"
    settings = dict(option.split(":", 1) for option in seen.split(","))  # the last of each wins
    assert settings["dirty_decay_ms"] == "100" and settings["muzzy_decay_ms"] == "0", seen
    assert seen.endswith(ours)


def test_an_allocator_setting_given_by_the_caller_is_kept():
    _, ours, seen = allocator_settings("narenas:1")
    assert seen.endswith("narenas:1") and ours not in seen, seen
