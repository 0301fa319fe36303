"""The bundled dataset (data/input, written by etl/generate.py) loads with no errors.

Not skipped when the folder is missing: a missing bundled dataset is a failure.
"""
from __future__ import annotations

import json

import duckdb

from etl import pipeline
from mirador import paths


def test_bundled_data_has_no_problems():
    assert paths.BUNDLED_INPUT_DIR.is_dir(), f"{paths.BUNDLED_INPUT_DIR} is missing"
    problems = pipeline.check(paths.BUNDLED_INPUT_DIR)
    assert problems == [], "\n".join(str(p) for p in problems[:50])


def test_bundled_data_builds_the_database(tmp_path):
    db = tmp_path / "mirador.duckdb"
    result = pipeline.run(paths.BUNDLED_INPUT_DIR, db)  # default boundaries path too
    assert result.ok, "\n".join(str(p) for p in result.problems[:50])
    con = duckdb.connect(str(db), read_only=True)
    try:
        count = lambda table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: E731
        assert count("institutions") == 9
        for table in ("mart_indicator_values", "mart_context", "mart_autonomy_scores",
                      "mart_recommendation_counts", "mart_implementation_rates", "load_log"):
            assert count(table) > 0, table
        if paths.BOUNDARIES_PATH.exists():
            # Every country of the bundled boundaries file is loaded (a later dataset may add
            # institutions anywhere), the nine among them.
            features = json.loads(paths.BOUNDARIES_PATH.read_text(encoding="utf-8"))["features"]
            assert count("boundaries") == len({f["properties"]["iso3"] for f in features}) > 200
            assert count("boundaries WHERE iso3 IN (SELECT iso3 FROM institutions)") == 9
    finally:
        con.close()
