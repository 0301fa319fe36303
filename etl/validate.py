"""Raw string frames -> typed, normalised tables + every problem found, in one run.

Each check is a polars expression over the whole column, so a million
recommendation rows cost a few column scans, not a million Python calls. Every
failing row becomes one line of an "issues" frame (row, column, value, expected);
these are turned into `Problem`s at the end, at most MAX_ROWS_PER_CHECK per check
(the last one says how many more rows share it).
"""
from __future__ import annotations

import functools
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

import catalogue
from etl import parse
from etl.contracts import (
    CATALOGUE, CITATIONS, CODE, COUNTRY, CURRENCY, DATE, DEFAULT_UNIT_RANGE, INPUT_TABLES, INTEGER, NUMBER, TEXT,
    UNIT_RANGES, YEAR_RANGE, Column, NotBefore, RangeByUnit, RequiredWhen, Table,
)
from etl.problems import Message, Problem, encoded, encoded_expr, msg
from etl.read import ROW, RawSource, RawTable

MAX_ROWS_PER_CHECK = 100
ROWS_PER_MISSING_INSTITUTION = 3  # rows listed per unknown institution code before "and N more"
MAX_CODES_LISTED = 12             # institution codes named in one summary line
ISSUE_SCHEMA = {ROW: pl.Int64, "column": pl.String, "value": pl.String, "expected": pl.String, "check": pl.String}

# Codes are Categorical: a million recommendations carry a dozen distinct words,
# so grouping and handing the frame to DuckDB (as Arrow dictionaries) stay cheap.
POLARS_TYPES = {TEXT: pl.String, INTEGER: pl.Int64, NUMBER: pl.Float64, DATE: pl.Date, CODE: pl.Categorical,
                COUNTRY: pl.Categorical, CATALOGUE: pl.Categorical, CURRENCY: pl.String}

NUMBER_TYPES = (INTEGER, NUMBER)
TYPE_WORDS = {  # messages as the issues frame carries them (etl/problems.py `encoded`)
    INTEGER: encoded("type.integer"),
    NUMBER: encoded("type.number"),
    DATE: encoded("type.date"),
    CURRENCY: encoded("type.currency"),
}

# Links. A page turns an http(s) link into an anchor; any other scheme in a link column
# (javascript:, data:, file:, ...) would be handed to the browser, so it is refused here.
# The scheme is read as a browser reads it: leading spaces and control characters dropped,
# tabs and line breaks inside removed ("java\tscript:" is javascript:). Invisible format
# characters are dropped too, so a refusal never depends on what a browser makes of them.
LINK_SCHEMES = ("http", "https")
CITATION_SEPARATOR = ";"  # citations are "; "-separated; every piece after any ";" is checked
_HIDDEN_CHARACTERS = r"[\x00-\x1f\x7f\x{200b}-\x{200f}\x{2060}\x{feff}]"
_LEADING_BLANKS = r"^[\s\x{200b}-\x{200f}\x{2060}\x{feff}]+"
_SCHEME = r"^([A-Za-z][A-Za-z0-9+.\-]*):(.?)"
# Schemes refused even when a space follows the colon ("javascript: alert(1)" still runs);
# any other "word:" is a scheme only when the colon is not followed by a space, so a
# plain-text citation like "Informe anual: 2019" stays text.
ALWAYS_SCHEMES = ("javascript", "vbscript", "livescript", "data", "file", "ftp", "ftps", "sftp", "blob",
                  "filesystem", "about", "view-source", "mailto", "tel", "sms", "ws", "wss", "smb", "jar",
                  "intent", "chrome", "ms-settings")
URL_WORDS = encoded("links.url")


def foreign_scheme(piece: pl.Expr) -> pl.Expr:
    """The scheme (with its colon, lower case) of a link that is not http(s); null for an
    http(s) link or plain text."""
    compact = piece.str.replace_all(_HIDDEN_CHARACTERS, "").str.replace(_LEADING_BLANKS, "")
    parts = compact.str.extract_groups(_SCHEME)
    scheme, after = parts.struct.field("1").str.to_lowercase(), parts.struct.field("2")
    looks_like_link = scheme.is_in(ALWAYS_SCHEMES) | ((after != "") & ~after.str.contains(r"^\s"))
    refused = scheme.is_not_null() & ~scheme.is_in(LINK_SCHEMES) & looks_like_link
    return pl.when(refused).then(scheme + ":")


def refused_citation_scheme(text: pl.Expr) -> pl.Expr:
    """The first refused scheme among the citations of `text`; null when all are fine."""
    return (text.str.split(CITATION_SEPARATOR).list.eval(foreign_scheme(pl.element()))
            .list.drop_nulls().list.first())


def is_web_address(text: pl.Expr) -> pl.Expr:
    """An http(s) URL with nothing hidden in it (no spaces or control characters)."""
    return text.str.strip_chars().str.contains(r"(?i)^https?://[^\s\x00-\x1f\x7f]+$")


@dataclass
class Validated:
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # typed, contract columns only
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _TableCheck:
    """Checks one raw table against its contract, collecting issues as frames."""

    def __init__(self, raw: RawTable, table: Table):
        self.raw, self.table = raw, table
        self.issues: list[pl.DataFrame] = []
        self.whole_file: list[Problem] = []
        self.warnings: list[str] = []
        self.missing: set[str] = set()
        self.deferred: list[tuple] = []

    # -- reporting
    def problem(self, row: int | None, column: str | None, value: str | None, expected: Message) -> None:
        self.whole_file.append(Problem(file=self.raw.file, sheet=self.raw.sheet, row=row, column=column,
                                       value=value, message=expected, table=self.table.name))

    def flag(self, frame: pl.DataFrame, failing: pl.Expr | pl.Series, column: str, expected: str | pl.Expr,
             value: pl.Expr | None = None, check: str | None = None) -> None:
        """Record every row of `frame` where `failing` is true (one filter now)."""
        value = pl.col(f"{column}__raw") if value is None else value
        expected_expr = pl.lit(expected) if isinstance(expected, str) else expected
        found = frame.filter(failing).select(
            pl.col(ROW), pl.lit(column).alias("column"), value.cast(pl.String).alias("value"),
            expected_expr.alias("expected"), pl.lit(check or f"{column}:{expected}").alias("check"))
        if found.height:
            self.issues.append(found)

    def defer(self, failing: pl.Expr, column: str, expected: str | pl.Expr, value: pl.Expr | None = None,
              check: str | None = None) -> None:
        """Queue a row check on the main frame; `flush` evaluates all queued checks in one pass."""
        self.deferred.append((failing, column, expected, value, check))

    def flush(self, frame: pl.DataFrame) -> None:
        if not self.deferred:
            return
        masks = frame.select([d[0].fill_null(False).alias(f"__check{i}") for i, d in enumerate(self.deferred)])
        failing_counts = masks.sum().row(0)
        for i, (count, (_, column, expected, value, check)) in enumerate(zip(failing_counts, self.deferred)):
            if count:
                self.flag(frame, masks.get_column(f"__check{i}"), column, expected, value, check)
        self.deferred.clear()

    # -- steps
    def match_headers(self) -> pl.DataFrame:
        frame = self.raw.frame
        wanted = {catalogue.fold(c): c for c in self.table.column_names}
        renames: dict[str, str] = {}
        for header in frame.columns:
            if header == ROW:
                continue
            # Readers name repeated headers "<name>_duplicated_<n>" and blank ones "".
            typed = re.sub(r"_duplicated_\d+$", "", header)
            folded = catalogue.fold(typed)
            if not folded:
                if frame.get_column(header).null_count() < frame.height:
                    self.warnings.append(f"{self._where()}: a column without a header has values; ignored")
                continue
            target = wanted.get(folded)
            if target is None:
                self.warnings.append(f"{self._where()}: column {header!r} is not part of the table; ignored")
            elif target in renames.values():
                self.problem(1, target, typed, msg("validate.column_twice", column=target))
            else:
                renames[header] = target
        frame = frame.select([pl.col(ROW)] + [pl.col(h).alias(f"{t}__raw") for h, t in renames.items()])
        for column in self.table.columns:
            if column.name not in renames.values():
                frame = frame.with_columns(pl.lit(None, pl.String).alias(f"{column.name}__raw"))
                if column.required:
                    self.missing.add(column.name)
                    self.problem(1, column.name, None, msg("validate.missing_column", column=column.name))
        return frame

    def parse_columns(self, frame: pl.DataFrame) -> pl.DataFrame:
        for rule in self.table.rules:
            if isinstance(rule, RangeByUnit):
                frame = _yes_no_words_as_numbers(frame, rule)
        conventions = {c.name: _number_convention(frame, c, self.raw)
                       for c in self.table.columns if c.type in NUMBER_TYPES}
        parsers = [parser for c in self.table.columns
                   if (parser := _parser_for(c, conventions.get(c.name))) is not None]
        parsers += [_number_problem_parser(c, conventions[c.name]) for c in self.table.columns if c.name in conventions]
        frame = _typed_cells_as_stored(parse.parse_frame(frame, parsers), self.raw)
        return frame.with_columns([pl.col(f"{c.name}__raw").alias(c.name)
                                   for c in self.table.columns if c.type == TEXT])

    def check_values(self, frame: pl.DataFrame) -> None:
        for column in self.table.columns:
            name, raw = column.name, pl.col(f"{column.name}__raw")
            if column.required and name not in self.missing:
                self.defer(raw.is_null(), name, encoded("validate.required"))
            if column.type != TEXT:
                self.defer(raw.is_not_null() & pl.col(name).is_null(), name, _expected_words(column, frame),
                           check=f"{name}:type")
            self._check_range(frame, column)

    def _check_range(self, frame: pl.DataFrame, column: Column) -> None:
        value = pl.col(column.name)
        if column.type == DATE:
            lo, hi = YEAR_RANGE
            self.defer(~value.dt.year().is_between(lo, hi), column.name,
                       encoded("validate.date_between", low=lo, high=hi))
            return
        if column.minimum is not None:
            too_low = value <= column.minimum if column.exclusive_minimum else value < column.minimum
            sign = ">" if column.exclusive_minimum else ">="
            self.defer(too_low, column.name, encoded("validate.above" if sign == ">" else "validate.at_least",
                                                     minimum=column.minimum))
        if column.maximum is not None:
            self.defer(value > column.maximum, column.name, encoded("validate.at_most", maximum=column.maximum))

    def check_links(self, frame: pl.DataFrame) -> None:
        """Link columns hold http(s) links only (CITATIONS may also hold plain-text citations).
        Worked out once per distinct value: a million recommendations cite a few hundred sources."""
        for column in self.table.columns:
            if column.links is None:
                continue
            raw = pl.col(f"{column.name}__raw")
            distinct = frame.select(raw.drop_nulls().unique().alias("value"))
            if column.links == CITATIONS:
                found = distinct.select("value", refused_citation_scheme(pl.col("value")).alias("scheme"))
                refused = dict(found.drop_nulls("scheme").iter_rows())
                expected = raw.replace_strict({v: encoded("links.citation", scheme=s) for v, s in refused.items()},
                                              default=None, return_dtype=pl.String)
            else:
                refused = dict.fromkeys(distinct.filter(~is_web_address(pl.col("value"))).get_column("value"))
                expected = pl.lit(URL_WORDS)
            if refused:
                self.defer(raw.is_in(list(refused)), column.name, expected, check=f"{column.name}:links")

    def check_rules(self, frame: pl.DataFrame) -> None:
        for rule in self.table.rules:
            if isinstance(rule, RequiredWhen):
                condition = pl.col(rule.when_column).is_not_null()
                reason = encoded("rules.required_when_filled", column=rule.column, when=rule.when_column)
                if rule.when_value is not None:
                    condition = pl.col(rule.when_column) == rule.when_value
                    reason = encoded("rules.required_when_value", column=rule.column, when=rule.when_column,
                                     value=rule.when_value)
                self.defer(condition & pl.col(f"{rule.column}__raw").is_null(), rule.column,
                          reason)
            elif isinstance(rule, NotBefore):
                self.defer(pl.col(rule.column) < pl.col(rule.other), rule.column,
                          encoded_expr("rules.not_before", other=rule.other, other_date=pl.col(rule.other)),
                          check=f"{rule.column}:not_before")
            elif isinstance(rule, RangeByUnit):
                self._check_unit_ranges(frame, rule)

    def _check_unit_ranges(self, frame: pl.DataFrame, rule: RangeByUnit) -> None:
        units = {r["indicator_id"]: r["unit"] for r in catalogue.indicators()}
        value = pl.col(rule.value_column)
        indicator = pl.col(rule.indicator_column)
        for unit in sorted(set(units.values())):
            lo, hi, allowed = UNIT_RANGES.get(unit, DEFAULT_UNIT_RANGE)
            ids = [i for i, u in units.items() if u == unit]
            of_unit = indicator.is_in(ids) & value.is_not_null()
            if allowed is not None:
                self.defer(of_unit & ~value.is_in([float(a) for a in allowed]), rule.value_column,
                          encoded("units.one_of", allowed=[f"{a:g}" for a in allowed], unit=unit))
            if lo is not None:
                self.defer(of_unit & (value < lo), rule.value_column, encoded("units.at_least", low=lo, unit=unit))
            if hi is not None:
                self.defer(of_unit & (value > hi), rule.value_column, encoded("units.at_most", high=hi, unit=unit))

    def check_keys(self, frame: pl.DataFrame) -> None:
        key = list(self.table.key)
        if not key:
            return
        # Only the key columns are touched: copying a million full rows to find no duplicate is waste.
        keys = frame.select(ROW, *key)
        required = [k for k in key if self.table.column(k).required]
        if required:  # a row with a blank key part is reported as missing, not as a duplicate
            keys = keys.filter(pl.all_horizontal([pl.col(k).is_not_null() for k in required]))
        whole_key = pl.col(key[0]) if len(key) == 1 else pl.struct(key)
        # Equal keys have equal hashes: as many distinct hashes as rows proves every key unique
        # (a third of the cost of finding duplicates); only otherwise are they looked for row by row.
        if keys.select(whole_key.hash().n_unique()).item() == keys.height:
            return
        duplicated = whole_key.is_duplicated()
        first_row = pl.col(ROW).min().over(key, mapping_strategy="group_to_rows")
        dupes = keys.filter(duplicated).with_columns(first_row.alias("__first"))
        shown = pl.concat_str([pl.col(k).cast(pl.String).fill_null("") for k in key], separator=" / ")
        self.flag(dupes, pl.col(ROW) != pl.col("__first"), " + ".join(key),
                  encoded_expr("keys.duplicate", first_row=pl.col("__first")),
                  value=shown, check="key")

    def check_institution_refs(self, frame: pl.DataFrame, institutions: set[str], failed_in: str | None) -> None:
        """Rows whose institution has no row in institutions, in a few lines rather than one per row.

        When the institutions table itself has problems (`failed_in` says where), the missing
        institutions are most likely its casualties: one summary line per column sends the
        reader to the root cause. Otherwise each missing code shows its first rows (a typo is
        fixed row by row) and how many more share it.
        """
        for column in self.table.columns:
            if not column.references_institution:
                continue
            # The distinct codes first (a dozen words for a million rows); rows only for unknown ones.
            codes = frame.get_column(column.name).drop_nulls().unique().cast(pl.String).to_list()
            unknown = sorted(set(codes) - institutions)
            if not unknown:
                continue
            code = pl.col(column.name).cast(pl.String)
            orphans = (frame.filter(pl.col(column.name).cast(pl.String).is_in(unknown))
                       .select(ROW, code.alias("code"), pl.col(f"{column.name}__raw").alias("typed")))
            if not orphans.height:
                continue
            if failed_in is not None:
                self._summarise_orphans(orphans, column.name, failed_in)
            else:
                self._list_orphans(orphans, column.name)

    def _summarise_orphans(self, orphans: pl.DataFrame, column: str, failed_in: str) -> None:
        codes = orphans.get_column("code").unique().sort().to_list()
        more = msg("refs.more_codes", n=len(codes) - MAX_CODES_LISTED) if len(codes) > MAX_CODES_LISTED else ""
        where = msg("where.sheet", file=self.raw.file, sheet=self.raw.sheet) if self.raw.sheet else self.raw.file
        self.problem(None, column, None, msg("refs.not_loaded", rows=orphans.height, where=where,
                                             codes=codes[:MAX_CODES_LISTED], more=more, failed_in=failed_in))

    def _list_orphans(self, orphans: pl.DataFrame, column: str) -> None:
        shown = (orphans.sort(ROW)
                 .with_columns(pl.int_range(pl.len()).over("code").alias("__n"), pl.len().over("code").alias("__total"))
                 .filter(pl.col("__n") < ROWS_PER_MISSING_INSTITUTION))
        for row in shown.iter_rows(named=True):
            last = row["__n"] == ROWS_PER_MISSING_INSTITUTION - 1
            self.whole_file.append(Problem(
                file=self.raw.file, sheet=self.raw.sheet, row=row[ROW], column=column, value=row["typed"],
                message=msg("refs.unknown_institution", code=row["code"]), table=self.table.name,
                more_rows=row["__total"] - ROWS_PER_MISSING_INSTITUTION if last else 0))

    # -- results
    def problems(self) -> list[Problem]:
        out = list(self.whole_file)
        if not self.issues:
            return out
        issues = pl.concat([i.cast(ISSUE_SCHEMA) for i in self.issues]).sort(ROW)
        counted = issues.with_columns(
            pl.int_range(pl.len()).over("check").alias("__n"), pl.len().over("check").alias("__total"))
        kept = counted.filter(pl.col("__n") < MAX_ROWS_PER_CHECK)
        for row in kept.iter_rows(named=True):
            last = row["__n"] == MAX_ROWS_PER_CHECK - 1
            out.append(Problem(file=self.raw.file, sheet=self.raw.sheet, row=row[ROW], column=row["column"],
                               value=row["value"], message=Message.decode(row["expected"]), table=self.table.name,
                               more_rows=row["__total"] - MAX_ROWS_PER_CHECK if last else 0))
        return out

    def _where(self) -> str:
        return self.raw.file + (f", sheet {self.raw.sheet}" if self.raw.sheet else "")


def _parser_for(column: Column, convention: parse.NumberConvention | None = None) -> parse.ColumnParser | None:
    raw, dtype = f"{column.name}__raw", POLARS_TYPES[column.type]
    expressions = {INTEGER: parse.integer, NUMBER: parse.number, DATE: parse.date, CURRENCY: parse.currency}
    if column.type in NUMBER_TYPES:
        number = functools.partial(expressions[column.type], convention=convention or parse.UNDECIDED)
        return parse.ColumnParser(raw, column.name, dtype, expression=number)
    if column.type in expressions:
        return parse.ColumnParser(raw, column.name, dtype, expression=expressions[column.type])
    if column.type == CODE:
        return parse.ColumnParser(raw, column.name, dtype, word=parse.vocabulary_mapper(column.vocabulary))
    if column.type == COUNTRY:
        return parse.ColumnParser(raw, column.name, dtype, word=parse.country_code)
    if column.type == CATALOGUE:
        return parse.ColumnParser(raw, column.name, dtype, word=parse.catalogue_mapper(column.catalogue))
    return None


def _number_convention(frame: pl.DataFrame, column: Column, raw: RawTable) -> parse.NumberConvention:
    """The decimal mark this column shows in the cells people typed as text (in a workbook,
    cells stored as numbers say nothing about how the person writes numbers)."""
    values = pl.col(f"{column.name}__raw")
    text_rows = raw.text_cell_rows.get(column.name) if raw.text_cell_rows is not None else None
    if text_rows is not None:
        values = values.filter(pl.col(ROW).is_in(text_rows))
    typed = frame.select(values.drop_nulls().unique()).to_series()
    return parse.number_convention(typed, semicolon_file=raw.delimiter == ";")


def _number_problem_parser(column: Column, convention: parse.NumberConvention) -> parse.ColumnParser:
    """`<column>__why`: what is wrong with a value that is not read as a number (null when nothing)."""
    why = functools.partial(parse.number_problem, convention=convention, whole=column.type == INTEGER)
    return parse.ColumnParser(f"{column.name}__raw", f"{column.name}__why", pl.String, expression=why)


def _typed_cells_as_stored(frame: pl.DataFrame, raw: RawTable) -> pl.DataFrame:
    """Workbook cells stored as numbers are exact: 1.132 stored as a number is 1.132, whatever
    the text cells of its column say (the reader lists the text cells of columns where it matters)."""
    for name, text_rows in (raw.text_cell_rows or {}).items():
        if f"{name}__raw" not in frame.columns or name not in frame.columns:
            continue
        column_raw = pl.col(f"{name}__raw")
        stored = ~pl.col(ROW).is_in(text_rows) & parse.number_form(column_raw).str.starts_with("ambiguous")
        as_stored = (parse.integer if frame.schema[name] == pl.Int64 else parse.number)(column_raw, parse.TYPED)
        frame = frame.with_columns(pl.when(stored).then(as_stored).otherwise(pl.col(name)).alias(name),
                                   pl.when(stored).then(None).otherwise(pl.col(f"{name}__why")).alias(f"{name}__why"))
    return frame


def _expected_words(column: Column, frame: pl.DataFrame | None = None) -> str | pl.Expr:
    """What a column accepts; for a vocabulary column read from `frame`, per unknown word
    also the nearest accepted words; for a number column, why the separators or the size failed."""
    if column.type in NUMBER_TYPES and frame is not None and f"{column.name}__why" in frame.columns:
        return pl.coalesce(pl.col(f"{column.name}__why"), pl.lit(TYPE_WORDS[column.type]))
    if column.type == CODE:
        accepted = msg("vocab.one_of", codes=catalogue.codes(column.vocabulary))
        return accepted.json() if frame is None else _with_suggestions(frame, column, accepted)
    if column.type == COUNTRY:
        return encoded("type.country")
    if column.type == CATALOGUE:
        ids = sorted(set(parse.catalogue_ids(column.catalogue).values()))
        if column.catalogue == "input_indicator":
            return encoded("type.input_indicator", ids=ids)
        return encoded("type.one_of", ids=ids)
    return TYPE_WORDS[column.type]


def _with_suggestions(frame: pl.DataFrame, column: Column, accepted: Message) -> pl.Expr:
    """`accepted` plus "did you mean ...?" for each unknown word: worked out once per distinct
    word (only those that can be shown), then mapped onto the rows by one expression."""
    raw = pl.col(f"{column.name}__raw")
    unknown = frame.select(raw.filter(raw.is_not_null() & pl.col(column.name).is_null())
                           .unique(maintain_order=True).head(MAX_ROWS_PER_CHECK)).to_series().to_list()
    hints: dict[str, str] = {}
    for word in unknown:
        nearest = catalogue.suggest_terms(column.vocabulary, word)
        if len(catalogue.fold(word)) <= 1:
            hints[word] = encoded("vocab.mark", accepted=accepted, words=_mark_hint(column.vocabulary))
        elif nearest:
            hints[word] = encoded("vocab.did_you_mean", accepted=accepted,
                                  words=[f"{w!r} ({code})" for w, code in nearest])
    if not hints:
        return pl.lit(accepted.json())
    return raw.replace_strict(hints, default=accepted.json(), return_dtype=pl.String)


def _mark_hint(domain: str) -> list[str]:
    """The words to write instead of a single letter or a mark (refused): an x is
    "ticked" to one reader and "crossed out" to another, an s is "sí"/"sim" but not English;
    a wrong "yes" in is_public would publish an internal recommendation."""
    return [f"{r['label_es']!r} / {r['label_pt']!r} / {r['label_en']!r} ({r['code']})"
            for r in catalogue.vocabulary() if r["domain"] == domain]


def validate_table(raw: RawTable, table: Table, institutions: set[str] | None,
                   institutions_failed_in: str | None = None) -> tuple[pl.DataFrame, _TableCheck]:
    check = _TableCheck(raw, table)
    frame = check.match_headers()
    check.check_links(frame)
    if table.as_is:
        check.flush(frame)
        frame = frame.rename({f"{c}__raw": c for c in table.column_names})
        return frame.select([ROW, *table.column_names]), check
    frame = check.parse_columns(frame)
    check.check_values(frame)
    check.check_rules(frame)
    if institutions is not None:
        check.check_institution_refs(frame, institutions, institutions_failed_in)
    check.flush(frame)
    check.check_keys(frame)
    return frame.select([ROW, *table.column_names]), check


def validate(source: RawSource) -> Validated:
    """Every table against its contract. The institutions come first (the others are checked
    against them); then the largest table is checked on this thread while the others are, one
    after another, on a second one (polars lets go of the GIL). The results are joined in the
    tables' order, so the problems and warnings come out as they would one table at a time."""
    result = Validated(problems=list(source.problems), warnings=list(source.warnings))
    checks: dict[str, _TableCheck] = {}
    institutions: set[str] | None = None
    institutions_failed_in: str | None = None  # where institutions has problems: the root cause to name
    present = [table for table in INPUT_TABLES if table.name in source.tables]
    first = [table for table in present[:1] if table.name == "institutions"]
    for table in first:
        typed, check = validate_table(source.tables[table.name], table, None)
        institutions = set(typed.get_column("iso3").drop_nulls().to_list())
        if typed.height == 0:
            check.problem(None, None, None, msg("validate.no_institutions"))
        unlisted = sorted(institutions - {r["iso3"] for r in catalogue.countries()})
        if unlisted:
            check.warnings.append(f"institutions: {', '.join(unlisted)} not in catalogue/countries.csv "
                                  "(no map or catalogue labels for them)")
        if check.issues or check.whole_file or any(p.table == "institutions" for p in source.problems):
            institutions_failed_in = check._where()
        checks[table.name] = check
        result.tables[table.name] = typed
    rest = present[len(first):]
    largest = max(rest, key=lambda table: source.tables[table.name].frame.height, default=None)
    found: dict[str, tuple[pl.DataFrame, _TableCheck] | Future] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="validate") as pool:
        for table in rest:
            if table is not largest:
                found[table.name] = pool.submit(validate_table, source.tables[table.name], table, institutions,
                                                institutions_failed_in)
        if largest is not None:
            found[largest.name] = validate_table(source.tables[largest.name], largest, institutions,
                                                 institutions_failed_in)
        for table in rest:
            typed, check = found[table.name].result() if table is not largest else found[table.name]
            checks[table.name] = check
            result.tables[table.name] = typed
    _check_records_and_totals(result.tables, checks)
    for check in checks.values():
        result.problems.extend(check.problems())
        result.warnings.extend(check.warnings)
    # Root causes first: the institutions table's own problems before those of the tables that refer to it.
    result.problems.sort(key=lambda p: (p.table != "institutions", p.file, p.sheet or "", p.row or 0, p.column or ""))
    result.tables = {name: frame.drop(ROW) for name, frame in result.tables.items()}
    return result


def _check_records_and_totals(tables: dict[str, pl.DataFrame], checks: dict[str, _TableCheck]) -> None:
    """An institution-year comes either as records or as totals: both would count twice."""
    records, totals = tables.get("recommendations"), tables.get("recommendation_totals")
    if records is None or totals is None or totals.height == 0:
        return
    # Only the records of institutions that also give totals can overlap them: a few, not a million.
    with_totals = totals.get_column("iso3").drop_nulls().unique().cast(pl.String).to_list()
    record_years = (records.lazy().filter(pl.col("iso3").is_in(with_totals))
                    .select("iso3", pl.col("date_issued").dt.year().cast(pl.Int64).alias("year_issued"))
                    .drop_nulls().unique().collect())
    overlap = totals.join(record_years, on=["iso3", "year_issued"], how="semi")
    checks["recommendation_totals"].flag(
        overlap, pl.lit(True), "year_issued",
        encoded_expr("keys.records_and_totals", iso3=pl.col("iso3").cast(pl.String)),
        value=pl.col("year_issued"), check="records_and_totals")


def _yes_no_words_as_numbers(frame: pl.DataFrame, rule: RangeByUnit) -> pl.DataFrame:
    """For yes/no indicators, staff may write "Sí", "não" or "Yes" instead of 1/0: turn
    those words into "1"/"0" before the number parser sees them (only for those
    indicators, so a word in a budget is still an error)."""
    yes_no_ids = {catalogue.fold(r["indicator_id"]) for r in catalogue.indicators() if r["unit"] == "yes_no"}
    value, indicator = pl.col(f"{rule.value_column}__raw"), pl.col(f"{rule.indicator_column}__raw")
    words = frame.select(value.drop_nulls().unique()).to_series().to_list()
    as_number = {w: {"yes": "1", "no": "0"}[code] for w in words
                 if not re.fullmatch(r"\s*\d+\s*", w) and (code := catalogue.normalise_term("yes_no", w))}
    if not as_number:
        return frame
    typed_ids = frame.select(indicator.drop_nulls().unique()).to_series().to_list()
    is_yes_no = indicator.is_in([i for i in typed_ids if catalogue.fold(i) in yes_no_ids])
    return frame.with_columns(
        pl.when(is_yes_no).then(value.replace(as_number)).otherwise(value).alias(value.meta.output_name()))
