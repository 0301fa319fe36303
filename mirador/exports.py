"""Downloads of tables (CSV, Excel, Parquet) and the citation line: the one place where
a download's bytes are made (pages call `csv_bytes`, `excel_bytes` or `to_bytes`).

- Text stays text: a text cell starting with = + - @ tab or CR, which a spreadsheet
  would run as a formula, gets a leading ' (OWASP, "CSV injection"), in CSV and
  Excel alike; numbers are never touched (a negative number is a number).
- CSV: UTF-8 with a byte-order mark, so spreadsheet programs read accents right;
  for es/pt readers `;` between fields and a decimal comma, as Excel expects in
  those locales (a `,`-separated file opens there as one column); `,` and `.` in en.
- Excel: the table on one sheet, the citation on a second sheet ("cite"); every
  string is written as a string (xlsxwriter would turn "=..." into a live formula).
  Time-zone-aware timestamps are written as UTC without zone (Excel has none).
- Parquet: the table as is, with the citation in the file's key-value metadata.

The citation says when the data were loaded and whether they are partly
illustrative, in the reader's language.
"""
from __future__ import annotations

import datetime as dt
import io

import polars as pl

from mirador import formatting as fmt
from mirador.i18n import normalise_language, t

FORMATS = {  # format -> (file extension, MIME type)
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}
EXCEL_SHEET_MAX = 31  # Excel's limit on sheet-name length
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: a cell starting so may run as a formula
CSV_DIALECTS = {  # language -> (field separator, decimal comma): what Excel expects in that locale
    "es": (";", True),
    "pt": (";", True),
    "en": (",", False),
}
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,  # xlsxwriter's default would write "=HYPERLINK(...)" as a live formula
    "strings_to_numbers": False,   # text stays text, even when it looks like a number
    "strings_to_urls": False,      # a source URL is text, not a link Excel follows on a click
    "nan_inf_to_errors": True,     # NaN/inf as Excel error cells instead of a crash
}


def citation(lang: str, loaded_at: dt.datetime | None, partly_illustrative: bool) -> str:
    """'Mirador, data as of 28 November 2026, 18:51 UTC. APT / Mirador project; partly illustrative …'"""
    when = fmt.datetime(loaded_at, lang) if loaded_at else fmt.no_data(lang)
    text = t("methods_citation", lang, when=when)
    if partly_illustrative:
        text += t("methods_citation_illustrative", lang)
    return text + "."


def file_name(table: str, fmt_key: str, loaded_at: dt.datetime | None) -> str:
    """'mirador_mart_indicator_values_2026-11-28.csv' (the load date: a file says what it holds)."""
    stamp = f"_{loaded_at:%Y-%m-%d}" if loaded_at else ""
    return f"mirador_{table}{stamp}.{FORMATS[fmt_key][0]}"


def _naive_utc(df: pl.DataFrame) -> pl.DataFrame:
    zoned = [c for c, dtype in df.schema.items()
             if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None]
    return df.with_columns(pl.col(c).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
                           for c in zoned) if zoned else df


def _is_text(dtype: pl.DataType) -> bool:
    return isinstance(dtype, (pl.String, pl.Categorical, pl.Enum))


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with ' (numbers untouched)."""
    text_columns = [name for name, dtype in df.schema.items() if _is_text(dtype)]
    if not text_columns:
        return df
    return df.with_columns(_neutralised(pl.col(name).cast(pl.String)).alias(name) for name in text_columns)


def _spreadsheet_ready(df: pl.DataFrame) -> pl.DataFrame:
    """Formula-safe text, and NaN/inf as missing cells: a spreadsheet has no NaN (xlsxwriter
    would write an error formula, a CSV the word "NaN"), and missing is shown as missing."""
    floats = [name for name, dtype in df.schema.items() if dtype.is_float()]
    finite = df.with_columns(pl.when(pl.col(c).is_finite()).then(pl.col(c)).alias(c) for c in floats)
    return neutralise_formulas(finite)


def _neutralised(text: pl.Expr) -> pl.Expr:
    return pl.when(text.str.head(1).is_in(FORMULA_TRIGGERS)).then(pl.lit("'") + text).otherwise(text)


def csv_bytes(df: pl.DataFrame, lang: str) -> bytes:
    """The table as a CSV file that Excel opens right in the reader's language (see module doc)."""
    separator, decimal_comma = CSV_DIALECTS[normalise_language(lang)]
    return _spreadsheet_ready(df).write_csv(
        include_bom=True, separator=separator, decimal_comma=decimal_comma).encode("utf-8")


def excel_bytes(df: pl.DataFrame, sheet: str, cite: str) -> bytes:
    """The table on one sheet, the citation on a sheet "cite"; text as text, numbers as numbers."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS) as workbook:
        _spreadsheet_ready(_naive_utc(df)).write_excel(workbook, worksheet=sheet[:EXCEL_SHEET_MAX], autofit=True)
        workbook.add_worksheet("cite").write_string(0, 0, cite)
    return buffer.getvalue()


def parquet_bytes(df: pl.DataFrame, cite: str) -> bytes:
    buffer = io.BytesIO()
    df.write_parquet(buffer, metadata={"citation": cite})
    return buffer.getvalue()


def to_bytes(df: pl.DataFrame, fmt_key: str, table: str, cite: str, lang: str) -> bytes:
    """The table in one of FORMATS (`lang` sets the CSV separators and decimal mark)."""
    if fmt_key == "csv":
        return csv_bytes(df, lang)
    if fmt_key == "xlsx":
        return excel_bytes(df, table, cite)
    if fmt_key == "parquet":
        return parquet_bytes(df, cite)
    raise ValueError(fmt_key)
