"""The public recommendations table is paged, counted and exported on the server (issue 12).

The page shows one page of rows; its counts, pages and downloads are checked against SQL
written here on the database file (and, for "public only", against the raw input file), and
the DuckDB-written downloads against the page's other way of making a table file
(`components.data_table` + `exports.csv_bytes`, in polars).
"""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager

from mirador import components, downloads, exports, queries
from mirador import formatting as fmt
from mirador.i18n import t, vocab_label

PAGE = "../../pages/recommendations.py"
PAGE_SIZE = 50  # rows per page, as the page states it ("Filas 1–50 de ...")
RAW_RECORDS = Path(__file__).resolve().parents[2] / "data" / "input" / "recommendations.csv"
TINY = Path(__file__).resolve().parents[1] / "etl" / "data" / "tiny"
FILTER_COLUMNS = ("response", "implementation_status", "place_type", "theme", "authority")


class RecordingMediaFileManager(MediaFileManager):
    """AppTest makes a media manager per run and drops it: keep the last one, so a test can
    click a deferred download (run its callable) as the browser would."""
    last: "RecordingMediaFileManager | None" = None

    def __init__(self, storage):
        super().__init__(storage)
        RecordingMediaFileManager.last = self


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaFileManager)


def run(**params) -> AppTest:
    """The page with its public table's tab open (unless `tab` says otherwise)."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in {"tab": "table", **params}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sql(path: Path, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def selection_sql(iso3: list[str], years: tuple[int, int], filters: dict[str, list[str]]) -> tuple[str, list]:
    where = ["iso3 IN (SELECT unnest(?))", "year_issued BETWEEN ? AND ?"]
    params: list = [iso3, *years]
    for column, codes in filters.items():  # column names from FILTER_COLUMNS, a fixed list
        assert column in FILTER_COLUMNS
        where.append(f"{column} IN (SELECT unnest(?))")
        params.append(codes)
    return " AND ".join(where), params


def expected_ids(path: Path, iso3, years, filters) -> list[str]:
    where, params = selection_sql(iso3, years, filters)
    return [r[0] for r in sql(path, f"SELECT recommendation_id FROM mart_public_recommendations WHERE {where} "
                                    f"ORDER BY date_issued DESC, recommendation_id", params)]


def public_table(at: AppTest) -> pl.DataFrame:
    """The last table on the page: the public recommendations (its id column is translated)."""
    return pl.from_pandas(at.dataframe[-1].value)


def shown_ids(at: AppTest, lang: str = "es") -> list[str]:
    return public_table(at)[t("col_recommendation_id", lang)].to_list()


def year_range(path: Path) -> tuple[int, int]:
    return tuple(sql(path, "SELECT min(year_issued), max(year_issued) FROM mart_public_recommendations")[0])


def downloaded(at: AppTest, key: str) -> tuple[str, bytes]:
    """(file name, bytes) of the download button `key`, produced as a click produces it."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("-" + key))
    manager = RecordingMediaFileManager.last
    assert button.proto.deferred_file_id, "the download is built on the click, not on every run"
    url = manager.execute_deferred(button.proto.deferred_file_id)
    stored = manager.read_file(url.rsplit("/", 1)[-1])
    return stored.filename, stored.content


# ------------------------------------------------------------------ paging and counts
def test_the_page_shows_one_page_of_rows(bundled_db):
    first, last = year_range(bundled_db)
    at = run(lang="es", y0=str(first), y1=str(last))
    n_public = sql(bundled_db, "SELECT count(*) FROM mart_public_recommendations")[0][0]
    assert n_public > 2 * PAGE_SIZE  # else paging is not exercised
    assert public_table(at).height == PAGE_SIZE
    assert shown_ids(at) == expected_ids(bundled_db, queries.institution_codes(), (first, last), {})[:PAGE_SIZE]


def test_counts_equal_an_sql_count_with_the_same_filters(bundled_db):
    first, last = year_range(bundled_db)
    iso3 = ["MEX", "PER", "ESP"]
    filters = {"implementation_status": ["implemented", "in_progress"], "theme": ["health_care", "staff"]}
    at = run(lang="es", c=iso3, y0=str(first + 1), y1=str(last), **{f"f_{k}": v for k, v in filters.items()})
    where, params = selection_sql(iso3, (first + 1, last), filters)
    n_matching = sql(bundled_db, f"SELECT count(*) FROM mart_public_recommendations WHERE {where}", params)[0][0]
    where, params = selection_sql(iso3, (first + 1, last), {})
    n_total = sql(bundled_db, f"SELECT count(*) FROM mart_public_recommendations WHERE {where}", params)[0][0]
    assert 0 < n_matching < n_total
    captions = [c.value for c in at.caption]
    assert t("rows_shown", "es", n=fmt.integer(n_matching, "es"), total=fmt.integer(n_total, "es")) in captions
    assert public_table(at).height == min(PAGE_SIZE, n_matching)
    assert shown_ids(at) == expected_ids(bundled_db, iso3, (first + 1, last), filters)[:PAGE_SIZE]


def test_page_two_holds_the_next_rows(bundled_db):
    first, last = year_range(bundled_db)
    ids = expected_ids(bundled_db, queries.institution_codes(), (first, last), {})
    at = run(lang="en", y0=str(first), y1=str(last), pg="2")  # from a shared link
    assert shown_ids(at, "en") == ids[PAGE_SIZE:2 * PAGE_SIZE]
    at.number_input(key="qp_pg").set_value(3).run()  # the page selector
    assert shown_ids(at, "en") == ids[2 * PAGE_SIZE:3 * PAGE_SIZE]
    assert at.query_params["pg"] == ["3"] or at.query_params["pg"] == "3"
    at.multiselect(key="qp_f_theme").set_value(["staff"]).run()  # another selection: back to page 1
    assert at.number_input(key="qp_pg").value == 1
    assert shown_ids(at, "en") == expected_ids(bundled_db, queries.institution_codes(), (first, last),
                                               {"theme": ["staff"]})[:PAGE_SIZE]


def test_the_last_page_holds_the_remainder_and_a_page_beyond_it_is_the_last(bundled_db):
    first, last = year_range(bundled_db)
    ids = expected_ids(bundled_db, ["URY"], (first, last), {})
    n_pages = -(-len(ids) // PAGE_SIZE)
    at = run(lang="es", c="URY", y0=str(first), y1=str(last), pg=str(n_pages + 40))
    assert at.number_input(key="qp_pg").value == n_pages
    assert shown_ids(at) == ids[(n_pages - 1) * PAGE_SIZE:]


def test_filters_from_the_url_still_work(bundled_db):
    first, last = year_range(bundled_db)
    at = run(lang="pt", y0=str(first), y1=str(last), f_place_type="police_custody", f_response=["rejected"])
    assert at.multiselect(key="qp_f_place_type").value == ["police_custody"]
    table = public_table(at)
    assert set(table[t("col_place_type", "pt")].to_list()) == {vocab_label("place_type",
                                                                                       "police_custody", "pt")}
    ids = expected_ids(bundled_db, queries.institution_codes(), (first, last),
                       {"place_type": ["police_custody"], "response": ["rejected"]})
    assert 0 < len(ids) and shown_ids(at, "pt") == ids[:PAGE_SIZE]


# ------------------------------------------------------------------ downloads
def raw_public_ids(iso3, years, filters) -> set[str]:
    """The public records of the selection read from the input file, not from the database."""
    raw = pl.read_csv(RAW_RECORDS, infer_schema=False)
    assert set(raw["is_public"].unique().to_list()) <= {"yes", "no"}  # the vocabulary this test knows
    picked = raw.filter((pl.col("is_public") == "yes") & pl.col("iso3").is_in(iso3)
                        & pl.col("date_issued").str.slice(0, 4).cast(pl.Int64).is_between(*years))
    for column, codes in filters.items():
        picked = picked.filter(pl.col(column).is_in(codes))
    return set(picked["recommendation_id"].to_list())


@pytest.mark.parametrize("lang, separator", [("es", ";"), ("en", ",")])
def test_downloads_hold_the_whole_selection_and_only_public_rows(bundled_db, recording, lang, separator):
    first, last = year_range(bundled_db)
    iso3, filters = ["CHL", "PER", "PRT", "URY"], {"authority": ["police", "ministry_of_justice"]}
    at = run(lang=lang, c=iso3, y0=str(first), y1=str(last), **{f"f_{k}": v for k, v in filters.items()})
    ids = expected_ids(bundled_db, iso3, (first, last), filters)
    assert len(ids) > PAGE_SIZE  # more than the page shows
    assert set(ids) == raw_public_ids(iso3, (first, last), filters)
    raw = pl.read_csv(RAW_RECORDS, infer_schema=False)
    internal = set(raw.filter(pl.col("is_public") == "no")["recommendation_id"].to_list())
    assert internal

    name, content = downloaded(at, "download_public_recommendations")
    assert name == f"mirador_public_recommendations_{lang}.csv"
    assert content.startswith("\ufeff".encode())  # byte-order mark: accents open right in Excel
    csv = pl.read_csv(io.BytesIO(content[3:]), separator=separator, infer_schema=False)
    column = t("col_recommendation_id", lang)
    assert csv[column].to_list() == ids
    assert not internal & set(csv[column].to_list())

    name, content = downloaded(at, "download_public_recommendations_parquet")
    assert name == f"mirador_public_recommendations_{lang}.parquet"
    parquet = pl.read_parquet(io.BytesIO(content))
    assert parquet[column].to_list() == ids
    assert parquet.columns == csv.columns
    assert t("col_country", lang) in parquet.columns  # labels beside codes, as on the page


def test_the_csv_reads_as_the_page_table_does(bundled_db):
    """DuckDB's file equals the polars way of making a table file (labels, headings, formula
    rule, separators, BOM) for the same selection, byte for byte."""
    first, last = year_range(bundled_db)
    iso3, filters = ["ECU", "MEX", "PAN"], {"theme": ["staff", "health_care"]}
    for lang in ("es", "pt", "en"):
        path = downloads.public_recommendations_file(iso3, first, last, filters, lang, "csv")
        where, params = selection_sql(iso3, (first, last), filters)
        with duckdb.connect(str(bundled_db), read_only=True) as con:
            records = con.sql(f"SELECT * EXCLUDE (year_issued) FROM mart_public_recommendations WHERE {where} "
                              f"ORDER BY date_issued DESC, recommendation_id", params=params).pl()
        assert path.read_bytes() == exports.csv_bytes(components.data_table(records, lang), lang), lang


# ------------------------------------------------------------------ formula text, data versions
@pytest.fixture
def formula_db(tmp_path_factory, make_database, use_database):
    """The tiny fixture with public sources a spreadsheet would run as formulas."""
    folder = tmp_path_factory.mktemp("formula") / "input"
    shutil.copytree(TINY, folder)
    records = folder / "recommendations.csv"
    text = records.read_text(encoding="utf-8")
    text = text.replace(",https://example.org/r1,", ',"=HYPERLINK(""http://evil.example"")",')
    text = text.replace(",https://example.org/r2,", ",@SUM(A1),")
    records.write_text(text, encoding="utf-8")
    with use_database(make_database(folder)) as path:
        yield path


def test_text_that_a_spreadsheet_would_run_is_neutralised(formula_db):
    first, last = year_range(formula_db)
    codes = queries.institution_codes()
    sources = {r[0] for r in sql(formula_db, "SELECT source FROM mart_public_recommendations")}
    assert '=HYPERLINK("http://evil.example")' in sources and "@SUM(A1)" in sources
    for lang, separator in (("es", ";"), ("en", ",")):
        content = downloads.public_recommendations_file(codes, first, last, {}, lang, "csv").read_bytes()
        csv = pl.read_csv(io.BytesIO(content[3:]), separator=separator, infer_schema=False)
        shown = set(csv[t("col_source", lang)].drop_nulls().to_list())
        assert "'=HYPERLINK(\"http://evil.example\")" in shown and "'@SUM(A1)" in shown
        assert not any(s.startswith(exports.FORMULA_TRIGGERS) for s in shown)


def test_a_file_is_written_once_per_data_version(bundled_db, make_database, use_database, tmp_path):
    first, last = year_range(bundled_db)
    codes = queries.institution_codes()
    path = downloads.public_recommendations_file(codes, first, last, {}, "es", "parquet")
    written = path.stat().st_mtime_ns
    assert downloads.public_recommendations_file(codes, first, last, {}, "es", "parquet") == path
    assert path.stat().st_mtime_ns == written  # served from disk, not written again
    copy = tmp_path / "mirador.duckdb"
    shutil.copy(bundled_db, copy)
    with use_database(copy):
        newer = downloads.public_recommendations_file(codes, first, last, {}, "es", "parquet")
        assert newer.parent.parent == copy.with_name(copy.name + ".exports")
        assert newer.parent.name == downloads.data_version() != path.parent.name
        shutil.copy(bundled_db, copy.with_name("next.duckdb"))
        copy.with_name("next.duckdb").replace(copy)  # the ETL swaps the file: another data version
        newest = downloads.public_recommendations_file(codes, first, last, {}, "es", "parquet")
        assert newest.parent != newer.parent and not newer.parent.exists()  # the old version is gone
        assert pl.read_parquet(newest).equals(pl.read_parquet(path))
