"""ONE formatter for numbers, percentages, money and dates per language (babel).

Locales: es -> es_ES (`1.234,5`), pt -> pt_PT (`1 234,5`, narrow no-break space
as group separator per CLDR), en -> en (`1,234.5`). Missing values (None, NaN)
render as the translated "no data" text, never as 0.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton as _babel_skeleton
from babel.numbers import parse_pattern as _babel_number_pattern

from mirador.i18n import fact_unit_kind, normalise_language, t

BABEL_LOCALES = {"es": "es_ES", "pt": "pt_PT", "en": "en"}

# Decimals shown per unit when the caller does not choose.
UNIT_DECIMALS = {
    "persons": 0, "local_currency": 0, "usd": 0, "usd_per_detainee": 1, "percent": 1,
    "per_1000_detainees": 2, "visits": 0, "visits_per_place": 2, "reports": 0,
    "recommendations": 0, "score": 0, "place_types": 0, "meetings": 0, "activities": 0,
    "communications": 0, "yes_no": 0, "count": 0, "lcu_per_usd": 2,
}


def locale(lang: str) -> Locale:
    return _babel_locale(BABEL_LOCALES[normalise_language(lang)])


# Parsed once: babel parses a locale named by a string and a number pattern on every call
# (13 us a number; 4 us this way). Progress at 80 institutions formats ~10k numbers a build.
@functools.lru_cache(maxsize=None)
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


@functools.lru_cache(maxsize=None)
def _number_pattern(pattern: str):
    return _babel_number_pattern(pattern)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def no_data(lang: str) -> str:
    return t("no_data", lang)


def number(value: Any, lang: str, decimals: int | None = None) -> str:
    """1234.5 -> '1.234,5' (es) / '1 234,5' (pt) / '1,234.5' (en); None -> 'no data'."""
    if is_missing(value):
        return no_data(lang)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _number_pattern(pattern).apply(round(float(value), decimals), locale(lang))


PERCENT_SIGN = {"es": "\u00a0%", "pt": "%", "en": "%"}  # CLDR: es puts a no-break space before %


def percent(value: Any, lang: str, decimals: int = 1) -> str:
    """A percentage given on the 0..100 scale: 42.5 -> '42,5 %' (es), '42,5%' (pt), '42.5%' (en)."""
    if is_missing(value):
        return no_data(lang)
    return number(value, lang, decimals) + PERCENT_SIGN[normalise_language(lang)]


def value(value: Any, unit: str, lang: str, decimals: int | None = None,
          with_unit: bool = False) -> str:
    """A value in its catalogue unit: percent -> '42,5 %', yes_no -> 'Sí'/'No', else a number.

    `with_unit=True` appends the translated unit label (except percent, already marked).
    """
    if is_missing(value):
        return no_data(lang)
    if unit == "percent":
        return percent(value, lang, 1 if decimals is None else decimals)
    if unit == "yes_no":
        from mirador.i18n import vocab_label
        return vocab_label("yes_no", "yes" if float(value) >= 0.5 else "no", lang)
    text = number(value, lang, UNIT_DECIMALS.get(unit, 1) if decimals is None else decimals)
    if with_unit:
        from mirador.i18n import unit_label
        text = f"{text} {unit_label(unit, lang)}"
    return text


def integer(value: Any, lang: str) -> str:
    return number(value, lang, 0)


def year(value: Any, lang: str) -> str:
    """Years are never grouped: 2017, not 2.017."""
    return no_data(lang) if is_missing(value) else str(int(value))


def date(value: dt.date | None, lang: str, precision: str = "day") -> str:
    """A date at its precision: day '5 de marzo de 2017', month 'marzo de 2017', year '2017'."""
    if is_missing(value):
        return no_data(lang)
    if isinstance(value, dt.datetime):
        value = value.date()
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return _babel_skeleton("yMMMM", value, locale=locale(lang))
    return _babel_date(value, format="long", locale=locale(lang))


def datetime(value: dt.datetime | None, lang: str) -> str:
    """A timestamp (e.g. 'data as of'): date and minutes, in the locale's medium style."""
    if is_missing(value):
        return no_data(lang)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return f"{date(value.date(), lang)}, {value:%H:%M} UTC"


# A reference fact's value is text as its researcher typed it from the source, in the facts
# file's convention (decimal point, no grouping: '230.49', '43961'). Only values that read one
# way are shown in the reader's format: a whole number, or a point followed by other than three
# digits. '1.000' could be a thousand typed the Spanish way, so it stays as typed (etl/parse.py
# refuses the same shape in a number column).
_PLAIN_NUMBER = re.compile(r"\d+(?:\.(\d{1,2}|\d{4,}))?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")


def fact_value(text: str | None, unit: str | None, lang: str) -> str:
    """A reference fact's value for a reader: a plain quantity in the language's number format
    ('43961' -> '43.961', '230.49' -> '230,49' in es), an ISO date or month as a date, the rest
    (names, ranges, years, notes) as typed."""
    if text is None:
        return ""
    kind = fact_unit_kind(unit)
    try:
        if kind == "quantity" and (match := _PLAIN_NUMBER.fullmatch(text)):
            return number(float(text), lang, len(match.group(1) or ""))
        if kind == "date" and _ISO_DAY.fullmatch(text):
            return date(dt.date.fromisoformat(text), lang)
        if kind == "month" and _ISO_MONTH.fullmatch(text):
            return date(dt.date.fromisoformat(f"{text}-01"), lang, "month")
    except ValueError:  # '2019-13-01': not a date after all, shown as typed
        pass
    return text
