"""The same data as a CSV folder or as one workbook gives the same validated tables;
the blank template explains every column and has every table."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
from polars.testing import assert_frame_equal

from etl.contracts import DATE, INPUT_TABLES, INPUT_TABLES_BY_NAME, INTEGER, NUMBER
from etl.template import write_template
from tests.etl.conftest import MESSY, TINY, validated


def _cell(value: str, column_type: str):
    """Typed Excel cells, as a person's workbook would hold them (real dates and numbers)."""
    if value == "":
        return None
    if column_type == DATE:
        return dt.date.fromisoformat(value)
    if column_type in (INTEGER, NUMBER):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def write_workbook_from_folder(folder: Path, out: Path, edit: dict | None = None,
                               workbook: openpyxl.Workbook | None = None) -> Path:
    """Each CSV of `folder` as a sheet of `out`; `edit` maps (sheet, row, column) -> raw cell value."""
    edit = edit or {}
    book = workbook or openpyxl.Workbook()
    if workbook is None:
        book.active.title = "README"
        book.active["A1"] = "ignored by the reader"
    for path in sorted(folder.glob("*.csv")):
        table = INPUT_TABLES_BY_NAME[path.stem]
        sheet = book[table.name] if table.name in book.sheetnames else book.create_sheet(table.name)
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        for c, name in enumerate(header, start=1):
            sheet.cell(1, c, name)
        for r, row in enumerate(rows[1:], start=2):
            for c, (name, value) in enumerate(zip(header, row), start=1):
                cell = _cell(value, table.column(name).type)
                sheet.cell(r, c, edit.get((table.name, r, name), cell))
    book.save(out)
    return out


def test_workbook_gives_the_same_tables_as_the_csv_folder(tmp_path):
    book = write_workbook_from_folder(TINY, tmp_path / "tiny.xlsx")
    from_csv, from_xlsx = validated(TINY), validated(book)
    assert from_csv.keys() == from_xlsx.keys()
    for name in from_csv:
        assert_frame_equal(from_csv[name], from_xlsx[name], categorical_as_str=True)


def test_messy_csv_folder_gives_the_same_tables_as_the_clean_one():
    # messy/: BOM and Windows-1252, semicolons, decimal commas (3.000.000 / 60.000.000,00),
    # dd/mm/yyyy and Excel serial dates, Spanish/Portuguese words with and without accents,
    # country names, header case and spaces, stray spaces, empty trailing rows and columns.
    clean, messy = validated(TINY), validated(MESSY)
    for name in clean:
        assert_frame_equal(clean[name], messy[name], categorical_as_str=True)


def test_workbook_rows_below_an_empty_top_keep_their_numbers(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "README"
    write_workbook_from_folder(TINY, tmp_path / "a.xlsx", edit={("context", 3, "value"): "lots"}, workbook=book)
    from etl import read, validate

    [p] = validate.validate(read.read_source(tmp_path / "a.xlsx")).problems
    assert (p.sheet, p.row, p.column, p.value) == ("context", 3, "value", "lots")


def test_template_has_a_readme_and_every_table(tmp_path):
    out = write_template(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["README", *[t.name for t in INPUT_TABLES]]
    for table in INPUT_TABLES:
        header = next(book[table.name].iter_rows(max_row=1, values_only=True))
        assert list(header) == table.column_names
    readme = [row for row in book["README"].iter_rows(values_only=True)]
    text = "\n".join(" | ".join(str(v) for v in row if v is not None) for row in readme)
    for table in INPUT_TABLES:
        for column in table.columns:
            described = [r for r in readme if r[0] == table.name and r[1] == column.name]
            assert described, (table.name, column.name)
            en, es, pt = described[0][5:8]
            assert en and es and pt, (table.name, column.name)
    # allowed values are spelled out, in the three languages
    assert "no_information" in text and "Sin información" in text and "Sem informação" in text


def test_filled_template_reads_back_like_the_csv_folder(tmp_path):
    template = write_template(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(template)
    filled = write_workbook_from_folder(TINY, tmp_path / "filled.xlsx", workbook=book)
    from_csv, from_xlsx = validated(TINY), validated(filled)
    for name in from_csv:
        assert_frame_equal(from_csv[name], from_xlsx[name], categorical_as_str=True)


def test_blank_template_is_checked_without_crashing(tmp_path):
    from etl import pipeline

    problems = pipeline.check(write_template(tmp_path / "template.xlsx"))
    assert [p.expected for p in problems] == ["at least one institution row"]


def test_header_below_empty_rows_gives_spreadsheet_row_numbers(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "README"
    path = write_workbook_from_folder(TINY, tmp_path / "a.xlsx", workbook=book)
    book = openpyxl.load_workbook(path)
    book["context"].insert_rows(1, amount=2)  # header now in row 3, first data row 4
    book["context"]["D5"] = "lots"            # second data row
    book.save(path)
    from etl import read, validate

    [p] = validate.validate(read.read_source(path)).problems
    assert (p.sheet, p.row, p.column, p.value) == ("context", 5, "value", "lots")


def test_damaged_workbook_is_a_problem_not_a_crash(tmp_path):
    from etl import pipeline

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip file")
    [p] = pipeline.check(bad)
    assert p.file == "bad.xlsx" and "readable .xlsx" in p.expected


def test_percent_formatted_cells_read_as_typed(tmp_path):
    # A person types "80 %" in Excel; the file stores 0.8 with a percent format.
    path = write_workbook_from_folder(TINY, tmp_path / "pct.xlsx")
    book = openpyxl.load_workbook(path)
    cell = book["observations"]["D6"]  # information_requests_answered_pct, 80
    cell.value, cell.number_format = 0.8, "0%"
    book.save(path)
    observations = validated(path)["observations"]
    value = observations.filter(observations["indicator_id"] == "information_requests_answered_pct")["value"]
    assert value.to_list() == [80.0]


def test_template_lists_every_catalogue_country_once_at_the_end_of_its_readme(tmp_path):
    import csv
    countries_csv = Path(__file__).resolve().parents[2] / "catalogue" / "countries.csv"
    with open(countries_csv, encoding="utf-8", newline="") as f:
        expected = {r["iso3"]: r["name_es"] for r in csv.DictReader(f)}
    book = openpyxl.load_workbook(write_template(tmp_path / "template.xlsx"), read_only=True)
    rows = [row for row in book["README"].iter_rows(values_only=True)]
    listed = {row[1]: row[3] for row in rows if row[1] in expected and row[0] in (None, "")}
    assert listed == expected
    assert max(len(str(v)) for row in rows for v in row if v is not None) < 2000  # no 10 KB cell
