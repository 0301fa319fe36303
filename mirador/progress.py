"""Progress since a baseline year, in plain sentences generated from the data.

For donors: per institution, which indicators moved which way between a
baseline year (2017 by default, the year of the Panama workshop) and a later
year, and which autonomy criteria became met or stopped being met.

Rules kept here (and tested in tests/unit/test_progress_sentences.py):
- a sentence is written only when BOTH ends have a value; otherwise the pair is
  listed as "not comparable: no data for X in <year>" (missing is never zero);
- "improved"/"worsened" comes from the catalogue's `higher_is_better`
  (yes: up is better, no: down is better, blank: no verdict, only the direction);
- every figure is formatted per language by `mirador.formatting`, a rate
  carries its n, and a sentence says "illustrative data" when any value in it
  is illustrative ("includes estimates" when any is an estimate);
- for percentages the change is in percentage points, for scores in points,
  for other units a relative change (omitted when the baseline is 0); point
  changes are taken between the figures as shown, so the sentence adds up.

Pure functions over polars frames: no Streamlit, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import polars as pl

import catalogue
from mirador import formatting as fmt
from mirador import i18n
from mirador.i18n import t

DEFAULT_BASELINE_YEAR = 2017  # the Panama workshop

# Units whose figures read well with the unit spelled after them ("12 persons").
UNITS_WITHOUT_SUFFIX = ("percent", "yes_no", "score")
# How the change is expressed, by unit (default: relative change in %).
CHANGE_IN_POINTS = {"percent": "progress_change_pp", "score": "progress_change_points"}
MINUS = "\u2212"

KIND_INDICATOR = "indicator"
KIND_CRITERION = "criterion"
NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class Statement:
    """One generated sentence and what it is about (for grouping, counting, tests)."""
    iso3: str
    subject: str               # indicator_id or criterion_id
    kind: str                  # indicator | criterion
    direction: str             # improved | worsened | unchanged | up | down | not_comparable
    text: str
    illustrative: bool = False
    estimate: bool = False

    @property
    def comparable(self) -> bool:
        return self.direction != NOT_COMPARABLE


# --------------------------------------------------------------------------- small helpers
def _statuses(*rows: dict) -> tuple[bool, bool]:
    statuses = {r.get("data_status") for r in rows}
    return "illustrative" in statuses, "estimate" in statuses


def _flag(illustrative: bool, estimate: bool, lang: str) -> str:
    if illustrative:
        return t("progress_flag_illustrative", lang)
    if estimate:
        return t("progress_flag_estimate", lang)
    return ""


def _years_text(missing_years: Sequence[int], lang: str) -> str:
    years = [fmt.year(y, lang) for y in missing_years]
    return years[0] if len(years) == 1 else t("progress_years_both", lang, a=years[0], b=years[1])


def _signed(delta: float, lang: str, decimals: int) -> str:
    sign = "+" if delta > 0 else (MINUS if delta < 0 else "")
    return sign + fmt.number(abs(delta), lang, decimals)


def figure_text(indicator_id: str, row: dict, lang: str) -> str:
    """One end of a comparison: '47,2 % (n = 125)', '1.234 USD', 'Sí'."""
    unit = i18n.indicator_unit(indicator_id)
    text = fmt.value(row["value"], unit, lang, with_unit=unit not in UNITS_WITHOUT_SUFFIX)
    n = row.get("n")
    if not fmt.is_missing(n):
        key = "criteria_assessed" if indicator_id == "autonomy_score" else "n_equals"
        text += f" ({t(key, lang, n=fmt.integer(n, lang))})"
    return text


def change_text(unit: str, a: float, b: float, lang: str) -> str:
    """'+3,5 puntos porcentuales', '+27 points', '−12.5%'; '' when a relative change is undefined."""
    if unit in CHANGE_IN_POINTS:
        decimals = fmt.UNIT_DECIMALS[unit]
        delta = round(b, decimals) - round(a, decimals)
        return t(CHANGE_IN_POINTS[unit], lang, n=_signed(delta, lang, decimals))
    if unit == "yes_no" or a == 0:
        return ""
    relative = 100 * (b - a) / abs(a)
    sign = "+" if relative > 0 else (MINUS if relative < 0 else "")
    return sign + fmt.percent(abs(relative), lang, 1)


def verdict(indicator_id: str, went_up: bool) -> str:
    """improved / worsened from the catalogue's higher_is_better; up / down when it has none."""
    polarity = catalogue.indicator(indicator_id).get("higher_is_better", "").strip().lower()
    if polarity == "yes":
        return "improved" if went_up else "worsened"
    if polarity == "no":
        return "worsened" if went_up else "improved"
    return "up" if went_up else "down"


# --------------------------------------------------------------------------- indicators
def _rows_by_key(values: pl.DataFrame) -> dict[tuple[str, str, int], dict]:
    present = values.filter(pl.col("value").is_not_null()) if values.height else values
    return {(r["iso3"], r["indicator_id"], int(r["year"])): r for r in present.iter_rows(named=True)}


def not_comparable(iso3: str, subject: str, kind: str, missing_years: Sequence[int],
                   lang: str) -> Statement:
    """'Not comparable: no data for <indicator> (<country>) in 2017.'"""
    if kind == KIND_CRITERION:
        label, key = i18n.criterion_label(subject, lang), "progress_not_comparable_criterion"
    else:
        label, key = i18n.indicator_label(subject, lang), "progress_not_comparable"
    text = t(key, lang, subject=label, country=i18n.institution_label(iso3, lang),
             years=_years_text(missing_years, lang))
    return Statement(iso3, subject, kind, NOT_COMPARABLE, text)


def indicator_statement(iso3: str, indicator_id: str, row_a: dict, row_b: dict, year_a: int,
                        year_b: int, lang: str) -> Statement:
    """The sentence for one institution and indicator with a value at both ends."""
    unit = i18n.indicator_unit(indicator_id)
    a_text, b_text = figure_text(indicator_id, row_a, lang), figure_text(indicator_id, row_b, lang)
    illustrative, estimate = _statuses(row_a, row_b)
    words = dict(country=i18n.institution_label(iso3, lang), indicator=i18n.indicator_label(indicator_id, lang),
                 a=a_text, b=b_text, year_a=fmt.year(year_a, lang), year_b=fmt.year(year_b, lang),
                 flag=_flag(illustrative, estimate, lang))
    a, b = float(row_a["value"]), float(row_b["value"])
    shown_equal = fmt.value(a, unit, lang) == fmt.value(b, unit, lang)
    if shown_equal:
        return Statement(iso3, indicator_id, KIND_INDICATOR, "unchanged",
                         t("progress_sentence_same", lang, **words), illustrative, estimate)
    direction = verdict(indicator_id, b > a)
    words["verdict"] = t(f"progress_verdict_{direction}", lang)
    change = change_text(unit, a, b, lang)
    words["change"] = f" ({change})" if change else ""
    if unit == "yes_no":
        key = "progress_sentence_changed"
    else:
        key = "progress_sentence_up" if b > a else "progress_sentence_down"
    return Statement(iso3, indicator_id, KIND_INDICATOR, direction, t(key, lang, **words),
                     illustrative, estimate)


def indicator_statements(values: pl.DataFrame, *, baseline: int, latest: int,
                         institutions: Sequence[str], indicators: Sequence[str],
                         lang: str) -> list[Statement]:
    """Sentences (and not-comparable notes) for each institution x indicator, in the order given.

    `values`: iso3, year, indicator_id, value, n, data_status (e.g. queries.indicator_values()).
    """
    rows = _rows_by_key(values)
    out = []
    for iso3 in institutions:
        for indicator_id in indicators:
            row_a, row_b = rows.get((iso3, indicator_id, baseline)), rows.get((iso3, indicator_id, latest))
            if row_a is None or row_b is None:
                missing = [y for y, r in ((baseline, row_a), (latest, row_b)) if r is None]
                out.append(not_comparable(iso3, indicator_id, KIND_INDICATOR, missing, lang))
                continue
            out.append(indicator_statement(iso3, indicator_id, row_a, row_b, baseline, latest, lang))
    return out


# --------------------------------------------------------------------------- autonomy criteria
ASSESSMENT_RANK = {"met": 0, "partially_met": 1, "not_met": 2}  # ladder, best first


def criterion_statement(iso3: str, criterion_id: str, cell_a: dict, cell_b: dict, year_a: int,
                        year_b: int, lang: str) -> Statement | None:
    """A sentence when the assessment changed between two known assessments; None when unchanged."""
    a, b = cell_a["assessment"], cell_b["assessment"]
    if a == b:
        return None
    illustrative, estimate = _statuses(cell_a, cell_b)
    words = dict(country=i18n.institution_label(iso3, lang), criterion=i18n.criterion_label(criterion_id, lang),
                 a=i18n.vocab_label("assessment", a, lang).lower(),
                 b=i18n.vocab_label("assessment", b, lang).lower(),
                 year_a=fmt.year(year_a, lang), year_b=fmt.year(year_b, lang),
                 flag=_flag(illustrative, estimate, lang))
    direction = "improved" if ASSESSMENT_RANK[b] < ASSESSMENT_RANK[a] else "worsened"
    if b == "met":
        key = "progress_criterion_became_met"
    elif a == "met":
        key = "progress_criterion_stopped_met"
    else:
        key = "progress_criterion_changed"
    return Statement(iso3, criterion_id, KIND_CRITERION, direction, t(key, lang, **words),
                     illustrative, estimate)


def criteria_statements(cells: pl.DataFrame, *, baseline: int, latest: int,
                        institutions: Sequence[str], lang: str,
                        criteria: Sequence[str] | None = None) -> list[Statement]:
    """Criteria that changed assessment; 'no information' or no row at either end = not comparable.

    `cells`: iso3, year, criterion_id, assessment, data_status (queries.autonomy_cells()).
    Unchanged criteria produce no sentence.
    """
    criteria = list(criteria or [r["criterion_id"] for r in catalogue.criteria()])
    known = {(r["iso3"], r["criterion_id"], int(r["year"])): r for r in cells.iter_rows(named=True)
             if r["assessment"] in ASSESSMENT_RANK}
    out = []
    for iso3 in institutions:
        for criterion_id in criteria:
            cell_a, cell_b = known.get((iso3, criterion_id, baseline)), known.get((iso3, criterion_id, latest))
            if cell_a is None or cell_b is None:
                missing = [y for y, c in ((baseline, cell_a), (latest, cell_b)) if c is None]
                out.append(not_comparable(iso3, criterion_id, KIND_CRITERION, missing, lang))
                continue
            statement = criterion_statement(iso3, criterion_id, cell_a, cell_b, baseline, latest, lang)
            if statement is not None:
                out.append(statement)
    return out


# --------------------------------------------------------------------------- summaries
DIRECTIONS = ("improved", "worsened", "unchanged", "up", "down", NOT_COMPARABLE)


def tally(statements: Sequence[Statement], kind: str = KIND_INDICATOR) -> pl.DataFrame:
    """Per institution: how many indicators (or criteria) improved, worsened, ... were not comparable."""
    counts: dict[str, dict[str, int]] = {}
    for s in statements:
        if s.kind == kind:
            row = counts.setdefault(s.iso3, dict.fromkeys(DIRECTIONS, 0))
            row[s.direction] += 1
    schema = {"iso3": pl.String, **{d: pl.Int64 for d in DIRECTIONS}}
    return pl.DataFrame([{"iso3": c, **row} for c, row in counts.items()], schema=schema)


def endpoints(values: pl.DataFrame, indicator_id: str, baseline: int, latest: int,
              institutions: Sequence[str]) -> pl.DataFrame:
    """iso3, value_a, value_b, status_a, status_b, n_a, n_b for a dumbbell (missing stays null)."""
    one = values.filter((pl.col("indicator_id") == indicator_id) & pl.col("value").is_not_null())
    a = one.filter(pl.col("year") == baseline).select(
        "iso3", pl.col("value").alias("value_a"), pl.col("n").alias("n_a"),
        pl.col("data_status").alias("status_a"))
    b = one.filter(pl.col("year") == latest).select(
        "iso3", pl.col("value").alias("value_b"), pl.col("n").alias("n_b"),
        pl.col("data_status").alias("status_b"))
    return (pl.DataFrame({"iso3": list(institutions)}, schema={"iso3": pl.String})
            .join(a, on="iso3", how="left").join(b, on="iso3", how="left"))
