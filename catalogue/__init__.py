"""The catalogues: indicator, criteria, area, unit and vocabulary metadata.

Read by the ETL (to validate and derive), by the dashboard (labels, units,
definitions) and by reports alike. The CSV files beside this module are the
single source of truth; nothing else in the project spells out a label.
"""
from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

CATALOGUE_DIR = Path(__file__).resolve().parent
LANGUAGES = ("es", "pt", "en")


def _read(name: str) -> list[dict[str, str]]:
    with open(CATALOGUE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=None)
def areas() -> tuple[dict[str, str], ...]:
    return tuple(sorted(_read("areas.csv"), key=lambda r: int(r["order"])))


@lru_cache(maxsize=None)
def indicators() -> tuple[dict[str, str], ...]:
    return tuple(_read("indicators.csv"))


@lru_cache(maxsize=None)
def criteria() -> tuple[dict[str, str], ...]:
    return tuple(sorted(_read("criteria.csv"), key=lambda r: int(r["order"])))


@lru_cache(maxsize=None)
def units() -> dict[str, dict[str, str]]:
    return {r["unit"]: r for r in _read("units.csv")}


@lru_cache(maxsize=None)
def context_variables() -> tuple[dict[str, str], ...]:
    return tuple(_read("context_variables.csv"))


@lru_cache(maxsize=None)
def countries() -> tuple[dict[str, str], ...]:
    return tuple(_read("countries.csv"))


@lru_cache(maxsize=None)
def fact_fields() -> tuple[dict[str, str], ...]:
    """Labels of the `field` codes of the reference facts (npm_facts.csv), in reading order."""
    return tuple(_read("fact_fields.csv"))


@lru_cache(maxsize=None)
def vocabulary() -> tuple[dict[str, str], ...]:
    return tuple(sorted(_read("vocabulary.csv"), key=lambda r: (r["domain"], int(r["order"]))))


def indicator(indicator_id: str) -> dict[str, str]:
    return {r["indicator_id"]: r for r in indicators()}[indicator_id]


def codes(domain: str) -> list[str]:
    """The allowed codes of a vocabulary domain, in ladder order."""
    return [r["code"] for r in vocabulary() if r["domain"] == domain]


def fold(text: str) -> str:
    """Case-, accent- and space-insensitive form used to match words typed by people."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(no_accents.casefold().replace("_", " ").split())


@lru_cache(maxsize=None)
def _synonym_index(domain: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for row in vocabulary():
        if row["domain"] != domain:
            continue
        words = [row["code"], row["label_es"], row["label_pt"], row["label_en"], *row["synonyms"].split("|")]
        for word in words:
            index.setdefault(fold(word), row["code"])
    return index


def normalise_term(domain: str, raw: str) -> str | None:
    """The code a status/yes-no/type word stands for, or None when it is unknown.

    This is the one place where a word typed in Spanish, Portuguese or English
    (any case, with or without accents) becomes a code.
    """
    return _synonym_index(domain).get(fold(raw))


@lru_cache(maxsize=None)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for row in countries():
        for word in [row["iso3"], row["iso_numeric"], row["name_es"], row["name_pt"], row["name_en"],
                     *row["synonyms"].split("|")]:
            index.setdefault(fold(word), row["iso3"])
    return index


def normalise_country(raw: str) -> str | None:
    """ISO3 code for a country name or code in any of the three languages, or None."""
    return _country_index().get(fold(raw))


def label(row: dict[str, str], lang: str, field: str = "label") -> str:
    """The `field_<lang>` of a catalogue row, falling back to English."""
    return row.get(f"{field}_{lang}") or row.get(f"{field}_en", "")
