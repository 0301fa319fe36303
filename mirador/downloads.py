"""Large downloads written by DuckDB, once per data version: the public recommendations list.

The Recommendations page offers the whole public list of its selection (institutions, years,
filters) in CSV and Parquet. At a million records that list is ~130 MB of CSV, so it is never
built on a page run, nor from a polars frame: on the first click DuckDB's `COPY` writes it to a
file beside the database, `<db>.exports/<data version>/`, and every later click for the same
(data version, selection, language, format) serves that file. A new database file (the ETL
swaps it: another inode or mtime, as `queries` keys its cache) is a new folder; older folders
are removed when a new one is made.

The file reads as the page's table does (`components.data_table`, `exports.csv_bytes`): country
names beside the codes, codes as labels, headings and citations in the reader's words, text a
spreadsheet would run as a formula prefixed with ', blank missing text; CSV with a byte-order
mark and `;` in es/pt (`exports.CSV_DIALECTS`); Parquet with the citation in its metadata.
Only `mart_public_recommendations` is read: the database holds no internal record there.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Sequence

import polars as pl

import catalogue
from mirador import components, db, exports, i18n, palette, paths, queries
from mirador.i18n import normalise_language, t

HIDDEN_COLUMNS = ("year_issued",)  # the table and its downloads show the date, not the year too
MAX_FILES_PER_VERSION = 64  # a folder of one data version keeps at most this many selections
BOM = "\ufeff".encode("utf-8")


def data_version() -> str:
    """The database file's identity as a folder name: changes when the ETL swaps the file."""
    _, inode, mtime_ns = db.db_identity()
    return f"{inode}-{mtime_ns}"


def exports_root() -> Path:
    """`<db>.exports/` beside the database; a temporary folder if the database's is read-only."""
    database = paths.db_path()
    root = database.with_name(database.name + ".exports")
    try:
        root.mkdir(exist_ok=True)
        if os.access(root, os.W_OK):
            return root
    except OSError:
        pass
    tag = hashlib.sha256(str(database).encode()).hexdigest()[:12]
    root = Path(tempfile.gettempdir()) / f"mirador-exports-{tag}"
    root.mkdir(exist_ok=True)
    return root


def _version_folder() -> Path:
    root = exports_root()
    folder = root / data_version()
    if not folder.exists():
        folder.mkdir(exist_ok=True)
        for old in root.iterdir():  # another data version: nobody is served from it any more
            if old != folder and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return folder


def selection_key(iso3: Sequence[str], year_from: int, year_to: int,
                  filters: dict[str, Sequence[str]]) -> str:
    """A short name for a selection: the same selection in any order gives the same key."""
    selection = {"c": sorted(iso3), "y": [int(year_from), int(year_to)],
                 "f": {k: sorted(v) for k, v in sorted(filters.items()) if v}}
    return hashlib.sha256(json.dumps(selection, sort_keys=True).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- the reader's table
def _source_labels(lang: str) -> dict[str, str | None]:
    """(source, data_status) -> the source as `components.reader_table` shows it, for the few
    distinct pairs in the data (keyed as `queries.write_public_recommendations` looks them up)."""
    pairs = queries.public_recommendation_sources()
    shown = components.reader_table(pairs, lang)["source"].to_list()
    return {queries.joined_key(source, status): text for (source, status), text
            in zip(pairs.select("source", "data_status").iter_rows(), shown)}


def reader_columns(lang: str) -> list[dict]:
    """The public table's columns as `components.data_table` shows them: country first, codes
    as labels, headings in `lang`, formula-safe blank text (see `write_public_recommendations`)."""
    lang = normalise_language(lang)
    strings = i18n.strings()
    schema = queries.public_table_schema()
    country = {"column": "iso3", "header": t("col_country", lang),
               "labels": {c: i18n.institution_label(c, lang) for c in queries.institution_codes()}}
    columns = [country]
    for name in [c for c in schema if c not in HIDDEN_COLUMNS]:
        spec = {"column": name, "header": t(f"col_{name}", lang) if f"col_{name}" in strings else name}
        if name in components.VOCAB_COLUMNS:
            domain = components.VOCAB_COLUMNS[name]
            spec["labels"] = {c: i18n.vocab_label(domain, c, lang) for c in catalogue.codes(domain)}
        elif name == "source":
            spec["labels"], spec["keys"] = _source_labels(lang), ("source", "data_status")
        columns.append(spec)
    for spec in columns:  # text columns: formula-safe, missing as blank (`blank_missing_text`)
        spec["neutralise"] = spec["blank"] = schema[spec["column"]] == pl.String
    return columns


# --------------------------------------------------------------------------- files
def _csv_header(columns: Sequence[dict], separator: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\n").writerow(
        [c["header"] for c in columns])
    return BOM + buffer.getvalue().encode("utf-8")


def _write(target: Path, file_format: str, lang: str, iso3, year_from, year_to, filters) -> None:
    columns = reader_columns(lang)
    separator, _ = exports.CSV_DIALECTS[normalise_language(lang)]
    cite = citation(lang)
    scratch = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}.part")  # this click's own
    scratch.mkdir()
    try:
        # One year issued at a time, newest first: the list is ordered by date issued, so the
        # years in turn give the same order while DuckDB sorts one year's rows at a time (at
        # 1M records a tenth of the memory of sorting the whole list).
        parts = []
        for year in range(int(year_to), int(year_from) - 1, -1):
            parts.append(scratch / f"{year}.{file_format}")
            queries.write_public_recommendations(str(parts[-1]), file_format, iso3, year, year, filters,
                                                 columns, separator=separator, citation=cite)
        whole = scratch / f"whole.{file_format}"
        if file_format == "csv":  # BOM and headings first, then DuckDB's rows, copied in chunks
            with open(whole, "wb") as out:
                out.write(_csv_header(columns, separator))
                for part in parts:
                    with open(part, "rb") as rows:
                        shutil.copyfileobj(rows, out, 1 << 20)
        else:
            queries.concatenate_parquet([str(p) for p in parts], str(whole), citation=cite)
        os.replace(whole, target)  # atomic: a concurrent click sees the whole file or none
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def citation(lang: str) -> str:
    statuses = queries.public_recommendation_sources()["data_status"].to_list()
    return exports.citation(lang, queries.data_as_of(), any(palette.is_illustrative(s) for s in statuses))


def public_recommendations_file(iso3: Sequence[str], year_from: int, year_to: int,
                                filters: dict[str, Sequence[str]], lang: str, file_format: str) -> Path:
    """The selection's whole public list as a file, written on the first request of this data
    version and served from disk after that."""
    if file_format not in ("csv", "parquet"):
        raise ValueError(file_format)
    lang = normalise_language(lang)
    folder = _version_folder()
    target = folder / f"public_recommendations_{selection_key(iso3, year_from, year_to, filters)}_{lang}.{file_format}"
    if not target.exists():
        _write(target, file_format, lang, iso3, year_from, year_to, filters)
        _prune(folder)
    return target


def _prune(folder: Path) -> None:
    files = sorted((f for f in folder.iterdir() if f.is_file()),
                   key=lambda f: f.stat().st_mtime, reverse=True)
    for old in files[MAX_FILES_PER_VERSION:]:
        old.unlink(missing_ok=True)


def file_name(lang: str, file_format: str) -> str:
    return f"mirador_public_recommendations_{normalise_language(lang)}.{file_format}"
