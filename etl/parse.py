"""Text -> typed values, as polars expressions (no Python loop over rows).

A value that cannot be parsed becomes null; `validate` compares with the raw
text to report it. Words (vocabulary, countries, catalogue ids) are mapped over
the unique values only, through the `catalogue` package.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

import polars as pl

import catalogue

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel serial 1 = 1900-01-01 (with Excel's leap-year bug)

# Numbers: "1234.5", "1234,5", "1.234,5", "1.234.567", "1,234.5", "1 234,5", "45 %".
_PLAIN = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_DECIMAL_COMMA = r"^[+-]?\d+(\.\d{3})*(,\d+)?$"      # dots group thousands, comma is the decimal mark
_THOUSANDS_COMMA = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"  # checked after the above: "1,234" is 1.234

# Dates: ISO (time part allowed, as Excel date cells come out), dd/mm/yyyy, Excel serial.
_YMD = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_DMY = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_SERIAL = r"^\d{4,6}(\.\d+)?$"
_SERIAL_RANGE = (10_000, 2_958_465)  # 1927-05-18 .. 9999-12-31: a 4-digit year is never a serial

# Above this share of unique values, parsing the column directly is cheaper than via uniques.
_UNIQUE_SHARE = 0.5


def number(text: pl.Expr) -> pl.Expr:
    s = text.str.replace_all(r"[\s\u00a0\u202f'%]", "")
    return (
        pl.when(s.str.contains(_PLAIN)).then(s)
        .when(s.str.contains(_DECIMAL_COMMA))
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(s.str.contains(_THOUSANDS_COMMA)).then(s.str.replace_all(",", "", literal=True))
        .otherwise(None)
        .cast(pl.Float64, strict=False)
    )


def integer(text: pl.Expr) -> pl.Expr:
    value = number(text)
    return pl.when(value == value.floor()).then(value).otherwise(None).cast(pl.Int64, strict=False)


def _ymd(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    return pl.concat_str([year, month.str.zfill(2), day.str.zfill(2)], separator="-").str.to_date(
        "%Y-%m-%d", strict=False)


def date(text: pl.Expr) -> pl.Expr:
    ymd = text.str.extract_groups(_YMD)
    dmy = text.str.extract_groups(_DMY)
    serial = pl.when(text.str.contains(_SERIAL)).then(text).cast(pl.Float64, strict=False).floor()
    serial = pl.when(serial.is_between(*_SERIAL_RANGE)).then(serial)
    from_serial = pl.lit(EXCEL_EPOCH) + pl.duration(days=serial.cast(pl.Int64))
    return pl.coalesce(
        _ymd(ymd.struct.field("1"), ymd.struct.field("2"), ymd.struct.field("3")),
        _ymd(dmy.struct.field("3"), dmy.struct.field("2"), dmy.struct.field("1")),
        from_serial,
    )


def currency(text: pl.Expr) -> pl.Expr:
    upper = text.str.to_uppercase()
    return pl.when(upper.str.contains(r"^[A-Z]{3}$")).then(upper)


def parse_column(frame: pl.DataFrame, column: str, parser: Callable[[pl.Expr], pl.Expr],
                 dtype: pl.DataType) -> pl.Series:
    """Apply an expression parser, over the unique values when that is cheaper."""
    raw = frame.get_column(column)
    uniques = raw.drop_nulls().unique()
    if len(uniques) > _UNIQUE_SHARE * max(len(raw), 1):
        return frame.select(parser(pl.col(column)).cast(dtype).alias(column)).to_series()
    parsed = pl.DataFrame({"raw": uniques}).select(parser(pl.col("raw")).cast(dtype)).to_series()
    return raw.replace_strict(uniques, parsed, default=None, return_dtype=dtype)


def map_words(raw: pl.Series, to_code: Callable[[str], str | None]) -> pl.Series:
    """Words -> codes through one Python call per unique value (a few dozen, not a million)."""
    uniques = raw.drop_nulls().unique()
    codes = pl.Series([to_code(v) for v in uniques.to_list()], dtype=pl.String)
    return raw.replace_strict(uniques, codes, default=None, return_dtype=pl.String)


def vocabulary_mapper(domain: str) -> Callable[[str], str | None]:
    return lambda word: catalogue.normalise_term(domain, word)


def catalogue_ids(kind: str) -> dict[str, str]:
    """Folded id or label -> id, for the catalogues a column may refer to."""
    if kind == "input_indicator":
        rows = [r for r in catalogue.indicators() if r["kind"] == "input"]
        key = "indicator_id"
    elif kind == "criterion":
        rows, key = list(catalogue.criteria()), "criterion_id"
    elif kind == "context_variable":
        rows, key = list(catalogue.context_variables()), "variable"
    else:
        raise ValueError(f"unknown catalogue {kind}")
    index: dict[str, str] = {}
    for row in rows:
        for word in (row[key], row.get("label_en", ""), row.get("label_es", ""), row.get("label_pt", "")):
            if word:
                index.setdefault(catalogue.fold(word), row[key])
    return index


def catalogue_mapper(kind: str) -> Callable[[str], str | None]:
    index = catalogue_ids(kind)
    return lambda word: index.get(catalogue.fold(word))
