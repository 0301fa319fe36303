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
from etl.problems import encoded, encoded_expr, msg

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel serial 1 = 1900-01-01 (with Excel's leap-year bug)

# Numbers. A value shows its separators when it has two groups (1.234.567), both
# marks (1.234,5 / 1,234.5), space groups (1 234,5), a leading 0 (0,125), four or
# more digits before the mark (1234,567) or a mark not followed by exactly three
# digits (12,5 / 58.3). Only "one mark + three digits" (1.000, 1,000, 12.345) can
# be either a decimal or a thousands mark: the column decides (see `number_convention`).
_SIGN = r"^[+-]?"
_GROUP_SPACES = " \u00a0\u202f'"   # space, no-break space, narrow no-break space, apostrophe (1'234.5)
NUMBER_FORMS: dict[str, str] = {          # checked in this order; the first that matches is the form
    "integer": _SIGN + r"\d+$",
    "exponent": _SIGN + r"(\d+\.?\d*|\.\d+)[eE][+-]?\d+$",
    "ambiguous_point": _SIGN + r"[1-9]\d{0,2}\.\d{3}$",
    "ambiguous_comma": _SIGN + r"[1-9]\d{0,2},\d{3}$",
    "decimal_point": _SIGN + r"(\d+\.\d*|\.\d+)$",
    "decimal_comma": _SIGN + r"(\d+,\d*|,\d+)$",
    "point_groups": _SIGN + r"\d{1,3}(\.\d{3})+(,\d+)?$",      # 1.234.567 or 1.234,5: the comma is the decimal mark
    "comma_groups": _SIGN + r"\d{1,3}(,\d{3})+(\.\d+)?$",      # 1,234,567 or 1,234.5: the point is the decimal mark
    "space_groups_comma": _SIGN + rf"\d{{1,3}}([{_GROUP_SPACES}]\d{{3}})+,\d+$",
    "space_groups_point": _SIGN + rf"\d{{1,3}}([{_GROUP_SPACES}]\d{{3}})+\.\d+$",
    "space_groups": _SIGN + rf"\d{{1,3}}([{_GROUP_SPACES}]\d{{3}})+$",
}
# Which decimal mark each form shows (forms not listed show none).
DECIMAL_COMMA, DECIMAL_POINT = ",", "."
FORM_SHOWS = {"decimal_point": DECIMAL_POINT, "comma_groups": DECIMAL_POINT, "space_groups_point": DECIMAL_POINT,
              "decimal_comma": DECIMAL_COMMA, "point_groups": DECIMAL_COMMA, "space_groups_comma": DECIMAL_COMMA}


@dataclass(frozen=True)
class NumberConvention:
    """The decimal mark of one column, decided once from its values that show it.

    `decimal` is None when the column does not show it (or shows both); then
    `undecided` says why, and values like 1.000 are rejected rather than guessed.
    """
    decimal: str | None
    undecided: str = ""


TYPED = NumberConvention(DECIMAL_POINT)  # numbers a workbook stores as numbers: text made by the reader
UNDECIDED = NumberConvention(None, msg("number.undecided"))


def _number_text(text: pl.Expr) -> pl.Expr:
    """Trimmed, with a trailing percent sign dropped (45 % = 45) and a typographic minus as '-'."""
    return text.str.strip_chars().str.replace("\u2212", "-", literal=True).str.replace(r"\s*%$", "")


def number_form(text: pl.Expr) -> pl.Expr:
    """The name of the NUMBER_FORMS entry `text` matches, or null when it is not a number."""
    s = _number_text(text)
    form = pl.lit(None, pl.String)
    for name, pattern in reversed(NUMBER_FORMS.items()):
        form = pl.when(s.str.contains(pattern)).then(pl.lit(name)).otherwise(form)
    return form


def _plain_number_text(s: pl.Expr, convention: NumberConvention, whole: bool) -> pl.Expr:
    """`s` (trimmed number text) rewritten as Rust/Python float text ("1234.5"), null when not a number.

    One when/then chain over the forms, in NUMBER_FORMS order (the first that matches decides),
    each form turned into plain text on its own branch. Built from `s` directly rather than from
    `number_form`: an expression that nests the form chain in each branch grows to tens of
    thousands of nodes, and planning it cost more than parsing a column.
    With `whole`, an ambiguous value the convention reads as a decimal (1.000 = 1 with decimal
    points) is null: for a count that reading is not trusted.
    """
    without_groups = s.str.replace_all(f"[{_GROUP_SPACES}]", "").str.replace(",", ".", literal=True)
    comma_as_point = s.str.replace(",", ".", literal=True)
    thousands_point = s.str.replace_all(".", "", literal=True)
    thousands_comma = s.str.replace_all(",", "", literal=True)
    nothing = pl.lit(None, pl.String)
    as_decimal = {DECIMAL_COMMA: thousands_point, DECIMAL_POINT: nothing if whole else s}
    as_comma = {DECIMAL_COMMA: nothing if whole else comma_as_point, DECIMAL_POINT: thousands_comma}
    plain_by_form = {
        "integer": s, "exponent": s,
        "ambiguous_point": as_decimal.get(convention.decimal, nothing),
        "ambiguous_comma": as_comma.get(convention.decimal, nothing),
        "decimal_point": s, "decimal_comma": comma_as_point,
        "point_groups": thousands_point.str.replace(",", ".", literal=True),
        "comma_groups": thousands_comma,
        "space_groups_comma": without_groups, "space_groups_point": without_groups, "space_groups": without_groups,
    }
    plain = nothing
    for name, pattern in reversed(NUMBER_FORMS.items()):
        plain = pl.when(s.str.contains(pattern)).then(plain_by_form[name]).otherwise(plain)
    return plain


def number(text: pl.Expr, convention: NumberConvention = UNDECIDED) -> pl.Expr:
    """Float64 of `text` read by its form and the column's convention; null when it is not a
    finite number or when it is ambiguous under the convention."""
    value = _plain_number_text(_number_text(text), convention, whole=False).cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)  # 1e999 is no figure: inf would spread to every ratio


def integer(text: pl.Expr, convention: NumberConvention = UNDECIDED) -> pl.Expr:
    """A whole number. 1.000 read as a decimal is 1.0: for a count that reading is not trusted."""
    value = _plain_number_text(_number_text(text), convention, whole=True).cast(pl.Float64, strict=False)
    return pl.when(value.is_finite() & (value == value.floor())).then(value).cast(pl.Int64, strict=False)


def number_convention(texts: pl.Series, semicolon_file: bool = False) -> NumberConvention:
    """The decimal mark a column's own values show (each distinct value counted once).

    Both marks shown, or none, leaves it undecided. A semicolon-separated file is how
    Spanish and Portuguese Excel saves decimal-comma numbers: there, a column showing a
    decimal point is contradicting its file, so it is left undecided as well.
    """
    forms = (pl.DataFrame({"text": texts.drop_nulls().unique()}, schema={"text": pl.String})
             .with_columns(number_form(pl.col("text")).replace_strict(FORM_SHOWS, default=None).alias("shows"))
             .drop_nulls("shows").sort("text"))
    example = {mark: forms.filter(pl.col("shows") == mark).get_column("text").head(1).to_list()
               for mark in (DECIMAL_COMMA, DECIMAL_POINT)}
    comma, point = example[DECIMAL_COMMA], example[DECIMAL_POINT]
    if comma and point:
        return NumberConvention(None, msg("number.both_ways", comma=comma[0], point=point[0]))
    if comma:
        return NumberConvention(DECIMAL_COMMA)
    if point and semicolon_file:
        return NumberConvention(None, msg("number.point_in_semicolon_file", point=point[0]))
    if point:
        return NumberConvention(DECIMAL_POINT)
    return UNDECIDED


def _has_form(s: pl.Expr, *forms: str) -> pl.Expr:
    """`s` is written in one of `forms` (one regex for them all)."""
    return s.str.contains("|".join(f"(?:{NUMBER_FORMS[form]})" for form in forms))


def number_problem(text: pl.Expr, convention: NumberConvention, whole: bool) -> pl.Expr:
    """Why `text` is not accepted as a number under `convention`, in words; null when that is
    not about the separators or the size (the generic "expected a number" then applies)."""
    s = _number_text(text)
    parts = s.str.extract_groups(r"^([+-]?)(\d+)([.,])(\d{3})$")
    sign, units, mark, thousandths = (parts.struct.field(str(i)) for i in (1, 2, 3, 4))
    as_thousands = sign + units + thousandths                     # 1.000 -> 1000
    fraction = thousandths.str.strip_chars_end("0")
    as_decimal = pl.when(fraction == "").then(sign + units).otherwise(sign + units + "." + fraction)
    # How to write the decimal reading so it cannot be misread: 1,5 or 1,1320 (a fourth digit).
    decimal_written = (pl.when(fraction == "").then(sign + units)
                       .when(fraction.str.len_chars() < 3).then(sign + units + mark + fraction)
                       .otherwise(sign + units + mark + fraction + "0"))
    # Each a single regex on `s`, not a test of number_form: the ambiguous forms cannot match an
    # earlier form (those have no mark, or an exponent), so matching them is being of that form.
    ambiguous = _has_form(s, "ambiguous_point", "ambiguous_comma")
    if whole:
        reason = (msg("number.marks_decimals", mark=convention.decimal) if convention.decimal
                  else convention.undecided)
        words = encoded_expr("number.whole_one_way", text=s, thousands=as_thousands, decimal=as_decimal,
                             reason=reason)
        read_as_decimal = {DECIMAL_COMMA: "ambiguous_comma", DECIMAL_POINT: "ambiguous_point"}.get(convention.decimal)
        unclear = ambiguous & (pl.lit(True) if read_as_decimal is None else _has_form(s, read_as_decimal))
    else:
        words = encoded_expr("number.one_way", text=s, decimal=as_decimal, thousands=as_thousands,
                             reason=convention.undecided, decimal_written=decimal_written)
        unclear = ambiguous & pl.lit(convention.decimal is None)
    too_large = _has_form(s, *NUMBER_FORMS) & ~ambiguous & ~number(text, convention).is_finite().fill_null(False)
    return (pl.when(unclear).then(words)
            .when(too_large).then(pl.lit(encoded("number.too_large"))))


# Dates: ISO (time part allowed, as Excel date cells come out), dd/mm/yyyy, Excel serial.
_YMD = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_DMY = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_SERIAL = r"^\d{4,6}(\.\d+)?$"
_SERIAL_RANGE = (10_000, 2_958_465)  # 1927-05-18 .. 9999-12-31: a 4-digit year is never a serial

# Above this share of unique values, parsing the column directly is cheaper than via uniques.
_UNIQUE_SHARE = 0.5


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
    # Words that become Categorical codes are made Categorical first: one hashing pass per column,
    # after which their distinct values cost nothing to find. When every word is already its own
    # code (the usual case: files hold the codes), that column is the result and no lookup is made.
    as_codes = {i: p for i, p in enumerate(parsers) if p.word is not None and p.dtype == pl.Categorical}
    coded = frame.select([pl.col(p.raw).cast(pl.Categorical).alias(str(i)) for i, p in as_codes.items()])
    distinct = {**_distinct(frame, {i: pl.col(p.raw) for i, p in enumerate(parsers) if i not in as_codes}),
                **_distinct(coded, {i: pl.col(str(i)) for i in as_codes})}
    uniques = [distinct[i] for i in range(len(parsers))]
    expressions, ready = [], []
    for i, (parser, values) in enumerate(zip(parsers, uniques)):
        values = pl.Series(values, dtype=pl.String)
        if parser.word is not None:
            parsed = pl.Series([parser.word(v) for v in values.to_list()], dtype=parser.dtype)
            if i in as_codes and values.equals(parsed.cast(pl.String), null_equal=True):
                ready.append(coded.get_column(str(i)).alias(parser.out))
                continue
        elif len(values) > _UNIQUE_SHARE * max(frame.height, 1):
            expressions.append(parser.expression(pl.col(parser.raw)).cast(parser.dtype).alias(parser.out))
            continue
        else:
            parsed = pl.DataFrame({"raw": values}).select(
                parser.expression(pl.col("raw")).cast(parser.dtype)).to_series()
        if not len(values):  # nothing but blanks: nothing to look up
            expressions.append(pl.col(parser.raw).cast(parser.dtype).alias(parser.out))
            continue
        # Every value is among `values`: no default is needed, and giving one (None) makes polars
        # cut the result into pieces unlike the frame's, which then copies every column to match.
        expressions.append(pl.col(parser.raw).replace_strict(values, parsed, return_dtype=parser.dtype)
                           .alias(parser.out))
    # The columns at hand are added apart from the expressions: given together, polars worked the
    # expressions out in one piece each, unlike the frame's pieces, and a later step then copied
    # every column of the frame to match (a million rows of text: 200 MB).
    return frame.with_columns(expressions).with_columns(ready)


def _distinct(frame: pl.DataFrame, columns: dict[int, pl.Expr]) -> dict[int, list]:
    """Per key, the distinct non-null values of its column, as text (one pass for them all)."""
    if not columns:
        return {}
    row = frame.select([expr.drop_nulls().unique().cast(pl.String).implode().alias(str(key))
                        for key, expr in columns.items()]).row(0)  # two parsers may share a column
    return dict(zip(columns, row))


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
