"""The one data-access module: every read of the Mirador database goes through here.

Rules kept here so pages never need to know them:
- bound parameters only (`?` placeholders), never values pasted into SQL;
- results are polars DataFrames, tidy (institution, year, indicator, value, ...);
- results are cached once per process, keyed on the SQL, the parameters AND
  the database file identity (path, inode, mtime_ns): when the ETL swaps the
  file, the next call misses the cache and reads the new data;
- missing stays missing: no query fills gaps with zeros;
- every row keeps its `data_status` (and `source` where the mart has one).

Why not `st.cache_data` (used before, issue #11): it hands out a pickled copy, so every hit
unpickled the whole result and hashed every parameter element by element - work that grew
with the data (80 institutions, 1M recommendations) on every page run even when nothing
changed. Here a hit is a dict look-up and a `clone()` (polars frames share their memory: a
clone copies no data, and changing the clone never changes the cached frame). Each handed-out
frame carries `cache_version`, the identity of the cached result it came from, so
`mirador.figure_cache` keys a figure (or the Progress sentences) on that instead of hashing
every row. Works the same inside and outside Streamlit (tests, scripts).
"""
from __future__ import annotations

import itertools
import json
import threading
from collections import OrderedDict
from typing import Any, Sequence

import polars as pl

from mirador import db, literal

S = db.SCHEMA  # table qualifier; a constant, not a value, so it is safe in SQL text

INSTITUTION_ORDER = ("CHL", "CRI", "ECU", "MEX", "PAN", "PER", "PRT", "ESP", "URY")


MAX_RESULTS = 512  # distinct (query, parameters, database version) results kept, least recent dropped

_results: OrderedDict[tuple, tuple[pl.DataFrame, tuple]] = OrderedDict()
_results_lock = threading.Lock()
_result_numbers = itertools.count(1)  # never reused in a process: a result's version is unique


def _key_part(value: Any) -> Any:
    """A parameter as a hashable key: lists (of codes, of ids) become tuples."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_key_part(v) for v in value))
    return (type(value).__name__, value)  # 1 and True are one key in a dict, not one parameter


def _cached_fetch(sql: str, params: tuple, identity: db.DbIdentity) -> pl.DataFrame:
    """The result of `sql` with `params` on the database version `identity`, read once."""
    key = (sql, _key_part(params), identity)
    with _results_lock:
        cached = _results.get(key)
        if cached is not None:
            _results.move_to_end(key)
    if cached is None:
        # Read outside the lock (another thread's query need not wait); two threads asking for
        # the same new result may both read it, and the first one stored is kept.
        read = db.fetch(sql, list(params))
        with _results_lock:
            cached = _results.setdefault(key, (read, ("query", next(_result_numbers))))
            _results.move_to_end(key)
            while len(_results) > MAX_RESULTS:
                _results.popitem(last=False)
    frame, version = cached
    shown = frame.clone()  # the caller's own frame object; the cached one stays as it was
    shown.cache_version = version
    return shown


def _fetch(sql: str, params: Sequence[Any] = ()) -> pl.DataFrame:
    return _cached_fetch(sql, tuple(params), db.db_identity())


def clear_cache() -> None:
    """Drop every cached result (tests; the identity key makes this rarely needed)."""
    global _boundaries
    with _results_lock:
        _results.clear()
    _boundaries = None


# --------------------------------------------------------------------------- institutions
def institutions() -> pl.DataFrame:
    """One row per institution, with ratification/designation/operational dates."""
    return _fetch(f"SELECT * FROM {S}.institutions ORDER BY iso3")


def institution_codes() -> list[str]:
    """ISO3 codes of the institutions in the database, in a stable order."""
    present = set(institutions()["iso3"].to_list())
    ordered = [c for c in INSTITUTION_ORDER if c in present]
    return ordered + sorted(present - set(ordered))


# --------------------------------------------------------------------------- indicators
def indicator_values(indicator_ids: Sequence[str] | str | None = None,
                     iso3: Sequence[str] | None = None) -> pl.DataFrame:
    """Long table iso3, year, indicator_id, value, n, data_status, source, note."""
    ids = [indicator_ids] if isinstance(indicator_ids, str) else list(indicator_ids or [])
    where, params = ["value IS NOT NULL"], []
    if ids:
        where.append("list_contains(?, indicator_id)")
        params.append(ids)
    if iso3:
        where.append("list_contains(?, iso3)")
        params.append(list(iso3))
    return _fetch(
        f"SELECT iso3, year, indicator_id, value, n, data_status, source, note "
        f"FROM {S}.mart_indicator_values WHERE {' AND '.join(where)} "
        f"ORDER BY indicator_id, iso3, year", params)


def indicator_years(indicator_id: str | None = None) -> list[int]:
    """Years with at least one value (of one indicator, or any)."""
    if indicator_id:
        df = _fetch(f"SELECT DISTINCT year FROM {S}.mart_indicator_values "
                    f"WHERE indicator_id = ? AND value IS NOT NULL ORDER BY year", [indicator_id])
    else:
        df = _fetch(f"SELECT DISTINCT year FROM {S}.mart_indicator_values "
                    f"WHERE value IS NOT NULL ORDER BY year")
    return df["year"].to_list()




def latest_values(indicator_ids: Sequence[str] | str) -> pl.DataFrame:
    """Each institution's most recent non-missing value of each indicator."""
    ids = [indicator_ids] if isinstance(indicator_ids, str) else list(indicator_ids)
    return _fetch(
        f"SELECT iso3, year, indicator_id, value, n, data_status, source, note "
        f"FROM {S}.mart_indicator_values "
        f"WHERE list_contains(?, indicator_id) AND value IS NOT NULL "
        f"QUALIFY row_number() OVER (PARTITION BY iso3, indicator_id ORDER BY year DESC) = 1 "
        f"ORDER BY indicator_id, iso3", [ids])


# A year is "complete" for a measure when more than this share of the loaded institutions
# have a value in it: the latest such year is every page's default period (issue 8: one
# measure, one number), so a sparse last year (a few early reporters) is not the default.
COMPLETE_YEAR_MIN_SHARE = 0.5


def latest_complete_year(measures: Sequence[str] | str) -> int | None:
    """The latest year in which most institutions (more than `COMPLETE_YEAR_MIN_SHARE` of those
    loaded) have a value of `measure` (an indicator id or a context variable). For several
    measures: the latest year that is complete for every one of them (a table of them all is
    then complete). Falls back to the latest year with the most institutions reporting when no
    year reaches the share; None when there is no value at all."""
    ids = [measures] if isinstance(measures, str) else list(measures)
    if not ids:
        return None
    per_measure = _fetch(
        f"""WITH counted AS (
              SELECT measure, year, count(DISTINCT iso3) AS n_institutions FROM (
                SELECT iso3, year, indicator_id AS measure FROM {S}.mart_indicator_values
                WHERE value IS NOT NULL AND list_contains(?, indicator_id)
                UNION ALL SELECT iso3, year, variable FROM {S}.mart_context
                WHERE value IS NOT NULL AND list_contains(?, variable))
              GROUP BY measure, year),
            loaded AS (SELECT count(*) AS n FROM {S}.institutions)
            SELECT measure,
                   max(year) FILTER (WHERE n_institutions > ? * (SELECT n FROM loaded)) AS complete_year,
                   arg_max(year, n_institutions * 10000 + year) AS fullest_year
            FROM counted GROUP BY measure""", [ids, ids, COMPLETE_YEAR_MIN_SHARE])
    if per_measure.height < len(set(ids)):  # a measure without any value: no common year
        return None
    years = [r["complete_year"] if r["complete_year"] is not None else r["fullest_year"]
             for r in per_measure.iter_rows(named=True)]
    return int(min(years))


def latest_year_with_data() -> pl.DataFrame:
    """Per institution: the latest year with any indicator value, and its worst status."""
    return _fetch(
        f"SELECT iso3, max(year) AS year FROM {S}.mart_indicator_values "
        f"WHERE value IS NOT NULL GROUP BY iso3 ORDER BY iso3")




# --------------------------------------------------------------------------- autonomy
def autonomy_years() -> list[int]:
    """Years with an autonomy assessment."""
    return _fetch(f"SELECT DISTINCT year FROM {S}.mart_autonomy_cells ORDER BY year")["year"].to_list()


def autonomy_cells(year: int | None = None) -> pl.DataFrame:
    """iso3, year, criterion_id, assessment, basis, evidence, data_status, source."""
    if year is None:
        return _fetch(f"SELECT * FROM {S}.mart_autonomy_cells ORDER BY iso3, year, criterion_id")
    return _fetch(f"SELECT * FROM {S}.mart_autonomy_cells WHERE year = ? ORDER BY iso3, criterion_id",
                  [int(year)])


def autonomy_scores(year: int | None = None) -> pl.DataFrame:
    """Score (NULL when nothing assessed), criteria assessed/total, counts per assessment."""
    if year is None:
        return _fetch(f"SELECT * FROM {S}.mart_autonomy_scores ORDER BY iso3, year")
    return _fetch(f"SELECT * FROM {S}.mart_autonomy_scores WHERE year = ? ORDER BY iso3", [int(year)])


# --------------------------------------------------------------------------- recommendations
def recommendation_years() -> list[int]:
    return _fetch(f"SELECT DISTINCT year_issued FROM {S}.mart_recommendation_counts "
                  f"WHERE year_issued IS NOT NULL ORDER BY year_issued")["year_issued"].to_list()


def implementation_rates_by_year() -> pl.DataFrame:
    """mart_implementation_rates as is: one row per institution and year issued."""
    return _fetch(f"SELECT * FROM {S}.mart_implementation_rates ORDER BY iso3, year_issued")


def implementation_rates(year_from: int, year_to: int) -> pl.DataFrame:
    """Rates per institution over recommendations issued in [year_from, year_to].

    Both rates use the recommendations WITH status information as denominator
    (`n_with_information`); a rate is NULL when that is 0 (never 0 %).
    """
    return _fetch(
        f"""
        WITH summed AS (
          SELECT iso3,
                 sum(n_recommendations)::INTEGER AS n_recommendations,
                 sum(n_with_information)::INTEGER AS n_with_information,
                 sum(n_implemented)::INTEGER AS n_implemented,
                 sum(n_partially_implemented)::INTEGER AS n_partially_implemented,
                 sum(n_in_progress)::INTEGER AS n_in_progress,
                 sum(n_not_implemented)::INTEGER AS n_not_implemented,
                 sum(n_no_information)::INTEGER AS n_no_information,
                 max(CASE data_status WHEN 'illustrative' THEN 3 WHEN 'estimate' THEN 2
                                      WHEN 'sourced' THEN 1 END) AS worst
          FROM {S}.mart_implementation_rates
          WHERE year_issued BETWEEN ? AND ?
          GROUP BY iso3)
        SELECT iso3, n_recommendations, n_with_information, n_implemented,
               n_partially_implemented, n_in_progress, n_not_implemented, n_no_information,
               CASE WHEN n_with_information > 0
                    THEN 100.0 * n_implemented / n_with_information END AS implementation_rate,
               CASE WHEN n_with_information > 0
                    THEN 100.0 * (n_implemented + n_partially_implemented) / n_with_information
               END AS implemented_or_partial_rate,
               CASE worst WHEN 3 THEN 'illustrative' WHEN 2 THEN 'estimate'
                          WHEN 1 THEN 'sourced' END AS data_status
        FROM summed ORDER BY iso3""", [int(year_from), int(year_to)])


RECOMMENDATION_DIMENSIONS = ("place_type", "theme", "authority")


def recommendation_breakdown(dimension: str, year_from: int, year_to: int) -> pl.DataFrame:
    """Counts by institution x dimension value x status. NULL dimension = not reported."""
    if dimension not in RECOMMENDATION_DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    # `dimension` is checked against a fixed list above: a column name, not a value.
    return _fetch(
        f"""SELECT iso3, {dimension} AS category, implementation_status,
                   sum(n_recommendations)::INTEGER AS n_recommendations,
                   bool_or(from_totals) AS from_totals,
                   bool_or(data_status = 'illustrative') AS has_illustrative
            FROM {S}.mart_recommendation_counts
            WHERE year_issued BETWEEN ? AND ?
            GROUP BY ALL ORDER BY iso3, category, implementation_status""",
        [int(year_from), int(year_to)])


# The public table is paged, counted and exported in DuckDB (issue 12): a page sends one page of
# rows, never the 700k of a large dataset. A selection is institutions, years issued and, per
# column below, the codes picked (none picked = no filter on that column).
PUBLIC_TABLE_FILTERS = ("response", "implementation_status", "place_type", "theme", "authority")
PUBLIC_TABLE_ORDER = "date_issued DESC, recommendation_id"


def _public_selection(iso3: Sequence[str], year_from: int, year_to: int) -> tuple[str, list]:
    return ("list_contains(?, iso3) AND year_issued BETWEEN ? AND ?",
            [list(iso3), int(year_from), int(year_to)])


def _public_filters(filters: dict[str, Sequence[str]]) -> tuple[str, list]:
    """AND of `column IN picked` (a NULL code matches no filter, as before); TRUE when none."""
    unknown = set(filters) - set(PUBLIC_TABLE_FILTERS)
    if unknown:
        raise ValueError(f"not a filter of the public table: {sorted(unknown)}")
    # Column names are checked against a fixed list above; the codes are bound.
    picked = [(column, list(codes)) for column, codes in sorted(filters.items()) if codes]
    return (" AND ".join(f"list_contains(?, {column})" for column, _ in picked) or "TRUE",
            [codes for _, codes in picked])


def public_recommendation_counts(iso3: Sequence[str], year_from: int, year_to: int,
                                 filters: dict[str, Sequence[str]]) -> tuple[int, int]:
    """(rows matching the filters, rows of the institutions and years before any filter)."""
    selection, params = _public_selection(iso3, year_from, year_to)
    filtered, filter_params = _public_filters(filters)
    df = _fetch(f"SELECT count(*) FILTER (WHERE {filtered}) AS n_matching, count(*) AS n_total "
                f"FROM {S}.mart_public_recommendations WHERE {selection}", filter_params + params)
    return int(df["n_matching"][0]), int(df["n_total"][0])


def public_recommendations_page(iso3: Sequence[str], year_from: int, year_to: int,
                                filters: dict[str, Sequence[str]], page: int, page_size: int) -> pl.DataFrame:
    """Rows (page - 1) * page_size ... of the selection, newest first (ties by id: a stable order)."""
    selection, params = _public_selection(iso3, year_from, year_to)
    filtered, filter_params = _public_filters(filters)
    return _fetch(f"SELECT * FROM {S}.mart_public_recommendations WHERE {selection} AND {filtered} "
                  f"ORDER BY {PUBLIC_TABLE_ORDER} LIMIT ? OFFSET ?",
                  params + filter_params + [int(page_size), (max(1, int(page)) - 1) * int(page_size)])


def public_table_schema() -> dict[str, pl.DataType]:
    """Column -> type of mart_public_recommendations (no rows read)."""
    return dict(_fetch(f"SELECT * FROM {S}.mart_public_recommendations LIMIT 0").schema)


def joined_key(*values: str | None) -> str:
    """The lookup key `write_public_recommendations` builds from several columns ("keys")."""
    return "\x1f".join(v or "" for v in values)


def public_recommendation_sources() -> pl.DataFrame:
    """The distinct (source, data_status) pairs of the public records (a handful, even at 1M)."""
    return _fetch(f"SELECT DISTINCT source, data_status FROM {S}.mart_public_recommendations "
                  f"ORDER BY ALL")


def write_public_recommendations(path: str, file_format: str, iso3: Sequence[str], year_from: int,
                                 year_to: int, filters: dict[str, Sequence[str]], columns: Sequence[dict],
                                 *, separator: str = ",", citation: str = "") -> None:
    """Write the whole selection to `path` with DuckDB's COPY (no frame in Python), as the
    reader reads it. `columns`, in order: {"column": a mart column, "header": its heading,
    "labels": {code: label} or None (looked up by "keys", several mart columns joined by
    `joined_key`, when given), "neutralise": prefix ' to text a spreadsheet would run
    as a formula (mirador.exports.FORMULA_TRIGGERS), "blank": missing text as ""}.
    `file_format` "csv" (`separator`; no header row and no BOM: mirador.downloads adds them)
    or "parquet" (`citation` in the file's key-value metadata). Not cached: it writes a file."""
    from mirador.exports import FORMULA_TRIGGERS  # the one list of formula triggers

    if file_format not in ("csv", "parquet"):
        raise ValueError(file_format)
    mart_columns = set(public_table_schema())
    labelled, label_params, shown, shown_params = [], [], [], []
    for i, spec in enumerate(columns):
        column = spec["column"]
        if column not in mart_columns:
            raise ValueError(f"not a column of the public table: {column!r}")
        # `column` is checked against the mart's own columns; labels and triggers are bound;
        # the heading is a quoted identifier (a translation, never data).
        if spec.get("labels"):
            keys = spec.get("keys") or (column,)
            if set(keys) - mart_columns:
                raise ValueError(f"not columns of the public table: {keys!r}")
            key = keys[0] if len(keys) == 1 else \
                "concat_ws(chr(31), " + ", ".join(f"coalesce({k}, '')" for k in keys) + ")"
            codes = list(spec["labels"])  # a code without a label stays as it is; a label may be NULL
            labelled.append(f"CASE WHEN list_position(?::VARCHAR[], {key}) IS NULL THEN {column} "
                            f"ELSE list_extract(?::VARCHAR[], list_position(?::VARCHAR[], {key})) END AS c{i}")
            label_params += [codes, [spec["labels"][c] for c in codes], codes]
        else:
            labelled.append(f"{column} AS c{i}")
        value = f"c{i}"
        if spec.get("neutralise"):
            value = f"CASE WHEN list_contains(?::VARCHAR[], left(c{i}, 1)) THEN '''' || c{i} ELSE c{i} END"
            shown_params.append(list(FORMULA_TRIGGERS))
        value = f"coalesce({value}, '')" if spec.get("blank") else value
        header = str(spec["header"]).replace('"', '""')
        shown.append(f'{value} AS "{header}"')
    selection, params = _public_selection(iso3, year_from, year_to)
    filtered, filter_params = _public_filters(filters)
    # Sorted first, on the stored codes, then labelled: the sort holds short codes, not labels
    # (less memory); projections keep the order (DuckDB preserves insertion order).
    query = (f"SELECT {', '.join(shown)} FROM (SELECT {', '.join(labelled)} FROM ("
             f"SELECT * FROM {S}.mart_public_recommendations WHERE {selection} AND {filtered} "
             f"ORDER BY {PUBLIC_TABLE_ORDER}))")
    # Parquet: row groups smaller than DuckDB's default (122,880 rows) hold less in memory at once.
    options = ("(FORMAT csv, HEADER false, DELIMITER ?)" if file_format == "csv"
               else "(FORMAT parquet, ROW_GROUP_SIZE 16384, KV_METADATA {citation: ?})")
    cur = db.connection()
    try:  # parameters in the order their `?` appear in the statement
        cur.execute(f"COPY ({query}) TO ? {options}",
                    shown_params + label_params + params + filter_params
                    + [str(path), separator if file_format == "csv" else citation])
    finally:
        cur.close()


def concatenate_parquet(parts: Sequence[str], path: str, *, citation: str = "") -> None:
    """One Parquet file at `path` holding the rows of `parts` (files this module wrote), in order."""
    cur = db.connection()
    try:
        cur.execute("COPY (SELECT * FROM read_parquet(?)) TO ? "
                    "(FORMAT parquet, ROW_GROUP_SIZE 16384, KV_METADATA {citation: ?})",
                    [list(parts), str(path), citation])
    finally:
        cur.close()


# --------------------------------------------------------------------------- geography, provenance
class Boundaries(dict):
    """{iso3: GeoJSON geometry} of one version of the database, shared by every session:
    read-only (changing it raises), and carrying that version (`cache_version`, the file's
    identity) so figure caches key a map on the version instead of its ~1 MB of coordinates."""

    __hash__ = object.__hash__  # one object per version: identity is its equality for caches

    def __init__(self, geometries: dict[str, dict], version: db.DbIdentity) -> None:
        super().__init__(geometries)
        self.cache_version = version

    def _read_only(self, *args, **kwargs):
        raise TypeError("queries.boundaries() is shared by every session: copy it to change it")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _read_only  # type: ignore[assignment]

    def __reduce__(self):  # a copy (pickle, deepcopy) is a plain dict, free to change
        return (dict, (dict(self),))


_boundaries_lock = threading.Lock()
_boundaries: Boundaries | None = None


def boundaries() -> Boundaries:
    """{iso3: GeoJSON geometry (or Feature)} of the loaded institutions' countries.

    Parsed once per database version (80 countries' GeoJSON took a parse per page run)."""
    global _boundaries
    identity = db.db_identity()
    with _boundaries_lock:
        if _boundaries is not None and _boundaries.cache_version == identity:
            return _boundaries
    # Only the loaded institutions' countries: another country would read as "no data".
    df = _cached_fetch(f"SELECT iso3, geojson FROM {S}.boundaries "
                       f"WHERE iso3 IN (SELECT iso3 FROM {S}.institutions) ORDER BY iso3", (), identity)
    parsed = Boundaries({row["iso3"]: json.loads(row["geojson"]) for row in df.iter_rows(named=True)},
                        identity)
    with _boundaries_lock:
        _boundaries = parsed
    return parsed


def load_log() -> pl.DataFrame:
    """Every load, newest first."""
    return _fetch(f"SELECT * FROM {S}.load_log ORDER BY loaded_at DESC, load_id DESC")


def data_as_of():
    """Timestamp of the latest load (None if the log is empty)."""
    df = _fetch(f"SELECT max(loaded_at) AS loaded_at FROM {S}.load_log")
    return df["loaded_at"][0] if df.height else None


def sources() -> pl.DataFrame:
    """Distinct cited sources per institution across all marts, with their status."""
    return _fetch(
        f"""SELECT iso3, source, bool_or(data_status = 'illustrative') AS has_illustrative,
                   count(*) AS n_values FROM (
              SELECT iso3, source, data_status FROM {S}.institutions
              UNION ALL SELECT iso3, source, data_status FROM {S}.mart_indicator_values
              UNION ALL SELECT iso3, source, data_status FROM {S}.mart_autonomy_cells
              UNION ALL SELECT iso3, source, data_status FROM {S}.mart_public_recommendations)
            WHERE source IS NOT NULL AND trim(source) <> ''
            GROUP BY iso3, source ORDER BY iso3, source""")


def reference_facts(iso3: str | None = None) -> pl.DataFrame:
    """Reference facts (field, value, unit, year, source_url, quote, confidence)."""
    if iso3:
        return _fetch(f"SELECT * FROM {S}.reference_facts WHERE iso3 = ? ORDER BY field", [iso3])
    return _fetch(f"SELECT * FROM {S}.reference_facts ORDER BY iso3, field")


def status_summary() -> pl.DataFrame:
    """How many indicator values carry each data_status (for the 'partly illustrative' banner)."""
    return _fetch(f"SELECT data_status, count(*) AS n FROM {S}.mart_indicator_values "
                  f"GROUP BY data_status ORDER BY data_status")


def illustrative_share() -> pl.DataFrame:
    """kind, n_illustrative, n_total for what the pages show: indicator values, context
    figures, autonomy assessments and recommendations (each recommendation counted once,
    including those known only as totals). The banner states these counts."""
    return _fetch(
        f"""SELECT kind, sum(n) FILTER (WHERE data_status = 'illustrative')::BIGINT AS n_illustrative,
                   sum(n)::BIGINT AS n_total FROM (
              SELECT 'indicator' AS kind, data_status, 1 AS n FROM {S}.mart_indicator_values
              WHERE value IS NOT NULL
              UNION ALL SELECT 'context', data_status, 1 FROM {S}.mart_context WHERE value IS NOT NULL
              UNION ALL SELECT 'autonomy', data_status, 1 FROM {S}.mart_autonomy_cells
              UNION ALL SELECT 'recommendation', data_status, n_recommendations
              FROM {S}.mart_recommendation_counts)
            GROUP BY kind ORDER BY kind""")


def status_counts(year_from: int, year_to: int) -> pl.DataFrame:
    """Recommendations per institution and implementation status, issued in [year_from, year_to]."""
    return _fetch(
        f"""SELECT iso3, implementation_status,
                   sum(n_recommendations)::INTEGER AS n_recommendations,
                   bool_or(data_status = 'illustrative') AS has_illustrative
            FROM {S}.mart_recommendation_counts
            WHERE year_issued BETWEEN ? AND ?
            GROUP BY ALL ORDER BY iso3, implementation_status""",
        [int(year_from), int(year_to)])


def autonomy_changes(year_a: int, year_b: int) -> pl.DataFrame:
    """Cells whose assessment differs between two years (both years must have a row)."""
    return _fetch(
        f"""SELECT a.iso3, a.criterion_id, a.assessment AS assessment_a, b.assessment AS assessment_b,
                   b.evidence, b.basis, b.data_status, b.source
            FROM {S}.mart_autonomy_cells a
            JOIN {S}.mart_autonomy_cells b USING (iso3, criterion_id)
            WHERE a.year = ? AND b.year = ? AND a.assessment IS DISTINCT FROM b.assessment
            ORDER BY a.iso3, a.criterion_id""", [int(year_a), int(year_b)])


def is_context_variable(measure: str) -> bool:
    """True for a context variable (population, places_of_detention...), False for an indicator."""
    import catalogue
    return measure in {r["variable"] for r in catalogue.context_variables()}


def series(measure: str) -> pl.DataFrame:
    """Any measure as iso3, year, indicator_id, value, n, data_status, source, note.

    `measure` is an indicator id (mart_indicator_values) or a context variable
    (mart_context, e.g. places_of_detention), so pages treat both alike.
    """
    if is_context_variable(measure):
        return _fetch(
            f"SELECT iso3, year, variable AS indicator_id, value, NULL::INTEGER AS n, data_status, "
            f"source, note FROM {S}.mart_context WHERE variable = ? AND value IS NOT NULL "
            f"ORDER BY iso3, year", [measure])
    return indicator_values(measure)


# --------------------------------------------------------------------------- profile, compare, progress, methods
EXPORT_TABLES = (
    "institutions", "mart_indicator_values", "mart_context", "mart_autonomy_cells",
    "mart_autonomy_scores", "mart_implementation_rates", "mart_recommendation_counts",
    "mart_public_recommendations", "reference_facts", "load_log",
)


def export_table(name: str) -> pl.DataFrame:
    """A whole table for download (Data and methods page). `name` must be in EXPORT_TABLES."""
    if name not in EXPORT_TABLES:
        raise ValueError(f"not an exportable table: {name!r}")
    # `name` is checked against a fixed list above: a table name, not a value.
    table = _fetch(f"SELECT * FROM {S}.{name}")
    return _without_server_folders(table) if name == "load_log" else table


def _without_server_folders(log: pl.DataFrame) -> pl.DataFrame:
    """The load log as a visitor downloads it: file names, never the server's folders."""
    def files(text: str | None) -> str | None:
        if text is None:
            return None
        return json.dumps([{**f, "name": literal.file_name(f.get("name"))} for f in json.loads(text)],
                          ensure_ascii=False)

    def warnings(text: str | None) -> str | None:
        return None if text is None else json.dumps(
            [literal.without_folders(w) for w in json.loads(text)], ensure_ascii=False)

    return log.with_columns(
        pl.col(c).map_elements(f, return_dtype=pl.String)
        for c, f in (("source_path", literal.file_name), ("files", files), ("warnings", warnings))
        if c in log.columns)


def institution(iso3: str) -> dict | None:
    """One institution's row (dates, legal instrument, source) as a dict; None when unknown."""
    df = _fetch(f"SELECT * FROM {S}.institutions WHERE iso3 = ?", [iso3])
    return df.row(0, named=True) if df.height else None


def autonomy_cells_for(iso3: str) -> pl.DataFrame:
    """Every autonomy assessment of one institution, all years."""
    return _fetch(f"SELECT * FROM {S}.mart_autonomy_cells WHERE iso3 = ? ORDER BY year, criterion_id",
                  [iso3])


# --------------------------------------------------------------------------- honest measures (issue 8)
def implementation_by_age(year_from: int, year_to: int) -> pl.DataFrame:
    """Share implemented within 12/24/36 months of issue, per institution and window, pooled over
    the years issued in [year_from, year_to] that are old enough for that window (others left out).

    iso3, window_months, share_implemented_within, n_with_information, n_implemented_within,
    first_year, last_year (the years issued actually pooled), as_of_date, data_status.
    """
    return _fetch(
        f"""SELECT iso3, window_months,
                   CASE WHEN sum(n_with_information) > 0
                        THEN 100.0 * sum(n_implemented_within) / sum(n_with_information) END
                     AS share_implemented_within,
                   sum(n_with_information)::INTEGER AS n_with_information,
                   sum(n_implemented_within)::INTEGER AS n_implemented_within,
                   min(year_issued) AS first_year, max(year_issued) AS last_year, max(as_of_date) AS as_of_date,
                   CASE max(CASE data_status WHEN 'illustrative' THEN 3 WHEN 'estimate' THEN 2 ELSE 1 END)
                        WHEN 3 THEN 'illustrative' WHEN 2 THEN 'estimate' ELSE 'sourced' END AS data_status
            FROM {S}.mart_implementation_by_age
            WHERE old_enough AND year_issued BETWEEN ? AND ?
            GROUP BY iso3, window_months ORDER BY iso3, window_months""", [int(year_from), int(year_to)])


def time_to_implementation(iso3: Sequence[str] | None = None) -> pl.DataFrame:
    """Kaplan-Meier share implemented by month since issue (mart_time_to_implementation)."""
    if iso3:
        return _fetch(f"SELECT * FROM {S}.mart_time_to_implementation WHERE list_contains(?, iso3) "
                      f"ORDER BY iso3, month", [list(iso3)])
    return _fetch(f"SELECT * FROM {S}.mart_time_to_implementation ORDER BY iso3, month")


def open_recommendations() -> pl.DataFrame:
    """Per institution: open recommendations, their median age and the median time to implementation."""
    return _fetch(f"SELECT * FROM {S}.mart_open_recommendations ORDER BY iso3")


def acceptance_rates(year_from: int, year_to: int) -> pl.DataFrame:
    """Responses per institution over recommendations issued in [year_from, year_to]: accepted,
    partially accepted, rejected, no reply, n with a response and the acceptance rate (NULL if none)."""
    return _fetch(
        f"""SELECT iso3, sum(n_with_response)::INTEGER AS n_with_response,
                   sum(n_accepted)::INTEGER AS n_accepted,
                   sum(n_partially_accepted)::INTEGER AS n_partially_accepted,
                   sum(n_rejected)::INTEGER AS n_rejected, sum(n_no_reply)::INTEGER AS n_no_reply,
                   CASE WHEN sum(n_with_response) > 0
                        THEN 100.0 * sum(n_accepted) / sum(n_with_response) END AS acceptance_rate,
                   CASE max(CASE data_status WHEN 'illustrative' THEN 3 WHEN 'estimate' THEN 2 ELSE 1 END)
                        WHEN 3 THEN 'illustrative' WHEN 2 THEN 'estimate' ELSE 'sourced' END AS data_status
            FROM {S}.mart_implementation_rates
            WHERE year_issued BETWEEN ? AND ?
            GROUP BY iso3 ORDER BY iso3""", [int(year_from), int(year_to)])


def before_npm() -> pl.DataFrame:
    """Values given for years before an NPM operated: set aside at load, never compared."""
    return _fetch(f"SELECT * FROM {S}.mart_before_npm ORDER BY iso3, year, source_table, item_id")
