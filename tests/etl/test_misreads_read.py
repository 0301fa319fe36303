"""No silent misreads (issue #7, reading side): every number as its writer meant it or an
error, every field kept or an error, workbook error cells named, one file per table.

Each test writes its own tiny file and checks what loads, or the problem that names it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from etl import read, validate
from tests.etl.conftest import TINY, append_line, problems_of, replace_in
from tests.etl.test_workbook import write_workbook_from_folder


def load(folder: Path):
    return validate.validate(read.read_source(folder))


def value_of(tables, table: str, **key):
    frame = tables[table]
    for column, wanted in key.items():
        frame = frame.filter(frame[column].cast(str) == str(wanted))
    [value] = frame["value" if "value" in frame.columns else "n_recommendations"].to_list()
    return value


def write(folder: Path, file: str, text: str, encoding: str = "utf-8") -> None:
    (folder / file).write_bytes(text.encode(encoding))


# ------------------------------------------------------------------ numbers by the file's convention
def test_semicolon_decimal_comma_file_reads_thousands_dots_as_thousands(tiny_copy):
    # A Lima staff member's export: decimal commas elsewhere in the column show that '.' groups thousands.
    write(tiny_copy, "context.csv", "iso3;year;variable;value;data_status;source;note\n"
                                    "PER;2020;usd_exchange_rate;3,75;estimate;;\n"
                                    "PER;2020;places_of_detention;1.132;estimate;;\n"
                                    "URY;2020;prison_population;15.000;estimate;;\n")
    result = load(tiny_copy)
    assert result.problems == [], [str(p) for p in result.problems]
    assert value_of(result.tables, "context", iso3="PER", variable="places_of_detention") == 1132.0
    assert value_of(result.tables, "context", iso3="URY", variable="prison_population") == 15000.0
    assert value_of(result.tables, "context", iso3="PER", variable="usd_exchange_rate") == 3.75


def test_point_groups_in_the_column_decide_a_lone_thousands_dot(tiny_copy):
    write(tiny_copy, "context.csv", "iso3;year;variable;value;data_status;source;note\n"
                                    "PER;2020;prison_population;1.049.867;estimate;;\n"
                                    "PER;2020;places_of_detention;1.132;estimate;;\n")
    result = load(tiny_copy)
    assert result.problems == [], [str(p) for p in result.problems]
    assert value_of(result.tables, "context", variable="places_of_detention") == 1132.0


def test_comma_decimal_point_file_reads_thousands_commas_as_thousands(tiny_copy):
    write(tiny_copy, "context.csv", 'iso3,year,variable,value,data_status,source,note\n'
                                    'PER,2020,usd_exchange_rate,3.75,estimate,,\n'
                                    'PER,2020,places_of_detention,"1,132",estimate,,\n')
    result = load(tiny_copy)
    assert result.problems == [], [str(p) for p in result.problems]
    assert value_of(result.tables, "context", variable="places_of_detention") == 1132.0


def test_ambiguous_value_without_evidence_is_rejected_with_both_readings(tiny_copy):
    replace_in(tiny_copy, "context.csv", "places_of_detention,300", "places_of_detention,1.000")
    [p] = [p for p in problems_of(tiny_copy) if p.column == "value"]
    assert (p.file, p.row, p.value) == ("context.csv", 4, "1.000")
    assert "1 or as 1000" in p.expected and "write 1000" in p.expected


def test_semicolon_alone_does_not_decide_a_count(tiny_copy):
    # Typical of es/pt Excel, but not proof: a count of 1.000 with nothing else to go by is asked for, not guessed.
    write(tiny_copy, "recommendation_totals.csv",
          "iso3;year_issued;implementation_status;n_recommendations;place_type;theme;authority;data_status;source;note\n"
          "URY;2019;in_progress;1.000;;;;estimate;;\n"
          "URY;2019;no_information;8;;;;estimate;;\n")
    [p] = [p for p in problems_of(tiny_copy) if p.column == "n_recommendations"]
    assert (p.row, p.value) == (2, "1.000")
    assert "1000" in p.expected


def test_a_count_never_becomes_a_fraction(tiny_copy):
    # The column writes decimal commas, so 1,000 would be 1,0: for a count that reading is refused.
    write(tiny_copy, "recommendation_totals.csv",
          "iso3;year_issued;implementation_status;n_recommendations;place_type;theme;authority;data_status;source;note\n"
          "URY;2019;in_progress;10,0;;;;estimate;;\n"
          "URY;2019;no_information;1,000;;;;estimate;;\n")
    [p] = [p for p in problems_of(tiny_copy) if p.column == "n_recommendations"]
    assert (p.row, p.value) == (3, "1,000")
    assert "whole number" in p.expected


def test_a_column_written_both_ways_decides_nothing(tiny_copy):
    write(tiny_copy, "context.csv", 'iso3,year,variable,value,data_status,source,note\n'
                                    'PER,2020,usd_exchange_rate,"3,75",estimate,,\n'
                                    'PER,2020,prison_population,"100,000.5",estimate,,\n'
                                    'PER,2020,places_of_detention,1.132,estimate,,\n')
    [p] = [p for p in problems_of(tiny_copy) if p.column == "value"]
    assert (p.row, p.value) == (4, "1.132")
    assert "both ways" in p.expected


@pytest.mark.parametrize("typed", ["1e999", "-1e999", "inf", "nan", "Infinity"])
def test_only_finite_numbers(tiny_copy, typed):
    replace_in(tiny_copy, "observations.csv", "npm_budget_lcu,3000000", f"npm_budget_lcu,{typed}")
    [p] = [p for p in problems_of(tiny_copy) if p.column == "value"]
    assert (p.row, p.value) == (3, typed)


def test_too_large_number_says_so(tiny_copy):
    replace_in(tiny_copy, "context.csv", "prison_population,100000", "prison_population,1e999")
    [p] = [p for p in problems_of(tiny_copy) if p.column == "value"]
    assert "finite" in p.expected


# ------------------------------------------------------------------ every field kept or an error
def test_unquoted_comma_in_a_note_is_an_error_not_a_cut(tiny_copy):
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,5,estimate,,Dato aproximado, redondeado")
    [p] = [p for p in problems_of(tiny_copy) if p.file == "observations.csv"]
    assert (p.row, p.value) == (9, " redondeado")
    assert "7 fields" in p.expected and "8" in p.expected and "quotes" in p.expected


def test_row_with_missing_fields_is_an_error(tiny_copy):
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,5,estimate")
    [p] = [p for p in problems_of(tiny_copy) if p.file == "observations.csv"]
    assert p.row == 9 and "this row has 5" in p.expected


def test_empty_trailing_fields_lose_nothing_and_pass(tiny_copy):
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,5,estimate,,,,")
    assert problems_of(tiny_copy) == []


def test_a_big_file_without_quotes_is_checked_like_a_small_one(tiny_copy):
    # Past 64 KB a file without a quote is split into cells while its fields are counted
    # (two threads): the same rows must be named as in a small file.
    for year in range(2000, 2020):  # rows 9-28: 20 x 4,000 characters of note
        append_line(tiny_copy, "observations.csv", f"PER,{year},npm_staff,5,estimate,," + "n" * 4_000)
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,5,estimate,,Dato aproximado, redondeado")
    append_line(tiny_copy, "observations.csv", "URY,2021,npm_staff,5,estimate")
    append_line(tiny_copy, "observations.csv", "URY,2022,npm_staff,5,estimate,,,,")
    append_line(tiny_copy, "observations.csv", "URY,2023,npm_staff,5,estimate,,bell\x07")
    assert (tiny_copy / "observations.csv").stat().st_size > read.SNIFF_BYTES
    found = [p for p in problems_of(tiny_copy) if p.file == "observations.csv"]
    assert [(p.row, p.column) for p in found] == [(29, None), (30, None), (32, "note")], found
    assert found[0].value == " redondeado" and "this row has 5" in found[1].expected
    assert "control characters" in found[2].expected


@pytest.mark.parametrize("odd_line, expected_rows", [
    ("a,b", [(2003, "a,b")]),      # one field short: no line is longer, so only the count can tell
    ("a,b,c,d", [(2003, "d")]),    # one filled field too many
    ("", []),                      # a blank line loses nothing
    ("a,b,c,,", []),               # empty trailing fields (Excel pads rows that way) lose nothing
])
def test_a_big_file_without_quotes_counts_every_lines_fields(odd_line, expected_rows):
    lines = ["x,y,z"] + [f"{i},{'v' * 40},w" for i in range(2, 2003)] + [odd_line, "last,row,here"]
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) > read.SNIFF_BYTES
    frame, _, problems = read.read_csv_file(data, "big.csv")
    assert [(p.row, p.value) for p in problems] == expected_rows
    assert frame.height == 2003 and frame["x"][-1] == "last"


def test_quoted_line_break_keeps_the_row_count_right(tiny_copy):
    append_line(tiny_copy, "observations.csv", 'PER,2021,npm_staff,5,estimate,,"two\nlines"')
    append_line(tiny_copy, "observations.csv", "PER,2022,npm_staff,5,estimate,,,extra")
    [p] = problems_of(tiny_copy)
    assert (p.row, p.value) == (10, "extra")  # the quoted line break is one spreadsheet row


def test_unclosed_quote_names_its_row_and_echoes_little(tiny_copy):
    append_line(tiny_copy, "observations.csv", 'PER,2021,npm_staff,5,estimate,,"never closed')
    for year in range(2022, 4000):  # ~60 KB that the open quote would swallow
        append_line(tiny_copy, "observations.csv", f"PER,{year},npm_staff,5,estimate,,a note")
    [p] = [p for p in problems_of(tiny_copy) if p.file == "observations.csv"]
    assert p.row == 9 and "quote" in p.expected
    assert len(str(p)) < 600, str(p)


def test_nul_and_control_characters_name_row_and_column(tiny_copy):
    replace_in(tiny_copy, "institutions.csv", "Defensoría del Pueblo", "Defensoría\x00 del Pueblo")
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,5,estimate,,bell\x07")
    found = {(p.file, p.row, p.column) for p in problems_of(tiny_copy)}
    assert ("institutions.csv", 2, "institution_name") in found
    assert ("observations.csv", 9, "note") in found


def test_tab_and_line_break_inside_a_note_are_text(tiny_copy):
    append_line(tiny_copy, "observations.csv", 'PER,2021,npm_staff,5,estimate,,"a\tb\nc"')
    assert problems_of(tiny_copy) == []


def test_cell_length_limits_and_short_echo(tiny_copy):
    huge = "x" * 1_000_000
    replace_in(tiny_copy, "institutions.csv", "Defensoría del Pueblo", huge)
    [p] = [p for p in problems_of(tiny_copy) if p.column == "institution_name"]
    assert p.row == 2 and "500" in p.expected
    assert len(str(p)) < 400  # the value is echoed in about 80 characters


def test_long_notes_are_allowed_up_to_their_limit(tiny_copy):
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,5,estimate,," + "n" * 4_000)
    assert problems_of(tiny_copy) == []
    append_line(tiny_copy, "observations.csv", "PER,2022,npm_staff,5,estimate,," + "n" * 6_000)
    [p] = problems_of(tiny_copy)
    assert (p.row, p.column) == (10, "note")


def test_spreadsheet_error_saved_in_a_csv_is_an_error(tiny_copy):
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,5,estimate,,#N/A")
    [p] = problems_of(tiny_copy)
    assert (p.row, p.column, p.value) == (9, "note", "#N/A")
    assert "spreadsheet error" in p.expected


def test_utf16_csv_as_excel_saves_unicode_text(tiny_copy):
    text = (tiny_copy / "context.csv").read_text(encoding="utf-8").replace(",", "\t")
    (tiny_copy / "context.csv").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    assert problems_of(tiny_copy) == []


# ------------------------------------------------------------------ workbook cells as they are
def test_workbook_error_cells_name_sheet_cell_and_code(tmp_path):
    book = write_workbook_from_folder(TINY, tmp_path / "book.xlsx", edit={
        ("observations", 2, "note"): "#N/A",          # optional column: not "not reported"
        ("observations", 3, "value"): "#DIV/0!",      # required column: not "blank"
        ("context", 4, "source"): "#NAME?",
    })
    assert openpyxl.load_workbook(book)["observations"]["G2"].data_type == "e"  # real error cells
    problems = validate.validate(read.read_source(book)).problems
    errors = {(p.sheet, p.row, p.column): p.expected for p in problems if "spreadsheet error" in p.expected}
    assert "#N/A in cell G2" in errors[("observations", 2, "note")]
    assert "#DIV/0! in cell D3" in errors[("observations", 3, "value")]
    assert "#NAME? in cell F4" in errors[("context", 4, "source")]
    assert not any("required" in p.expected for p in problems if (p.sheet, p.row) == ("observations", 3))


def test_workbook_error_cell_named_where_the_table_starts_late(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "institutions"
    header = ["iso3", "country_name_es", "country_name_pt", "country_name_en", "institution_name", "npm_unit_name",
              "npm_type", "currency", "opcat_ratification_date", "data_status"]
    for offset, name in enumerate(header):
        sheet.cell(3, 3 + offset, name)  # the table starts at C3
        sheet.cell(4, 3 + offset, {"iso3": "PER", "npm_type": "ombuds_institution", "currency": "PEN",
                                   "opcat_ratification_date": "2006-01-01", "data_status": "estimate"}.get(name, "x"))
    sheet["G4"] = "#REF!"
    book.save(tmp_path / "late.xlsx")
    [p] = [p for p in read.read_source(tmp_path / "late.xlsx").problems if "spreadsheet error" in p.expected]
    assert (p.sheet, p.row, p.column) == ("institutions", 4, "institution_name")
    assert "cell G4" in p.expected


def test_workbook_numbers_are_exact_and_text_numbers_follow_the_rules(tmp_path):
    book = write_workbook_from_folder(TINY, tmp_path / "book.xlsx", edit={
        ("context", 2, "value"): 3.752,    # a number cell: exact, whatever it looks like as text
        ("context", 3, "value"): "1.000",  # a text cell: ambiguous, nothing in the column decides it
    })
    result = validate.validate(read.read_source(book))
    [p] = result.problems
    assert (p.sheet, p.row, p.value) == ("context", 3, "1.000")
    book = write_workbook_from_folder(TINY, tmp_path / "book2.xlsx", edit={("context", 2, "value"): 3.752})
    result = validate.validate(read.read_source(book))
    assert result.problems == []
    assert value_of(result.tables, "context", variable="usd_exchange_rate") == 3.752


def test_two_sheets_for_one_table_are_reported(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "observations"
    book.create_sheet("Observations ")
    book.save(tmp_path / "two.xlsx")
    problems = read.read_source(tmp_path / "two.xlsx").problems
    [p] = [p for p in problems if p.table == "observations"]
    assert "'observations'" in p.expected and "'Observations '" in p.expected


# ------------------------------------------------------------------ one file per table, inside the folder
def test_two_files_for_one_table_are_both_named(tiny_copy):
    shutil.copy(tiny_copy / "observations.csv", tiny_copy / "Observations.csv")
    [p] = [p for p in problems_of(tiny_copy) if p.table == "observations"]
    assert "Observations.csv" in p.expected and "observations.csv" in p.expected


def test_csv_beside_a_workbook_of_the_same_table(tiny_copy):
    (tiny_copy / "context.xlsx").write_bytes(b"not read")
    [p] = [p for p in problems_of(tiny_copy) if p.table == "context"]
    assert "context.csv" in p.expected and "context.xlsx" in p.expected


def test_files_nobody_reads_are_reported(tiny_copy):
    (tiny_copy / "notas.txt").write_text("apuntes")
    (tiny_copy / "extra.csv").write_text("a,b\n1,2\n")
    source = read.read_source(tiny_copy)
    assert any("notas.txt" in w for w in source.warnings)
    assert any("extra.csv" in w for w in source.warnings)


def test_a_link_out_of_the_source_folder_is_not_followed(tiny_copy, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(tiny_copy / "context.csv", outside)
    os.remove(tiny_copy / "context.csv")
    os.symlink(outside, tiny_copy / "context.csv")
    source = read.read_source(tiny_copy)
    [p] = [p for p in source.problems if p.table == "context"]
    assert "outside" in p.expected and "context" not in source.tables


def test_a_link_inside_the_folder_is_read(tiny_copy):
    (tiny_copy / "data").mkdir()
    shutil.move(tiny_copy / "context.csv", tiny_copy / "data" / "context.csv")
    os.symlink(tiny_copy / "data" / "context.csv", tiny_copy / "context.csv")
    assert problems_of(tiny_copy) == []
