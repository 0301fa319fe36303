"""The catalogues: indicator, criteria, area, unit and vocabulary metadata.

Read by the ETL (to validate and derive), by the dashboard (labels, units,
definitions) and by reports alike. The CSV files beside this module are the
single source of truth; nothing else in the project spells out a label.
"""
from __future__ import annotations

import csv
import difflib
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
def fact_units() -> dict[str, dict[str, str]]:
    """The unit words of the reference facts as their researchers typed them ('per 100k'), with
    their kind (date, month, year or quantity: how a value is shown) and labels."""
    return {r["unit"]: r for r in _read("fact_units.csv")}


@lru_cache(maxsize=None)
def vocabulary() -> tuple[dict[str, str], ...]:
    return tuple(sorted(_read("vocabulary.csv"), key=lambda r: (r["domain"], int(r["order"]))))


@lru_cache(maxsize=None)
def problem_messages() -> dict[str, dict[str, str]]:
    """Code -> {language: template} of the ETL's problem messages (etl/problems.py renders them)."""
    return {r["code"]: {lang: r[lang] for lang in LANGUAGES} for r in _read("problem_messages.csv")}


def problem_message(code: str, lang: str) -> str:
    """The template of one problem message in `lang` (English when `lang` is not one of LANGUAGES)."""
    templates = problem_messages()[code]
    return templates.get(lang) or templates["en"]


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


class VocabularyClash(ValueError):
    """One folded word stands for two codes of a domain: which one a person meant cannot be known."""


def _row_words(row: dict[str, str]) -> list[str]:
    return [row["code"], row["label_es"], row["label_pt"], row["label_en"], *row["synonyms"].split("|")]


def build_synonym_index(rows) -> dict[str, tuple[str, str]]:
    """Folded word -> (code, the word as first spelled in the catalogue), for the rows of one domain.

    A word under two codes is an error, never "first one wins": silently keeping
    one reading would turn a typed word into a status its writer may not have meant.
    """
    index: dict[str, tuple[str, str]] = {}
    for row in rows:
        for word in _row_words(row):
            folded = fold(word)
            if not folded:
                continue
            known = index.get(folded)
            if known is not None and known[0] != row["code"]:
                raise VocabularyClash(f"vocabulary.csv, domain {row['domain']}: {word!r} stands for both "
                                      f"{known[0]} and {row['code']}; a word may stand for one code only")
            index.setdefault(folded, (row["code"], word))
    return index


@lru_cache(maxsize=None)
def _synonym_index(domain: str) -> dict[str, tuple[str, str]]:
    return build_synonym_index(r for r in vocabulary() if r["domain"] == domain)


def normalise_term(domain: str, raw: str) -> str | None:
    """The code a status/yes-no/type word stands for, or None when it is unknown.

    This is the one place where a word typed in Spanish, Portuguese or English
    (any case, with or without accents) becomes a code.
    """
    found = _synonym_index(domain).get(fold(raw))
    return found[0] if found else None


SUGGESTION_CUTOFF = 0.75  # difflib ratio: 'cumple parcial' -> 'cumple parcialmente' passes, 'implementada' -> 'cumple' does not


def suggest_terms(domain: str, raw: str, n: int = 3) -> list[tuple[str, str]]:
    """The accepted words nearest to an unknown one, as (word, code), nearest first, one per code.

    Compared on folded words so case and accents do not count as differences.
    """
    index = _synonym_index(domain)
    typed = fold(raw)
    nearest = difflib.get_close_matches(typed, list(index), n=n * 3, cutoff=SUGGESTION_CUTOFF)
    out: list[tuple[str, str]] = []
    for folded in nearest:
        if _negated(folded) != _negated(typed):  # 'no cumple totalmente' is not a typo of 'cumple totalmente'
            continue
        code, word = index[folded]
        if all(code != known for _, known in out):  # one word per code: three spellings of one status help no one
            out.append((word, code))
    return out[:n]


NEGATIONS = {"no", "nao", "not", "non", "un", "sin", "sem"}
NEGATED_STEMS = ("incumpl", "incumpr", "unimpl", "unmet", "unanswered")


def _negated(folded: str) -> bool:
    words = folded.split()
    return any(w in NEGATIONS or w.startswith(NEGATED_STEMS) for w in words)


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
