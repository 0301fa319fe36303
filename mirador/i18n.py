"""Language: ONE translation function `t()` plus readers of catalogue labels.

- Interface words (titles, buttons, messages) live in `mirador/ui_strings.csv`
  (key,es,pt,en). `t(key, lang, **fmt)` returns the text with `{name}`
  placeholders filled (format values with `mirador.formatting` first).
- Domain words (indicator, criterion, area, unit, vocabulary status, country
  names) are NEVER spelled here: they come from `catalogue/*.csv`
  via the helpers below.

The language itself is a page-state value (`mirador.state.language()`); this
module only translates.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import catalogue

LANGUAGES = ("es", "pt", "en")
DEFAULT_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "pt": "Português", "en": "English"}  # endonyms, not translated
STRINGS_PATH = Path(__file__).resolve().parent / "ui_strings.csv"


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """{key: {"es": ..., "pt": ..., "en": ...}} from ui_strings.csv."""
    with open(STRINGS_PATH, encoding="utf-8", newline="") as f:
        return {row["key"]: {lang: row[lang] for lang in LANGUAGES} for row in csv.DictReader(f)}


def normalise_language(raw: str | None) -> str:
    """'pt-BR' / 'PT' / 'pt_PT' -> 'pt'; unknown or empty -> the default language."""
    code = (raw or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str, **fmt) -> str:
    """The interface text `key` in `lang`, with `{placeholders}` filled from `fmt`.

    The text itself may carry formatting (markdown); the values in `fmt` are put in as
    given. A value from the data (a name, a file name, a message) is made literal by the
    caller for where the text goes: `mirador.literal.markdown(...)` for a Streamlit element,
    `mirador.literal.plotly(...)` for a chart. Escaping here would be wrong for one of them.

    An unknown key raises KeyError (a test checks every key has es/pt/en), so a
    typo fails loudly in tests instead of showing a raw key to users.
    """
    text = strings()[key][normalise_language(lang)]
    return text.format(**fmt) if fmt else text


# --------------------------------------------------------------------------- catalogue labels
@lru_cache(maxsize=None)
def _by_key(kind: str) -> dict[str, dict[str, str]]:
    if kind == "indicator":
        return {r["indicator_id"]: r for r in catalogue.indicators()}
    if kind == "criterion":
        return {r["criterion_id"]: r for r in catalogue.criteria()}
    if kind == "area":
        return {r["area_id"]: r for r in catalogue.areas()}
    if kind == "country":
        return {r["iso3"]: r for r in catalogue.countries()}
    if kind == "context":
        return {r["variable"]: r for r in catalogue.context_variables()}
    if kind == "fact_field":
        return {r["field"]: r for r in catalogue.fact_fields()}
    raise ValueError(kind)


def indicator_label(indicator_id: str, lang: str) -> str:
    return catalogue.label(_by_key("indicator")[indicator_id], lang)


def indicator_definition(indicator_id: str, lang: str) -> str:
    return catalogue.label(_by_key("indicator")[indicator_id], lang, "definition")


def indicator_derivation(indicator_id: str, lang: str) -> str:
    """How a derived indicator is computed, in `lang` ("" for an input indicator)."""
    return catalogue.label(_by_key("indicator")[indicator_id], lang, "derivation")


def indicator_unit(indicator_id: str) -> str:
    """The unit code of an indicator (e.g. 'usd_per_detainee', 'percent')."""
    return _by_key("indicator")[indicator_id]["unit"]


def unit_label(unit: str, lang: str) -> str:
    return catalogue.label(catalogue.units()[unit], lang)


def indicator_unit_label(indicator_id: str, lang: str) -> str:
    return unit_label(indicator_unit(indicator_id), lang)


def criterion_label(criterion_id: str, lang: str) -> str:
    return catalogue.label(_by_key("criterion")[criterion_id], lang)


def criterion_definition(criterion_id: str, lang: str) -> str:
    return catalogue.label(_by_key("criterion")[criterion_id], lang, "definition")


def criterion_source(criterion_id: str) -> str:
    """Where the criterion comes from (SPT guidelines, APT toolkit...); not translated."""
    return _by_key("criterion")[criterion_id]["source"]


def area_label(area_id: str, lang: str) -> str:
    return catalogue.label(_by_key("area")[area_id], lang)


def context_label(variable: str, lang: str) -> str:
    return catalogue.label(_by_key("context")[variable], lang)


def fact_field_label(field: str, lang: str) -> str:
    """Label of a reference-fact field code ('opcat_ratification' -> 'Ratificación del OPCAT').

    A field missing from `catalogue/fact_fields.csv` (a newer facts file) shows its code
    with underscores as spaces rather than failing the page.
    """
    row = _by_key("fact_field").get(field)
    return catalogue.label(row, lang) if row else str(field).replace("_", " ")


def fact_unit_label(unit: str | None, lang: str) -> str:
    """A reference fact's unit word in `lang` ('per 100k' -> 'por 100.000 hab.'); a word missing
    from `catalogue/fact_units.csv` (a newer facts file) is shown as typed; no unit, ""."""
    if not unit:
        return ""
    row = catalogue.fact_units().get(unit)
    return catalogue.label(row, lang) if row else unit


def fact_unit_kind(unit: str | None) -> str | None:
    """'date', 'month', 'year' or 'quantity' for a catalogued unit word; None otherwise."""
    row = catalogue.fact_units().get(unit or "")
    return row["kind"] if row else None


def fact_field_order(field: str) -> int:
    """Position of a fact field in the catalogue (reading order); unknown fields last."""
    order = list(_by_key("fact_field"))
    return order.index(field) if field in order else len(order)


def vocab_label(domain: str, code: str | None, lang: str) -> str:
    """Label of a vocabulary code (assessment, implementation_status, place_type, ...).

    None / unknown code -> the translated 'not reported' text.
    """
    for row in catalogue.vocabulary():
        if row["domain"] == domain and row["code"] == code:
            return catalogue.label(row, lang)
    return t("not_reported", lang)


def country_name(iso3: str, lang: str) -> str:
    row = _by_key("country").get(iso3)
    return catalogue.label(row, lang, "name") if row else iso3


def institution_label(iso3: str, lang: str) -> str:
    """How an institution is named in charts: its country name in `lang`."""
    return country_name(iso3, lang)


def measure_label(measure: str, lang: str) -> str:
    """Label of an indicator id or a context variable."""
    if measure in _by_key("indicator"):
        return indicator_label(measure, lang)
    return context_label(measure, lang)


def measure_unit(measure: str) -> str:
    """Unit code of an indicator id or a context variable."""
    if measure in _by_key("indicator"):
        return indicator_unit(measure)
    return _by_key("context")[measure]["unit"]


def measure_definition(measure: str, lang: str) -> str:
    """Definition of an indicator (context variables have only a label)."""
    if measure in _by_key("indicator"):
        return indicator_definition(measure, lang)
    return context_label(measure, lang)
