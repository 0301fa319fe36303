"""The text parsers: numbers and dates as people type them, and the CSV reader."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from etl import parse, read


def parsed(parser, texts):
    return pl.DataFrame({"raw": texts}, schema={"raw": pl.String}).select(parser(pl.col("raw"))).to_series().to_list()


@pytest.mark.parametrize(("text", "value"), [
    ("1234.5", 1234.5), ("1234,5", 1234.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("1.234.567", 1234567.0), ("1,234,567", 1234567.0), ("1 234,5", 1234.5), ("80 %", 80.0),
    ("-3", -3.0), ("0,5", 0.5), ("2,5e3", None), ("1e3", 1000.0), ("abc", None), ("1.2.3", None),
    ("1,2,3", None), ("", None),
])
def test_number(text, value):
    assert parsed(parse.number, [text]) == [value]


def test_integer_accepts_excel_whole_floats_only():
    assert parsed(parse.integer, ["2020", "2020.0", "2020.5", "x"]) == [2020, 2020, None, None]


@pytest.mark.parametrize(("text", "value"), [
    ("2020-01-31", dt.date(2020, 1, 31)),
    ("2020-1-5", dt.date(2020, 1, 5)),
    ("2020-01-31 00:00:00", dt.date(2020, 1, 31)),   # an Excel date cell read as text
    ("31/01/2020", dt.date(2020, 1, 31)),
    ("1/2/2020", dt.date(2020, 2, 1)),               # day first, as in es/pt
    ("31.12.2019", dt.date(2019, 12, 31)),
    ("43831", dt.date(2020, 1, 1)),                  # Excel serial
    ("43831.75", dt.date(2020, 1, 1)),               # serial with a time of day
    ("2020", None),                                  # a year is not a date (nor a serial)
    ("2020-02-30", None), ("31/02/2019", None), ("May 2019", None),
])
def test_date(text, value):
    assert parsed(parse.date, [text]) == [value]


def test_country_codes_and_names():
    assert [parse.country_code(w) for w in ("PER", "Perú", "peru", " República del Perú ", "XAB", "Atlantis")] == [
        "PER", "PER", "PER", "PER", "XAB", None]


def test_csv_reader_sniffs_semicolons_and_windows_1252():
    data = "iso3;value\nPER;1,5\nESP;Año\n".encode("cp1252")
    frame = read.read_csv_bytes(data)
    assert frame.columns == [read.ROW, "iso3", "value"]
    assert frame["value"].to_list() == ["1,5", "Año"]
    assert frame[read.ROW].to_list() == [2, 3]


def test_csv_reader_utf8_bom_and_leading_blank_lines():
    data = b"\xef\xbb\xbf\n\niso3,value\r\nPER,1\r\n"
    frame = read.read_csv_bytes(data)
    assert frame.columns == [read.ROW, "iso3", "value"]
    assert frame[read.ROW].to_list() == [4]  # two blank lines, header on row 3
