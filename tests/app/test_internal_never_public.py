"""Recommendations marked internal (`is_public = no`) never reach a visitor (issue #10, item 2).

A tiny dataset carries internal recommendations with ids, sources and notes that appear
nowhere else. Every public page is run in Spanish (each section tab and "show data" table opened),
every download on it is produced (CSV, Excel, Parquet, chart SVGs, the one-pager and workshop
PDFs) and decoded, and the whole database is scanned: none of them may hold those strings.

The rule for aggregates (issue 12, etl/transform.py, docs/data_model.md): public counts and
rates count public recommendations only (an internal one could be rebuilt by subtracting the
public list from them); reported totals stay. A public recommendation with its own marked source
is the control: the search finds it where records are shown, so a search that finds nothing is
not blind.
"""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError

from devtools.page_text import element_texts
from page_runner import open_data_tables, open_section, section_codes
from mirador import chart_export, exports, queries
from mirador.navigation import PAGES
from mirador.report import one_pager, workshop

DASHBOARD = "../../dashboard.py"
TINY = Path(__file__).resolve().parents[1] / "etl" / "data" / "tiny"
LANG = "es"

# Internal rows added to the tiny fixture: every id, source and note is a string found
# nowhere else. (The fixture already has two internal rows: PER-2019-004 and PER-2020-002.)
INTERNAL_ROWS = """\
INTERNO-SECRETO-001,PER,2020-02-10,prison,prison_administration,health_care,implemented,2020-09-01,no,accepted,sourced,https://interno.example.org/SECRETO-FUENTE-001,NOTA-INTERNA-XQZ celda 7 sin ventilación
INTERNO-SECRETO-002,PER,2019-04-01,police_custody,police,legal_safeguards,in_progress,2020-05-01,no,,sourced,https://interno.example.org/SECRETO-FUENTE-002,
INTERNO-SECRETO-003,URY,2021-06-01,prison,ministry_of_justice,staff,not_implemented,,no,rejected,estimate,,NOTA-INTERNA-XQZ traslado sin orden judicial
"""
INTERNAL_MARKERS = ("INTERNO-SECRETO", "SECRETO-FUENTE", "NOTA-INTERNA-XQZ", "celda 7 sin ventilación",
                    "traslado sin orden judicial", "PER-2019-004", "PER-2020-002",
                    "https://example.org/r4", "https://example.org/r6")
PUBLIC_ID = "PER-2019-001"
PUBLIC_SOURCE = "https://publico.example.org/VISIBLE-777"  # given to PUBLIC_ID: the control
# (the public table carries id, codes, dates, status and source; a note is never published)
FAILED = "failed: "  # key prefix of a download whose callable raised (its error as the text)


def _leaks(text: str) -> list[str]:
    return [marker for marker in INTERNAL_MARKERS if marker.lower() in text.lower()]


# ------------------------------------------------------------------ the dataset
@pytest.fixture(scope="module")
def source_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("internal_recs") / "input"
    shutil.copytree(TINY, folder)
    records = folder / "recommendations.csv"
    text = records.read_text(encoding="utf-8")
    public_row = next(line for line in text.splitlines() if line.startswith(PUBLIC_ID + ","))
    assert ",https://example.org/r1," in public_row
    text = text.replace(public_row, public_row.replace(",https://example.org/r1,", f",{PUBLIC_SOURCE},"))
    records.write_text(text.rstrip("\n") + "\n" + INTERNAL_ROWS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def internal_db(source_folder, make_database, use_database):
    with use_database(make_database(source_folder)) as path:
        yield path
    chart_export.stop_server()


# ------------------------------------------------------------------ what a visitor gets
class RecordingMediaFileManager(MediaFileManager):
    """AppTest makes a media manager per run and drops it: keep the last one, to produce the
    page's downloads (deferred ones run their callable, as a click would)."""
    last: "RecordingMediaFileManager | None" = None

    def __init__(self, storage):
        super().__init__(storage)
        RecordingMediaFileManager.last = self


def _decoded(file_name: str, content: bytes) -> str:
    """A download as text, the way a person would read it (by its extension)."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".pdf":
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if suffix == ".xlsx":
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    if suffix == ".parquet":
        return pl.read_parquet(io.BytesIO(content)).write_csv()
    if suffix in (".csv", ".json", ".svg", ".txt"):
        return content.decode("utf-8-sig")
    raise AssertionError(f"a download of an unexpected kind: {file_name}")


def _downloads(at: AppTest, manager: MediaFileManager) -> dict[str, str]:
    """file name -> decoded text of every download button on the page. PNGs are skipped: the
    same figure and title block as the SVG beside them, as pixels (no text to search)."""
    files = {}
    for button in at.get("download_button"):
        proto = button.proto
        if proto.deferred_file_id:
            if manager._deferred_callables[proto.deferred_file_id]["filename"].lower().endswith(".png"):
                continue
            try:
                url = manager.execute_deferred(proto.deferred_file_id)  # what a click does
            except MediaFileStorageError as error:  # reported by test_every_download_is_produced
                files[FAILED + proto.label] = repr(error.__cause__ or error)
                continue
        else:
            url = proto.url
        assert url, f"download {proto.label!r} has no data"
        stored = manager.read_file(url.rsplit("/", 1)[-1])
        files[stored.filename] = _decoded(stored.filename, stored.content)
    return files


def _run_page(page: str) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["lang"] = LANG
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _what_a_visitor_sees(page: str) -> dict[str, str]:
    """{"page": the text of every section tab, <download file name>: decoded download}, with
    every section opened in turn and every chart's "show data" table opened in each."""
    at = _run_page(page)
    texts, files = [], {}
    for code in section_codes(at, page) or (None,):
        if code is not None:
            open_section(at, code)
        open_data_tables(at)
        texts.append("\n".join(element_texts(at._tree)))
        files.update(_downloads(at, RecordingMediaFileManager.last))
    return {"page": "\n".join(texts), **files}


@pytest.fixture(scope="module")
def visitor_sees(internal_db) -> dict[str, dict[str, str]]:
    """page -> {"page": all its element text, <download file name>: decoded download}."""
    patch = pytest.MonkeyPatch()
    patch.setattr(app_test_module, "MediaFileManager", RecordingMediaFileManager)
    seen = {}
    try:
        for spec in PAGES:
            seen[spec.path] = _what_a_visitor_sees(spec.path)
    finally:
        patch.undo()
    return seen


# ------------------------------------------------------------------ the tests
def test_the_fixture_holds_internal_records(source_folder):
    raw = (source_folder / "recommendations.csv").read_text(encoding="utf-8")
    assert set(_leaks(raw)) == set(INTERNAL_MARKERS)  # every marker is really in the input
    records = pl.read_csv(source_folder / "recommendations.csv", infer_schema=False)
    assert records.filter(pl.col("is_public") == "no").height == 5


def test_no_public_page_shows_an_internal_recommendation(visitor_sees):
    assert {spec.path for spec in PAGES} <= set(visitor_sees)
    leaks = {page: _leaks(outputs["page"]) for page, outputs in visitor_sees.items() if _leaks(outputs["page"])}
    assert not leaks, leaks


def test_the_search_finds_public_records_where_records_are_shown(visitor_sees):
    shown = visitor_sees["pages/recommendations.py"]
    assert PUBLIC_ID in shown["page"] and PUBLIC_SOURCE in shown["page"]
    public_lists = {Path(name).suffix: text for name, text in shown.items()
                    if name.startswith("mirador_public_recommendations")}
    assert set(public_lists) == {".csv", ".parquet"}  # the whole list, in both formats (issue 12)
    assert all(PUBLIC_SOURCE in text for text in public_lists.values())


def test_every_download_is_produced(visitor_sees):
    failed = {(page, name): text for page, outputs in visitor_sees.items()
              for name, text in outputs.items() if name.startswith(FAILED)}
    assert not failed, failed


def test_no_download_holds_an_internal_recommendation(visitor_sees):
    downloads = {(page, name): text for page, outputs in visitor_sees.items()
                 for name, text in outputs.items() if name != "page" and not name.startswith(FAILED)}
    kinds = {Path(name).suffix for _, name in downloads}
    # The search covered every kind a visitor can take away.
    assert {".csv", ".xlsx", ".parquet", ".svg", ".pdf"} <= kinds, kinds
    methods = {name for page, name in downloads if page == "pages/methods.py"}
    assert len(methods) >= 3 * len(queries.EXPORT_TABLES)  # every table in every format, and the workshop PDF
    leaks = {key: _leaks(text) for key, text in downloads.items() if _leaks(text)}
    assert not leaks, leaks


def test_every_table_export_and_report_is_clean(internal_db):
    """Called directly too: every exportable table in every format, and the PDFs of every
    institution (the pages offer only the selected institution's one-pager)."""
    for table in queries.EXPORT_TABLES:
        for fmt_key, (extension, _) in exports.FORMATS.items():
            content = exports.to_bytes(queries.export_table(table), fmt_key, table, "cite", LANG)
            assert not _leaks(_decoded(f"x.{extension}", content)), (table, fmt_key)
    public = _decoded("x.csv", exports.to_bytes(queries.export_table("mart_public_recommendations"),
                                                 "csv", "mart_public_recommendations", "cite", LANG))
    assert PUBLIC_SOURCE in public
    for iso3 in queries.institution_codes():
        assert not _leaks(_decoded("x.pdf", one_pager.pdf_bytes(iso3, LANG))), iso3
    assert not _leaks(_decoded("x.pdf", workshop.pdf_bytes(LANG)))


def test_the_database_holds_no_internal_record(internal_db):
    """The guard at the data-access layer: no table of the published file (what every page,
    download and report reads) holds an internal id, source or note."""
    with duckdb.connect(str(internal_db), read_only=True) as con:
        tables = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        leaks = {}
        for table in tables:
            text = con.sql(f'SELECT * FROM "{table}"').pl().cast(pl.String, strict=False).write_csv()
            if _leaks(text):
                leaks[table] = _leaks(text)
        public_ids = {row[0] for row in con.execute(
            "SELECT recommendation_id FROM mart_public_recommendations").fetchall()}
    assert not leaks, leaks
    assert PUBLIC_ID in public_ids


def test_counts_leave_internal_recommendations_out(internal_db, source_folder):
    """Aggregates count public records (and reported totals) only: the counts minus the public
    list are the totals, so nothing internal can be rebuilt from them."""
    records = pl.read_csv(source_folder / "recommendations.csv", infer_schema=False)
    totals = pl.read_csv(source_folder / "recommendation_totals.csv", infer_schema=False)
    with duckdb.connect(str(internal_db), read_only=True) as con:
        for iso3 in ("PER", "URY"):
            counted = con.execute("SELECT sum(n_recommendations) FROM mart_recommendation_counts "
                                  "WHERE iso3 = ?", [iso3]).fetchone()[0]
            public = con.execute("SELECT count(*) FROM mart_public_recommendations WHERE iso3 = ?",
                                 [iso3]).fetchone()[0]
            mine = records.filter(pl.col("iso3") == iso3)
            reported = totals.filter(pl.col("iso3") == iso3)["n_recommendations"].cast(pl.Int64).sum()
            assert public == mine.filter(pl.col("is_public") == "yes").height, iso3
            assert counted == public + reported, iso3
            assert mine.filter(pl.col("is_public") == "no").height > 0, iso3  # so leaving them out shows
