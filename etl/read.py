"""Raw files -> string frames, each row tagged with the row number a person sees.

Everything is read as text (nothing is guessed here): parsing and checking is
`validate`'s job, so a CSV folder and a workbook go through exactly the same
code after this step. Row numbers follow the spreadsheet: the header is row 1.
"""
from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from catalogue import fold
from etl.contracts import INPUT_TABLES, INPUT_TABLES_BY_NAME, NUMBER
from etl.problems import Problem

ROW = "__row"                 # spreadsheet row number column carried through validation
DELIMITERS = (",", ";", "\t")
IGNORED_SHEETS = {"readme", "leeme", "leia me", "leiame"}
SNIFF_BYTES = 64 * 1024


@dataclass
class RawTable:
    name: str                 # contract table name
    frame: pl.DataFrame       # all String columns (header as typed) + ROW
    file: str                 # file name shown in messages
    sheet: str | None = None  # sheet name for workbooks


@dataclass
class SourceFile:
    name: str
    sha256: str
    rows: int


@dataclass
class RawSource:
    path: Path
    tables: dict[str, RawTable] = field(default_factory=dict)
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_source(path: str | Path) -> RawSource:
    """Read a folder of CSVs or one .xlsx workbook."""
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path)
    if path.suffix.lower() == ".csv":
        # A single CSV: read the folder it sits in (the other tables live beside it).
        return _read_folder(path.parent)
    raise FileNotFoundError(f"{path} is neither a folder of CSV files nor an .xlsx workbook")


# ---------------------------------------------------------------------------- CSV
def _read_folder(folder: Path) -> RawSource:
    source = RawSource(folder)
    csv_by_table: dict[str, Path] = {}
    for csv_path in sorted(folder.glob("*")):
        if csv_path.suffix.lower() != ".csv" or not csv_path.is_file():
            continue
        table = _table_for(csv_path.stem)
        if table is None:
            source.warnings.append(f"{csv_path.name}: not one of the expected tables; ignored")
        else:
            csv_by_table[table] = csv_path
    for table in INPUT_TABLES:
        csv_path = csv_by_table.get(table.name)
        if csv_path is None:
            if not table.optional:
                source.problems.append(Problem(
                    file=f"{table.name}.csv", column=None, row=None, value=None,
                    expected=f"a file {table.name}.csv in {folder}", table=table.name))
            continue
        data = csv_path.read_bytes()
        try:
            frame = read_csv_bytes(data)
        except Exception as exc:  # a malformed file is a problem to report, not a crash
            source.problems.append(Problem(file=csv_path.name, row=None, column=None, value=None,
                                           expected=f"a readable CSV file ({exc})", table=table.name))
            continue
        frame = _drop_empty_tail_rows(frame)
        source.tables[table.name] = RawTable(table.name, frame, csv_path.name)
        source.files.append(SourceFile(csv_path.name, hashlib.sha256(data).hexdigest(), frame.height))
    return source


def windows_1252_to_utf8(data: bytes) -> bytes:
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: latin-1 maps every byte
        return data.decode("latin-1").encode("utf-8")


def sniff_delimiter(data: bytes) -> str:
    """The delimiter that splits the header line most often (ties: comma)."""
    head = data[:SNIFF_BYTES].decode("utf-8", errors="replace")
    header = next((line for line in head.splitlines() if line.strip()), "")
    unquoted = "".join(part for i, part in enumerate(header.split('"')) if i % 2 == 0)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv_bytes(data: bytes) -> pl.DataFrame:
    """UTF-8 (BOM or not) or Windows-1252, any of DELIMITERS, every cell as text."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    # Leading blank lines would shift every row number: count and skip them.
    blank_lines = 0
    if data[:1] in (b"\r", b"\n"):
        stripped = data.lstrip(b"\r\n")
        blank_lines = data[: len(data) - len(stripped)].count(b"\n")
        data = stripped
    if not data or data.isspace():  # isspace stops at the first character: no copy of a big file
        return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)})
    try:
        # polars checks UTF-8 itself (no separate decode pass over a large file)
        frame = _polars_csv(data, blank_lines)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower():
            raise
        frame = _polars_csv(windows_1252_to_utf8(data), blank_lines)
    return frame.with_columns(pl.col(ROW).cast(pl.Int64))


def _polars_csv(data: bytes, blank_lines: int) -> pl.DataFrame:
    return pl.read_csv(
        data, separator=sniff_delimiter(data), infer_schema=False, has_header=True,
        truncate_ragged_lines=True, row_index_name=ROW, row_index_offset=2 + blank_lines,
        raise_if_empty=False,
    )


# ---------------------------------------------------------------------------- XLSX
def _read_workbook(path: Path) -> RawSource:
    import fastexcel

    source = RawSource(path)
    data = path.read_bytes()
    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # not a workbook, or a damaged one: say so, do not crash
        source.problems.append(Problem(file=path.name, row=None, column=None, value=None,
                                       expected=f"a readable .xlsx workbook ({exc})"))
        return source
    sheet_by_table: dict[str, str] = {}
    for sheet in reader.sheet_names:
        if fold(sheet) in IGNORED_SHEETS:
            continue
        table = _table_for(sheet)
        if table is None:
            source.warnings.append(f"{path.name}, sheet {sheet!r}: not one of the expected tables; ignored")
        else:
            sheet_by_table[table] = sheet
    total_rows = 0
    layout = _sheet_layout(path, sheet_by_table)
    for table in INPUT_TABLES:
        sheet = sheet_by_table.get(table.name)
        if sheet is None:
            if not table.optional:
                source.problems.append(Problem(
                    file=path.name, sheet=table.name, row=None, column=None, value=None,
                    expected=f"a sheet named {table.name}", table=table.name))
            continue
        header_row, percent_rows = layout[sheet]
        frame = _as_percent(_read_sheet(reader, sheet, header_row), percent_rows)
        frame = _drop_empty_tail_rows(frame)
        total_rows += frame.height
        source.tables[table.name] = RawTable(table.name, frame, path.name, sheet)
    source.files.append(SourceFile(path.name, hashlib.sha256(data).hexdigest(), total_rows))
    return source


def _read_sheet(reader, sheet: str, header_row: int) -> pl.DataFrame:
    # dtypes="string" turns number cells into "2.5"/"2020" and date cells into
    # "2020-01-31 00:00:00", which the text parsers in `validate` understand.
    loaded = reader.load_sheet(sheet, header_row=None, dtypes="string")
    grid = loaded.to_polars()
    if grid.height == 0:
        return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)})
    header = [("" if v is None else str(v)) for v in grid.row(0)]
    names = _unique_names(header)
    body = grid.slice(1).rename(dict(zip(grid.columns, names)))
    return body.with_row_index(ROW, offset=header_row + 1).with_columns(pl.col(ROW).cast(pl.Int64))


# Above this many rows, scanning cell formats with openpyxl would dominate the read.
PERCENT_SCAN_MAX_ROWS = 200_000


def _sheet_layout(path: Path, sheet_by_table: dict[str, str]) -> dict[str, tuple[int, dict[str, list[int]]]]:
    """Per sheet: the header's row number and the percent-formatted cells of number columns.

    calamine trims leading empty rows (a person does not), and it gives the
    stored value of a cell formatted as a percentage: 80 % is stored as 0.8.
    """
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        layout = {}
        for table, sheet in sheet_by_table.items():
            worksheet = workbook[sheet]
            header_row, header = 1, ()
            for number, row in enumerate(worksheet.iter_rows(), start=1):
                if any(c.value is not None and str(c.value).strip() for c in row):
                    header_row, header = number, row
                    break
            layout[sheet] = (header_row, _percent_rows(worksheet, header_row, header, table))
        return layout
    finally:
        workbook.close()


def _percent_rows(worksheet, header_row: int, header, table: str) -> dict[str, list[int]]:
    numeric = {fold(c.name) for c in INPUT_TABLES_BY_NAME[table].columns if c.type == NUMBER}
    if not numeric or (worksheet.max_row or 0) > PERCENT_SCAN_MAX_ROWS:
        return {}
    found: dict[str, list[int]] = {}
    for position, cell in enumerate(header, start=1):
        if cell.value is None or fold(str(cell.value)) not in numeric:
            continue
        for (data_cell,) in worksheet.iter_rows(min_row=header_row + 1, min_col=position, max_col=position):
            if isinstance(data_cell.value, (int, float)) and "%" in str(data_cell.number_format or ""):
                found.setdefault(str(cell.value), []).append(data_cell.row)
    return found


def _as_percent(frame: pl.DataFrame, percent_rows: dict[str, list[int]]) -> pl.DataFrame:
    """Percent-formatted cells as the number a person typed (0.8 -> 80)."""
    for column, rows in percent_rows.items():
        if column in frame.columns:
            as_typed = (pl.col(column).cast(pl.Float64, strict=False) * 100).round(10).cast(pl.String)
            frame = frame.with_columns(pl.when(pl.col(ROW).is_in(rows)).then(as_typed).otherwise(pl.col(column))
                                       .alias(column))
    return frame


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name}_duplicated_{count - 1}")
    return names


# ---------------------------------------------------------------------------- shared
def _table_for(name: str) -> str | None:
    folded = fold(name).replace(" ", "_")
    return folded if folded in INPUT_TABLES_BY_NAME else None


def _drop_empty_tail_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim stray spaces, blank cells become null, rows with no value at all go.

    Blank rows anywhere carry no data (trailing ones are common). Row numbers
    stay those of the file, so later messages still point at the right row.
    """
    cells = [c for c in frame.columns if c != ROW]
    if not cells:
        return frame
    frame = frame.with_columns([_trimmed(c) for c in cells])
    has_value = pl.any_horizontal(pl.col(cells).is_not_null())
    if frame.select(has_value.all()).item():
        return frame  # the usual case: no filter, no copy of a million rows
    return frame.filter(has_value)


def _trimmed(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.len_bytes() > 0).then(text).alias(column)
