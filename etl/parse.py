"""Text -> typed values, as polars expressions (no Python loop over rows).

A value that cannot be parsed becomes null; `validate` compares with the raw
text to report it. Words (vocabulary, countries, catalogue ids) are mapped over
the unique values only, through the `catalogue` package.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ColumnParser:
    """How one raw text column becomes a typed one: an expression, or a word mapper."""
    raw: str
    out: str
    dtype: pl.DataType
    expression: Callable[[pl.Expr], pl.Expr] | None = None   # vectorised text parser
    word: Callable[[str], str | None] | None = None           # called once per unique word


def parse_frame(frame: pl.DataFrame, parsers: list[ColumnParser]) -> pl.DataFrame:
    """Add every parsed column in one pass.

    Each parser runs over the column's unique values (a date column of a million
    recommendations has a few thousand distinct dates) and the result is mapped
    back with a hash lookup; columns that are mostly unique are parsed directly.
    """
    if not parsers:
        return frame
    uniques = frame.select([pl.col(p.raw).drop_nulls().unique().implode() for p in parsers]).row(0)
    expressions = []
    for parser, values in zip(parsers, uniques):
        values = pl.Series(values, dtype=pl.String)
        if parser.word is not None:
            parsed = pl.Series([parser.word(v) for v in values.to_list()], dtype=parser.dtype)
        elif len(values) > _UNIQUE_SHARE * max(frame.height, 1):
            expressions.append(parser.expression(pl.col(parser.raw)).cast(parser.dtype).alias(parser.out))
            continue
        else:
            parsed = pl.DataFrame({"raw": values}).select(
                parser.expression(pl.col("raw")).cast(parser.dtype)).to_series()
        expressions.append(pl.col(parser.raw).replace_strict(values, parsed, default=None,
                                                             return_dtype=parser.dtype).alias(parser.out))
    return frame.with_columns(expressions)


def country_code(word: str) -> str | None:
    """ISO3 of a country name/code; an unlisted three-letter code is taken as an ISO3 code as typed."""
    code = catalogue.normalise_country(word)
    if code is None and re.fullmatch(r"[A-Za-z]{3}", word.strip()):
        code = word.strip().upper()
    return code


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
