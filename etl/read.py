"""Raw files -> string frames, each row tagged with the row number a person sees.

Everything is read as text (nothing is guessed here): parsing and checking is
`validate`'s job, so a CSV folder and a workbook go through exactly the same
code after this step. Row numbers follow the spreadsheet: the header is row 1.

What is read is all there is, or a problem says what is not: a CSV row with more
or fewer fields than its header, an unclosed quote, control characters, a cell
longer than its column allows, a spreadsheet error cell (#N/A), two files for one
table and a link that leads out of the source folder are each reported, never
silently cut, skipped or followed.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from catalogue import fold
from etl import parse
from etl.contracts import INPUT_TABLES, INPUT_TABLES_BY_NAME, INTEGER, NUMBER, TEXT
from etl.problems import ECHO_CHARS, Message, Problem, msg

ROW = "__row"                 # spreadsheet row number column carried through validation
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
IGNORED_SHEETS = {"readme", "leeme", "leia me", "leiame"}
SNIFF_BYTES = 64 * 1024
SCAN_SLICE_BYTES = 8 * 2**20  # big files are checked slice by slice: no second copy held
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAX_LISTED_ROWS = 20          # rows listed per kind of reading problem and column; the last says how many more

# Longest cell each column accepts, in characters: a 1 MB "name" is a pasting accident.
SHORT_CELL, NAME_CELL, LONG_TEXT_CELL = 100, 500, 5_000
LONG_TEXT_COLUMNS = {"note", "evidence", "source", "source_url", "quote", "npm_designation_instrument"}

# Characters no one types and no one can see; tab and line breaks are ordinary text.
CONTROL_CHARACTERS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
_CONTROL_RE = re.compile(CONTROL_CHARACTERS)
_C0_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r") + b"\x7f"
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
CELL_CHECKS = ("control", "error", "length")
# The ASCII characters str.strip_chars takes for white space (Unicode's White_Space; not \x1c-\x1f).
_ASCII_SPACES = (" ", "\t", "\n", "\x0b", "\x0c", "\r")

# What a spreadsheet shows when a formula fails (a CSV saved from it holds the same words).
SPREADSHEET_ERRORS = ("#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                      "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!")
CALAMINE_ERRORS = {"NA": "#N/A", "Div0": "#DIV/0!", "Ref": "#REF!", "Value": "#VALUE!", "Name": "#NAME?",
                   "Num": "#NUM!", "Null": "#NULL!", "GettingData": "#GETTING_DATA"}


@dataclass
class RawTable:
    name: str                 # contract table name
    frame: pl.DataFrame       # all String columns (header as typed) + ROW
    file: str                 # file name shown in messages
    sheet: str | None = None  # sheet name for workbooks
    delimiter: str | None = None  # CSV field separator (a ';' file is how es/pt Excel saves decimal commas)
    # Workbooks: per number column holding a value like 1.000, the rows whose cell was text
    # (the others were stored as numbers, which are exact). None: every cell was text (CSV).
    text_cell_rows: dict[str, list[int]] | None = None
    first_column: int | None = None  # workbooks: sheet column number (A = 1) of the frame's first column


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


class UnreadableCsv(ValueError):
    """A CSV whose rows cannot be told apart (e.g. an unclosed quote); `.problem` says where."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def read_source(path: str | Path) -> RawSource:
    """Read a folder of CSVs or one .xlsx workbook."""
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path)
    if path.suffix.lower() == ".csv":
        # A single CSV: read the folder it sits in (the other tables live beside it).
        return _read_folder(path.parent)
    raise FileNotFoundError(f"{path} is neither a folder of CSV files nor an .xlsx workbook")


# ---------------------------------------------------------------------------- CSV
def _read_folder(folder: Path) -> RawSource:
    """The tables are read side by side: the largest file on this thread, the others one after
    another on a second one (polars, hashlib and file reads let go of the GIL). Each table's
    findings are kept apart and joined in the tables' order, so problems, tables and the
    load log's file list come out as they would one table at a time."""
    source = RawSource(folder)
    files_by_table = _files_by_table(folder, source)
    found: list[RawSource | Future] = []
    csv_paths: dict[str, Path] = {}
    for table in INPUT_TABLES:
        part = RawSource(folder)
        found.append(part)
        paths = files_by_table.get(table.name, [])
        if not paths:
            already_said = any(p.table == table.name for p in source.problems)  # e.g. a link out of the folder
            if not table.optional and not already_said:
                part.problems.append(Problem(
                    file=f"{table.name}.csv", column=None, row=None, value=None,
                    message=msg("read.missing_file", table=table.name, folder=str(folder)), table=table.name))
        elif len(paths) > 1:
            part.problems.append(Problem(
                file=paths[0].name, row=None, column=None, value=None, table=table.name,
                message=msg("read.two_files", table=table.name, files=[p.name for p in paths])))
        elif paths[0].suffix.lower() != ".csv":
            part.problems.append(Problem(
                file=paths[0].name, row=None, column=None, value=None, table=table.name,
                message=msg("read.not_csv", file=paths[0].name, table=table.name)))
        else:
            csv_paths[table.name] = paths[0]
    largest = max(csv_paths, key=lambda name: _file_size(csv_paths[name]), default=None)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read") as pool:
        for i, table in enumerate(INPUT_TABLES):
            if table.name in csv_paths and table.name != largest:
                found[i] = pool.submit(_read_csv_part, csv_paths[table.name], table.name, folder)
        if largest is not None:
            _read_csv_table(csv_paths[largest], largest, found[[t.name for t in INPUT_TABLES].index(largest)])
        for part in found:
            _merge_into(source, part.result() if isinstance(part, Future) else part)
    return source


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_csv_part(path: Path, table: str, folder: Path) -> RawSource:
    part = RawSource(folder)
    _read_csv_table(path, table, part)
    return part


def _merge_into(source: RawSource, part: RawSource) -> None:
    source.problems.extend(part.problems)
    source.tables.update(part.tables)
    source.files.extend(part.files)
    source.warnings.extend(part.warnings)


def _files_by_table(folder: Path, source: RawSource) -> dict[str, list[Path]]:
    """Each table's candidate files in the folder; links out of it and stray files are reported."""
    inside = folder.resolve()
    by_table: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or (path.is_dir() and not path.is_symlink()):
            continue  # hidden files, Excel's lock files (~$book.xlsx), sub-folders
        target = path.resolve()
        table = _table_for(path.stem)
        if not target.is_relative_to(inside):
            source.problems.append(Problem(
                file=path.name, row=None, column=None, value=None, table=table or "",
                message=msg("read.link_outside", file=path.name, target=str(target))))
        elif not path.is_file():
            if table:
                source.problems.append(Problem(file=path.name, row=None, column=None, value=None, table=table,
                                               message=msg("read.dangling_link")))
        elif table is not None:
            by_table.setdefault(table, []).append(path)
        elif path.suffix.lower() == ".csv":
            source.warnings.append(f"{path.name}: not one of the expected tables; ignored")
        else:
            source.warnings.append(f"{path.name}: not read (a folder is read as one CSV file per table)")
    return by_table


def _read_csv_table(path: Path, table: str, source: RawSource) -> None:
    data = path.read_bytes()
    try:
        frame, delimiter, problems = read_csv_file(data, path.name, table)
    except Exception as exc:  # a malformed file is a problem to report, not a crash
        source.problems.append(Problem(file=path.name, row=None, column=None, value=None, table=table,
                                       message=msg("read.unreadable_csv", error=_short(exc))))
        return
    source.problems.extend(problems)
    if frame is None:
        return
    # hashlib lets go of the GIL on large buffers: the checksum is taken on another core while
    # the cells are trimmed and checked here (one core's work; splitting the file kept both busy).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as pool:
        checksum = pool.submit(_sha256, data) if len(data) > SNIFF_BYTES else None
        frame = _drop_empty_tail_rows(frame, _ascii_spaces_in(data))
        # Control characters were looked for by read_csv_file, on the whole text at once.
        source.problems.extend(cell_problems(frame, table, path.name, checks=("error", "length")))
        sha256 = checksum.result() if checksum is not None else _sha256(data)
    source.tables[table] = RawTable(table, frame, path.name, delimiter=delimiter)
    source.files.append(SourceFile(path.name, sha256, frame.height))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def windows_1252_to_utf8(data: bytes) -> bytes:
    return _windows_1252(data).encode("utf-8")


def _windows_1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: latin-1 maps every byte
        return data.decode("latin-1")


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with its BOM (Excel's "Unicode text"), else Windows-1252."""
    return as_utf8(data).decode("utf-8")


def as_utf8(data: bytes) -> bytes:
    """The file as UTF-8 bytes: the file's own bytes when it already is UTF-8 (no decoded copy of
    a 200 MB file is ever held), else its text re-encoded (UTF-16 with a BOM, else Windows-1252)."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="strict").encode("utf-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return data if _is_utf8(data) else _windows_1252(data).encode("utf-8")


def _is_utf8(data: bytes) -> bool:
    """Checked slice by slice, keeping nothing (plain ASCII, the usual case, is one fast C pass)."""
    if data.isascii():
        return True
    decoder, view = codecs.getincrementaldecoder("utf-8")(), memoryview(data)
    try:
        for start in range(0, len(data), SCAN_SLICE_BYTES):
            decoder.decode(view[start:start + SCAN_SLICE_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_blank(utf8: bytes) -> bool:
    """Nothing but white space (Unicode's, as str.strip sees it) in the file."""
    if len(utf8) > SNIFF_BYTES:
        return utf8.isspace()  # a big file of only no-break spaces is not worth a decoded copy
    return not utf8.decode("utf-8").strip()


def sniff_delimiter(data: bytes | str) -> str:
    """The delimiter that splits the header line most often (ties: comma)."""
    head = data[:SNIFF_BYTES]
    if isinstance(head, bytes):
        head = head.decode("utf-8", errors="replace")
    header = next((line for line in head.splitlines() if line.strip()), "")
    unquoted = "".join(part for i, part in enumerate(header.split('"')) if i % 2 == 0)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv_bytes(data: bytes) -> pl.DataFrame:
    """Every cell as text; raises UnreadableCsv when the rows cannot be told apart."""
    frame, _, problems = read_csv_file(data, "input.csv")
    if frame is None:
        raise UnreadableCsv(problems[0])
    return frame


def read_csv_file(data: bytes, file: str, table: str = "") -> tuple[pl.DataFrame | None, str, list[Problem]]:
    """(all-text frame with ROW, delimiter, problems). The frame is None when the file cannot be
    split into rows at all; rows with the wrong number of fields are kept and reported."""
    try:
        utf8 = as_utf8(data)
    except UnicodeDecodeError as exc:
        return None, ",", [Problem(file=file, row=None, column=None, value=None, table=table,
                                   message=msg("read.encoding", error=_short(exc)))]
    # Leading blank lines would shift every row number: count and skip them.
    stripped = utf8.lstrip(b"\r\n")  # the same object when there are none: no copy
    blank_lines = utf8.count(b"\n", 0, len(utf8) - len(stripped))
    utf8 = stripped
    if _is_blank(utf8):
        return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)}), ",", []
    delimiter = sniff_delimiter(utf8)
    first_row = 1 + blank_lines  # the header's row number
    has_control = None
    try:
        if len(utf8) > SNIFF_BYTES and b'"' not in utf8:
            frame, issues, has_control = _read_unquoted(utf8, delimiter, first_row)
        elif (issues := _line_issues(utf8, delimiter, first_row)) is None:
            # A quoted value spans lines, or a quote is left open: only a record-by-record reader can tell.
            frame, issues = _python_csv(utf8.decode("utf-8"), delimiter, first_row)
        else:
            try:
                frame = _polars_csv(utf8, delimiter, first_row)
            except pl.exceptions.PolarsError:  # a quote polars will not take: read record by record instead
                frame, issues = _python_csv(utf8.decode("utf-8"), delimiter, first_row)
    except UnreadableCsv as unreadable:
        broken = unreadable.problem
        return None, delimiter, [Problem(file=file, row=broken.row, column=None, value=broken.value,
                                         message=broken.message, table=table)]
    problems = [Problem(file=file, row=row, column=None, value=value, message=expected, table=table, more_rows=more)
                for row, value, expected, more in issues]
    if has_control is None:
        has_control = frame is not None and _has_control_characters(utf8)
    if frame is not None and has_control:
        problems += cell_problems(frame, table, file, checks=("control",))  # cell by cell only when there are some
    return frame, delimiter, problems


def _read_unquoted(utf8: bytes, delimiter: str, first_row: int) -> tuple[pl.DataFrame, list[tuple], bool]:
    """(frame, ragged-row issues, has control characters) of a big file without a single quote.

    There every line is a row. polars splits the file into cells on a second thread (it lets
    go of the GIL) while this one looks for control characters; refusing any line longer than
    the header, so that `_rows_all_complete` can prove every line complete from the cells alone.
    Only a file where that fails (a ragged or blank line) is counted line by line.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv") as pool:
        parsing = pool.submit(_polars_csv, utf8, delimiter, first_row, False)
        has_control = _has_control_characters(utf8)
        try:
            frame = parsing.result()
        except pl.exceptions.PolarsError:  # a line longer than the header: found and listed below
            frame = None
    if frame is not None and b"\r" not in utf8 and _rows_all_complete(utf8, frame):
        return frame, [], has_control
    issues = _line_issues(utf8, delimiter, first_row)
    try:
        frame = _polars_csv(utf8, delimiter, first_row)
    except pl.exceptions.PolarsError:  # whatever polars will not take, the csv module reads
        frame, issues = _python_csv(utf8.decode("utf-8"), delimiter, first_row)
    return frame, issues, has_control


def _rows_all_complete(utf8: bytes, frame: pl.DataFrame) -> bool:
    """True when every line below the header has as many fields as the header.

    Only for a file without quotes or carriage returns that polars read refusing longer lines:
    every byte of it is then a cell's, a delimiter or a line break, so the body's length less
    its cells and line breaks is its number of delimiters. No line has more than width - 1 of
    them, so width - 1 per line in all means exactly that many on every line (a blank or short
    line makes the sum fall short). One sum over the cells instead of splitting the file into
    lines and counting on each.
    """
    header_end = utf8.find(b"\n")
    if header_end < 0:
        return frame.height == 0
    cells = [c for c in frame.columns if c != ROW]
    body_bytes = len(utf8) - header_end - 1
    line_breaks = max(frame.height - 1, 0) + (1 if frame.height and utf8.endswith(b"\n") else 0)
    cell_bytes = frame.select(pl.sum_horizontal(pl.col(cells).str.len_bytes().sum())).item() if cells else 0
    return body_bytes - cell_bytes - line_breaks == (len(cells) - 1) * frame.height


def _has_control_characters(utf8: bytes) -> bool:
    """C passes over slices of the file (a regex over 200 MB of text costs far more; translating the
    whole file at once would hold a second copy of it)."""
    view = memoryview(utf8)
    for start in range(0, len(utf8), SCAN_SLICE_BYTES):
        piece = view[start:start + SCAN_SLICE_BYTES].tobytes()
        if len(piece.translate(None, _C0_BYTES)) != len(piece):
            return True
    return b"\xc2" in utf8 and bool(_C1_UTF8.search(utf8))


def _polars_csv(utf8: bytes, delimiter: str, first_row: int, truncate_ragged_lines: bool = True) -> pl.DataFrame:
    # Ragged rows are reported by _line_issues; truncating here only lets the rest be checked too.
    frame = pl.read_csv(
        utf8, separator=delimiter, infer_schema=False, has_header=True,
        truncate_ragged_lines=truncate_ragged_lines, row_index_name=ROW, row_index_offset=first_row + 1,
        raise_if_empty=False,
    )
    return frame.with_columns(pl.col(ROW).cast(pl.Int64))


def _field_pattern(delimiter: str) -> str:
    """One field, counted after a delimiter put in front of the line: quoted ("a, ""b"" c") or not."""
    d = re.escape(delimiter)
    return f'{d}(?:"(?:[^"]|"")*"[^{d}]*|[^{d}]*)'


def _line_issues(utf8: bytes, delimiter: str, first_row: int) -> list[tuple] | None:
    """Rows whose field count differs from the header's, line by line; None when some line has an
    odd number of quotes (a value spans lines, or a quote is left open: lines are not rows then).

    The file is looked at in slices of whole lines, split by polars: the lines of all of it at
    once would be a second copy of a 200 MB file (and a str of it, split in Python, three).
    """
    width, offset, total, listed = None, 0, 0, []
    for piece in _line_slices(utf8):
        lines = pl.read_lines(piece).to_series()
        quoted = b'"' in piece
        if quoted and (lines.str.count_matches('"', literal=True) % 2 == 1).any():
            return None
        fields = _fields_per_line(delimiter, quoted)
        if width is None:
            width = pl.DataFrame({"line": lines.head(1)}).select(fields).item()
        found = _ragged_lines(lines, fields, delimiter, width, skip=1 if offset == 0 else 0)
        total += found.height
        listed += [(offset + i, line) for i, line in found.head(MAX_LISTED_ROWS - len(listed)).iter_rows()]
        offset += lines.len()
    issues = []
    for n, (i, line) in enumerate(listed):
        more = total - MAX_LISTED_ROWS if n == MAX_LISTED_ROWS - 1 else 0
        issues.append(_ragged(first_row + i, _fields(line, delimiter), width, delimiter, more))
    return issues


def _line_slices(utf8: bytes):
    """Pieces of about SCAN_SLICE_BYTES, each ending right after a line break (or at the end)."""
    start = 0
    while start < len(utf8):
        end = utf8.find(b"\n", start + SCAN_SLICE_BYTES)
        end = len(utf8) if end < 0 else end + 1
        yield utf8[start:end]
        start = end


def _fields_per_line(delimiter: str, quoted: bool) -> pl.Expr:
    if quoted:  # a delimiter inside quotes splits nothing
        return (pl.lit(delimiter) + pl.col("line")).str.count_matches(_field_pattern(delimiter))
    return pl.col("line").str.count_matches(delimiter, literal=True) + 1


def _ragged_lines(lines: pl.Series, fields: pl.Expr, delimiter: str, width: int, skip: int) -> pl.DataFrame:
    """(index, line) of the lines that lose or lack a value: more filled fields than the header, or fewer."""
    d = re.escape(delimiter)
    pattern = _field_pattern(delimiter)
    # Empty fields at the end lose nothing (Excel pads rows that way): only filled ones count as extra.
    filled = (pl.lit(delimiter) + pl.col("line").str.replace(f"[\\s{d}]*$", "")).str.count_matches(pattern)
    # Count first (cheap, every line), look closer only at the few lines that differ.
    return (pl.DataFrame({"line": lines}).with_row_index("i").slice(skip)
            .filter(fields != width)
            .filter(~pl.col("line").str.contains(f"^[\\s{d}]*$"))  # blank rows: nothing to shift or lose
            .filter((fields < width) | (filled > width))
            .select("i", "line"))


def _fields(line: str, delimiter: str) -> list[str]:
    """One line's fields, to show what is extra (a stray carriage return is taken as text)."""
    try:
        return next(csv.reader(io.StringIO(line, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _ragged(row: int, record: list[str], width: int, delimiter: str, more: int) -> tuple:
    name = DELIMITER_NAMES[delimiter]
    if len(record) > width:
        extra = delimiter.join(record[width:])
        return (row, extra, msg("read.extra_fields", width=width, count=len(record),
                                delimiter=msg(f"delimiter.{name}")), more)
    return (row, delimiter.join(record), msg("read.missing_fields", width=width, count=len(record),
                                             delimiter=msg(f"delimiter.{name}")), more)


def _python_csv(text: str, delimiter: str, first_row: int) -> tuple[pl.DataFrame, list[tuple]]:
    """Record by record, as the csv module reads it (quotes only open at the start of a field)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    last_line = 0
    try:
        for record in reader:
            records.append(record)
            last_line = reader.line_num
    except csv.Error as exc:
        raise UnreadableCsv(_broken_record(text, exc, len(records) + first_row, last_line + 1)) from None
    if not records:
        return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)}), []
    header, body = records[0], records[1:]
    width = len(header)
    issues, rows = [], []
    for offset, record in enumerate(body, start=1):
        if len(record) != width and any(v.strip() for v in record) and (
                len(record) < width or any(v.strip() for v in record[width:])):
            issues.append((first_row + offset, record))
        rows.append([v if v != "" else None for v in (record + [""] * width)[:width]])
    listed = [_ragged(row, record, width, delimiter, 0) for row, record in issues[:MAX_LISTED_ROWS]]
    if len(issues) > MAX_LISTED_ROWS:
        listed[-1] = listed[-1][:3] + (len(issues) - MAX_LISTED_ROWS,)
    names = _unique_names(header)
    columns = {name: pl.Series(name, [r[i] for r in rows], dtype=pl.String) for i, name in enumerate(names)}
    frame = pl.DataFrame(columns).with_columns(
        pl.int_range(first_row + 1, first_row + 1 + len(rows), dtype=pl.Int64).alias(ROW))
    return frame.select(ROW, *names), listed


def _broken_record(text: str, exc: csv.Error, row: int, line: int) -> Problem:
    start = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
    if "end of data" in str(exc):
        expected = msg("read.unclosed_quote", line=line)
    else:
        expected = msg("read.malformed_row", line=line, error=str(exc))
    return Problem(file="", row=row, column=None, value=start[: ECHO_CHARS * 2], message=expected)


# ---------------------------------------------------------------------------- cells
def cell_problems(frame: pl.DataFrame, table: str, file: str, sheet: str | None = None,
                  first_column: int | None = None, checks: tuple[str, ...] = CELL_CHECKS) -> list[Problem]:
    """Control characters, spreadsheet errors (#N/A) and over-long cells, each naming row and column."""
    columns = [c for c in frame.columns if c != ROW]
    problems = [Problem(file=file, sheet=sheet, row=None, column=None, value=c,
                        message=msg("read.header_control"), table=table)
                for c in columns if "control" in checks and _CONTROL_RE.search(c)]
    limits = {c: limit for c in columns if "length" in checks and (limit := _cell_limit(table, c))}
    # Bytes are at least as many as characters: only a column whose longest cell passes in bytes is measured.
    longest = frame.select([pl.col(c).str.len_bytes().max().alias(c) for c in limits]).row(0) if limits else ()
    flags: list[tuple[str, str, pl.Expr]] = []
    for column in columns:
        value = pl.col(column)
        if "control" in checks:
            flags.append((column, "control", value.str.contains(CONTROL_CHARACTERS)))
        if "error" in checks:
            flags.append((column, "error", value.is_in(SPREADSHEET_ERRORS)))
    for (column, limit), most in zip(limits.items(), longest):
        if most is not None and most > limit:
            flags.append((column, f"length:{limit}", pl.col(column).str.len_chars() > limit))
    if not flags:
        return problems
    counts = frame.select([flag.fill_null(False).sum().alias(str(i)) for i, (_, _, flag) in enumerate(flags)]).row(0)
    for (column, kind, flag), count in zip(flags, counts):
        if not count:
            continue
        found = frame.filter(flag.fill_null(False)).select(ROW, column).head(MAX_LISTED_ROWS)
        for n, (row, value) in enumerate(found.iter_rows()):
            more = count - MAX_LISTED_ROWS if n == MAX_LISTED_ROWS - 1 else 0
            where = (msg("read.in_cell", cell=f"{_cell_name(first_column + columns.index(column))}{row}")
                     if first_column else "")
            problems.append(Problem(file=file, sheet=sheet, row=row, column=column, value=value, table=table,
                                    message=_cell_expected(kind, value, where), more_rows=more))
    return problems


def _cell_expected(kind: str, value: str, where: Message | str) -> Message:
    if kind == "control":
        return msg("read.cell_control")
    if kind == "error":
        return msg("read.cell_error", value=value, where=where)
    limit = int(kind.split(":")[1])
    return msg("read.cell_too_long", limit=limit, length=len(value))


def _cell_limit(table: str, header: str) -> int | None:
    contract = INPUT_TABLES_BY_NAME.get(table)
    name = fold(re.sub(r"_duplicated_\d+$", "", header)).replace(" ", "_")
    column = next((c for c in contract.columns if c.name == name), None) if contract else None
    if column is None:
        return None  # not part of the table: ignored by validation, nothing of it is stored
    if column.type != TEXT:
        return SHORT_CELL
    return LONG_TEXT_CELL if column.name in LONG_TEXT_COLUMNS else NAME_CELL


def _cell_name(column_number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column_number)


def _short(exc: BaseException) -> str:
    """An exception's message, cut: some quote the whole rest of a file."""
    text = " ".join(str(exc).split())
    return text if len(text) <= 2 * ECHO_CHARS else text[: 2 * ECHO_CHARS] + "..."


# ---------------------------------------------------------------------------- XLSX
def _read_workbook(path: Path) -> RawSource:
    import fastexcel

    source = RawSource(path)
    data = path.read_bytes()
    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # not a workbook, or a damaged one: say so, do not crash
        source.problems.append(Problem(file=path.name, row=None, column=None, value=None,
                                       message=msg("read.bad_workbook", error=_short(exc))))
        return source
    sheet_by_table = _sheets_by_table(reader.sheet_names, path.name, source)
    total_rows = 0
    layout = _sheet_layout(path, sheet_by_table)
    for table in INPUT_TABLES:
        sheet = sheet_by_table.get(table.name)
        if sheet is None:
            if not table.optional and table.name not in source.tables and not any(
                    p.table == table.name for p in source.problems):
                source.problems.append(Problem(
                    file=path.name, sheet=table.name, row=None, column=None, value=None,
                    message=msg("read.missing_sheet", table=table.name), table=table.name))
            continue
        header_row, percent_rows, header_column = layout[sheet]
        frame, first_column = _read_sheet(reader, sheet, header_row, header_column)
        frame = _drop_empty_tail_rows(_as_percent(frame, percent_rows))
        source.problems.extend(cell_problems(frame, table.name, path.name, sheet, first_column))
        total_rows += frame.height
        text_rows = _text_cell_rows(reader, sheet, frame, table.name, header_row, first_column)
        source.tables[table.name] = RawTable(table.name, frame, path.name, sheet, text_cell_rows=text_rows,
                                             first_column=first_column)
    source.files.append(SourceFile(path.name, hashlib.sha256(data).hexdigest(), total_rows))
    return source


def _sheets_by_table(sheet_names: list[str], file: str, source: RawSource) -> dict[str, str]:
    """Each table's sheet; two sheets for one table are reported and neither is read."""
    candidates: dict[str, list[str]] = {}
    for sheet in sheet_names:
        if fold(sheet) in IGNORED_SHEETS:
            continue
        table = _table_for(sheet)
        if table is None:
            source.warnings.append(f"{file}, sheet {sheet!r}: not one of the expected tables; ignored")
        else:
            candidates.setdefault(table, []).append(sheet)
    for table, sheets in candidates.items():
        if len(sheets) > 1:
            source.problems.append(Problem(
                file=file, sheet=sheets[0], row=None, column=None, value=None, table=table,
                message=msg("read.two_sheets", table=table, sheets=sheets)))
    return {table: sheets[0] for table, sheets in candidates.items() if len(sheets) == 1}


def _read_sheet(reader, sheet: str, header_row: int, header_column: int) -> tuple[pl.DataFrame, int]:
    """The sheet as text, error cells as their code (#N/A), and the sheet column of its first column."""
    # dtypes="string" turns number cells into "2.5"/"2020" and date cells into
    # "2020-01-31 00:00:00", which the text parsers in `validate` understand.
    loaded = reader.load_sheet(sheet, header_row=None, dtypes="string")
    batch, errors = loaded.to_arrow_with_errors()
    grid = pl.from_arrow(batch)
    if grid.height == 0:
        return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)}), header_column
    grid = _with_error_codes(grid, errors)
    header = [("" if v is None else str(v)) for v in grid.row(0)]
    # calamine starts its grid at the first used column; openpyxl says which column the header starts in.
    first_filled = next((i for i, v in enumerate(header) if v.strip()), 0)
    first_column = max(header_column - first_filled, 1)
    names = _unique_names(header)
    body = grid.slice(1).rename(dict(zip(grid.columns, names)))
    frame = body.with_row_index(ROW, offset=header_row + 1).with_columns(pl.col(ROW).cast(pl.Int64))
    return frame, first_column


def _with_error_codes(grid: pl.DataFrame, errors) -> pl.DataFrame:
    """calamine gives an error cell as blank (and says so aside): put its code back in the cell,
    so that it is reported as the error it is rather than as a missing value."""
    if errors is None:
        return grid
    by_column: dict[int, tuple[list[int], list[str]]] = {}
    for error in errors.errors:
        found = re.search(r"Error\((\w+)\)", error.detail)
        if found:
            row, column = error.position
            rows, codes = by_column.setdefault(column, ([], []))
            rows.append(row)
            codes.append(CALAMINE_ERRORS.get(found.group(1), f"#{found.group(1).upper()}"))
    for column, (rows, codes) in by_column.items():
        name = grid.columns[column]
        grid = grid.with_columns(grid.get_column(name).clone().scatter(rows, codes))
    return grid


def _text_cell_rows(reader, sheet: str, frame: pl.DataFrame, table: str, header_row: int,
                    first_column: int) -> dict[str, list[int]]:
    """Per number column holding a value like 1.000, the rows whose cell is text.

    Stored numbers are exact; only text cells need the column's decimal mark. Loading the
    column as booleans makes calamine name every text cell (numbers convert silently).
    """
    numbers = {c.name for c in INPUT_TABLES_BY_NAME[table].columns if c.type in (INTEGER, NUMBER)}
    headers = [c for c in frame.columns if c != ROW]
    wanted: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = fold(re.sub(r"_duplicated_\d+$", "", header)).replace(" ", "_")
        if name in numbers and name not in wanted and frame.select(
                parse.number_form(pl.col(header)).str.starts_with("ambiguous").any()).item():
            wanted[name] = index
    if not wanted:
        return {}
    # use_columns counts from column A; error positions count from calamine's first column.
    loaded = reader.load_sheet(sheet, header_row=None, dtypes="boolean",
                               use_columns=[first_column - 1 + index for index in wanted.values()])
    _, errors = loaded.to_arrow_with_errors()
    text_rows: dict[str, list[int]] = {name: [] for name in wanted}
    header_seen: set[str] = set()
    by_index = {index: name for name, index in wanted.items()}
    for error in errors.errors if errors is not None else []:
        row, column = error.position
        if column in by_index and "got 'String(" in error.detail:
            if row == 0:
                header_seen.add(by_index[column])  # the header is text: this is the right column
            else:
                text_rows[by_index[column]].append(header_row + row)
    # A column whose header was not found where expected: treat every cell as text (the safe reading).
    return {name: rows if name in header_seen else frame.get_column(ROW).to_list()
            for name, rows in text_rows.items()}


# Above this many rows, scanning cell formats with openpyxl would dominate the read.
PERCENT_SCAN_MAX_ROWS = 200_000


def _sheet_layout(path: Path, sheet_by_table: dict[str, str]) -> dict[str, tuple[int, dict[str, list[int]], int]]:
    """Per sheet: the header's row number, the percent-formatted cells of number columns and
    the column number (A = 1) of the header's first filled cell.

    calamine trims leading empty rows (a person does not), and it gives the
    stored value of a cell formatted as a percentage: 80 % is stored as 0.8.
    """
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        layout = {}
        for table, sheet in sheet_by_table.items():
            worksheet = workbook[sheet]
            header_row, header, header_column = 1, (), 1
            for number, row in enumerate(worksheet.iter_rows(), start=1):
                filled = [i for i, c in enumerate(row, start=1) if c.value is not None and str(c.value).strip()]
                if filled:
                    header_row, header, header_column = number, row, filled[0]
                    break
            layout[sheet] = (header_row, _percent_rows(worksheet, header_row, header, table), header_column)
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


def _ascii_spaces_in(data: bytes) -> list[str] | None:
    """The white space characters a file of plain ASCII holds (the only ones its cells can begin
    or end with); None when it holds other characters too (then any of Unicode's may be there).
    A line break counts only where a quoted value can hold one."""
    if not data.isascii():
        return None
    spaces = [c for c in _ASCII_SPACES if c.encode() in data]
    return spaces if b'"' in data else [c for c in spaces if c != "\n"]


def _drop_empty_tail_rows(frame: pl.DataFrame, edge_spaces: list[str] | None = None) -> pl.DataFrame:
    """Trim stray spaces, blank cells become null, rows with no value at all go.

    Blank rows anywhere carry no data (trailing ones are common). Row numbers
    stay those of the file, so later messages still point at the right row.
    `edge_spaces`, when given, are the only white space characters the cells can hold
    (see _ascii_spaces_in): looking at each cell's ends for those is cheaper than trimming it.
    """
    cells = [c for c in frame.columns if c != ROW]
    if not cells:
        return frame
    # Only columns with something to trim are rewritten: copying a million clean cells is waste.
    needs_trim = frame.select([(_has_edge_space(pl.col(c), edge_spaces) | (pl.col(c).str.len_bytes() == 0)).any()
                               .alias(c) for c in cells]).row(0)
    if any(needs_trim):
        frame = frame.with_columns([_trimmed(c) for c, needed in zip(cells, needs_trim) if needed])
    has_value = pl.any_horizontal(pl.col(cells).is_not_null())
    if frame.select(has_value.all()).item():
        return frame  # the usual case: no filter, no copy of a million rows
    return frame.filter(has_value)


def _has_edge_space(text: pl.Expr, edge_spaces: list[str] | None) -> pl.Expr:
    """`text` begins or ends with white space (as str.strip_chars sees it)."""
    if edge_spaces is None:
        return text.str.len_bytes() != text.str.strip_chars().str.len_bytes()
    found = pl.lit(False)
    for space in edge_spaces:
        found = found | text.str.starts_with(space) | text.str.ends_with(space)
    return found


def _trimmed(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.len_bytes() > 0).then(text).alias(column)
