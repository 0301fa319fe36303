"""Downloads of whole tables (CSV, Excel, Parquet) and the citation line.

- CSV: UTF-8 with a byte-order mark, so spreadsheet programs read accents right.
- Excel: the table on one sheet, the citation on a second sheet ("cite").
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
from mirador.i18n import t

FORMATS = {  # format -> (file extension, MIME type)
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}
EXCEL_SHEET_MAX = 31  # Excel's limit on sheet-name length


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


def csv_bytes(df: pl.DataFrame) -> bytes:
    return df.write_csv(include_bom=True).encode("utf-8")


def excel_bytes(df: pl.DataFrame, sheet: str, cite: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as workbook:
        _naive_utc(df).write_excel(workbook, worksheet=sheet[:EXCEL_SHEET_MAX], autofit=True)
        workbook.add_worksheet("cite").write(0, 0, cite)
    return buffer.getvalue()


def parquet_bytes(df: pl.DataFrame, cite: str) -> bytes:
    buffer = io.BytesIO()
    df.write_parquet(buffer, metadata={"citation": cite})
    return buffer.getvalue()


def to_bytes(df: pl.DataFrame, fmt_key: str, table: str, cite: str) -> bytes:
    """The table in one of FORMATS."""
    if fmt_key == "csv":
        return csv_bytes(df)
    if fmt_key == "xlsx":
        return excel_bytes(df, table, cite)
    if fmt_key == "parquet":
        return parquet_bytes(df, cite)
    raise ValueError(fmt_key)
