"""Query results kept once per process (issue #11): a page run that asks again reads nothing
from the database and hashes no rows, a caller's changes stay its own, another database
version is read again, and a figure of a query result is keyed on that result, not its rows."""
from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pytest

from mirador import db, figure_cache, queries

STAFF = "npm_staff"


@pytest.fixture
def counted_reads(bundled_db, monkeypatch):
    """The SQL statements read from the database from now on, in order."""
    queries.clear_cache()
    reads: list[str] = []
    real_fetch = db.fetch

    def fetch(sql, params=None):
        reads.append(sql)
        return real_fetch(sql, params)

    monkeypatch.setattr(db, "fetch", fetch)
    yield reads
    queries.clear_cache()


def test_the_same_query_is_read_from_the_database_once(counted_reads):
    first = queries.indicator_values([STAFF], ["CHL", "PER"])
    second = queries.indicator_values([STAFF], ["CHL", "PER"])
    assert len(counted_reads) == 1
    assert second.equals(first) and second is not first
    assert set(first["iso3"]) == {"CHL", "PER"}


def test_other_parameters_are_another_result(counted_reads):
    chile = queries.indicator_values([STAFF], ["CHL"])
    peru = queries.indicator_values([STAFF], ["PER"])
    assert set(chile["iso3"]) == {"CHL"} and set(peru["iso3"]) == {"PER"}
    assert len(counted_reads) == 2
    # A year 1 and a flag True are one dict key in Python but not one parameter.
    assert queries._key_part((1,)) != queries._key_part((True,))


def test_a_caller_changing_its_frame_leaves_the_next_callers_as_read(counted_reads):
    mine = queries.indicator_values([STAFF])
    as_read = mine.clone()
    mine.insert_column(0, pl.Series("added_by_a_page", range(mine.height)))  # in place
    mine.columns = [f"renamed_{c}" for c in mine.columns]
    assert queries.indicator_values([STAFF]).equals(as_read)


def test_a_replaced_database_file_is_read_again(tmp_path, bundled_db, use_database):
    serving = tmp_path / "mirador.duckdb"
    shutil.copy(bundled_db, serving)
    with use_database(serving):
        before = queries.institutions()
        # What the ETL does: a new file renamed over the served one (here: one institution fewer).
        con = duckdb.connect(str(tmp_path / "next.duckdb"))
        con.execute(f"ATTACH '{serving}' AS old (READ_ONLY)")
        con.execute("CREATE TABLE institutions AS SELECT * FROM old.institutions WHERE iso3 <> 'CHL'")
        con.close()
        (tmp_path / "next.duckdb").replace(serving)
        after = queries.institutions()
    assert "CHL" in before["iso3"].to_list() and "CHL" not in after["iso3"].to_list()
    assert figure_cache.fingerprint(after) != figure_cache.fingerprint(before)


def test_the_cache_holds_at_most_its_bound(counted_reads, monkeypatch):
    monkeypatch.setattr(queries, "MAX_RESULTS", 2)
    for iso3 in ("CHL", "PER", "MEX"):
        queries.indicator_values([STAFF], [iso3])
    assert len(queries._results) == 2
    queries.indicator_values([STAFF], ["CHL"])  # the least recently used was dropped: read again
    assert len(counted_reads) == 4


def test_a_query_result_is_fingerprinted_without_hashing_its_rows(counted_reads, monkeypatch):
    first = queries.indicator_values([STAFF])
    second = queries.indicator_values([STAFF])  # another viewer's frame of the same result
    other = queries.indicator_values(["visits_per_place"])
    hashed: list[int] = []
    real_hash_rows = pl.DataFrame.hash_rows

    def hash_rows(self, *args, **kwargs):
        hashed.append(self.height)
        return real_hash_rows(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "hash_rows", hash_rows)
    assert figure_cache.fingerprint(first) == figure_cache.fingerprint(second)
    assert figure_cache.fingerprint(first) != figure_cache.fingerprint(other)
    assert hashed == []
    # A frame the page made from it (filtered: other rows) is fingerprinted by its rows.
    chile = first.filter(pl.col("iso3") == "CHL")
    assert figure_cache.fingerprint(chile) != figure_cache.fingerprint(first)
    assert hashed == [chile.height]
    assert figure_cache.fingerprint(chile) == figure_cache.fingerprint(second.filter(pl.col("iso3") == "CHL"))
