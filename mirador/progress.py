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
  for other units a relative change (omitted when the baseline is 0); every
  change is computed from the unrounded values (75 -> 88.46 is +13.5 points,
  not the +13 between the figures as shown) and given with one decimal;
- like with like: a rate by year issued depends on the age of the
  recommendations (recent ones have had less time), so it gets a direction but
  never "improved"/"worsened"; the share implemented within 24 months compares
  cohorts that all had 24 months (the latest one old enough, named in the
  sentence); an autonomy score is compared on the criteria assessed in both
  years, and when the sets differ the sentence says so and gives both.

Pure functions over polars frames: no Streamlit, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import polars as pl

import catalogue
from mirador import formatting as fmt
from mirador import i18n
from mirador.figure_cache import cached_frame, cached_list
from mirador.i18n import t

DEFAULT_BASELINE_YEAR = 2017  # the Panama workshop

# Units whose figures read well with the unit spelled after them ("12 persons").
UNITS_WITHOUT_SUFFIX = ("percent", "yes_no", "score")
# How the change is expressed, by unit (default: relative change in %).
CHANGE_IN_POINTS = {"percent": "progress_change_pp", "score": "progress_change_points"}
CHANGE_DECIMALS = 1  # a change in points keeps one decimal: +26.8, never the +26 of 38 -> 64
MINUS = "\u2212"
# Rates by year issued: lower for recent years because those recommendations had less time.
AGE_DEPENDENT = ("implementation_rate", "implemented_or_partial_rate")
# Measures by year issued that exist only for cohorts old enough: the latest end is the latest
# such cohort up to the latest year chosen.
COHORT_WINDOWED = ("implemented_within_24_months",)
AUTONOMY = "autonomy_score"
# The donor scorecard: a few headline measures, and the three that get a key message.
HEADLINE_MEASURES = ("implemented_within_24_months", "acceptance_rate", "autonomy_score",
                     "staff_per_1000_detainees", "budget_per_detainee_usd")
KEY_MESSAGE_MEASURES = ("implemented_within_24_months", "autonomy_score", "acceptance_rate")
ARROWS = {"up": "↑", "down": "↓", "same": "="}

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
    # The figures behind the sentence (None when not comparable): for scorecards and messages.
    figures: dict = field(default_factory=dict, compare=False)

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
    """'+3,5 puntos porcentuales', '+26.8 points', '−12.5%'; '' when a relative change is undefined.

    From the unrounded values, so the change is the true one (not the difference of rounded figures)."""
    if unit in CHANGE_IN_POINTS:
        return t(CHANGE_IN_POINTS[unit], lang, n=_signed(b - a, lang, CHANGE_DECIMALS))
    if unit == "yes_no" or a == 0:
        return ""
    relative = 100 * (b - a) / abs(a)
    sign = "+" if relative > 0 else (MINUS if relative < 0 else "")
    return sign + fmt.percent(abs(relative), lang, 1)


def verdict(indicator_id: str, went_up: bool) -> str:
    """improved / worsened from the catalogue's higher_is_better; up / down when it has none, and
    for rates by year issued, whose fall with recency is explained by age (AGE_DEPENDENT)."""
    if indicator_id in AGE_DEPENDENT:
        return "age_up" if went_up else "age_down"
    polarity = catalogue.indicator(indicator_id).get("higher_is_better", "").strip().lower()
    if polarity == "yes":
        return "improved" if went_up else "worsened"
    if polarity == "no":
        return "worsened" if went_up else "improved"
    return "up" if went_up else "down"


# --------------------------------------------------------------------------- indicators
def _between(frame: pl.DataFrame, institutions: Sequence[str], baseline: int, latest: int, *,
             indicator_ids: Sequence[str] | None = None, ends_only: bool = False) -> pl.DataFrame:
    """The rows of `institutions` in the years baseline..latest (only those two with `ends_only`),
    and of `indicator_ids` when given: filtered in polars before any row becomes a dict."""
    if not frame.height:
        return frame
    years = (pl.col("year").is_in([baseline, latest]) if ends_only
             else pl.col("year").is_between(min(baseline, latest), max(baseline, latest)))
    kept = frame.filter(pl.col("iso3").is_in(list(institutions)) & years)
    return kept.filter(pl.col("indicator_id").is_in(list(indicator_ids))) if indicator_ids is not None else kept


def _rows_by_key(values: pl.DataFrame) -> dict[tuple[str, str, int], dict]:
    present = values.filter(pl.col("value").is_not_null()) if values.height else values
    return {(r["iso3"], r["indicator_id"], int(r["year"])): r for r in present.iter_rows(named=True)}


def not_comparable(iso3: str, subject: str, kind: str, missing_years: Sequence[int],
                   lang: str, first_npm_year: int | None = None) -> Statement:
    """'Not comparable: no data for <indicator> (<country>) in 2017.', or, when the missing year
    is before the NPM's first year, 'the NPM was not yet operating in 2017'."""
    if first_npm_year is not None and min(missing_years) < first_npm_year:
        text = t("progress_not_comparable_before_npm", lang, country=i18n.institution_label(iso3, lang),
                 subject=(i18n.criterion_label(subject, lang) if kind == KIND_CRITERION
                          else i18n.indicator_label(subject, lang)),
                 year=fmt.year(min(missing_years), lang), first=fmt.year(first_npm_year, lang))
        return Statement(iso3, subject, kind, NOT_COMPARABLE, text,
                         figures={"before_npm": min(missing_years), "first_npm_year": first_npm_year})
    if kind == KIND_CRITERION:
        label, key = i18n.criterion_label(subject, lang), "progress_not_comparable_criterion"
    else:
        label, key = i18n.indicator_label(subject, lang), "progress_not_comparable"
    text = t(key, lang, subject=label, country=i18n.institution_label(iso3, lang),
             years=_years_text(missing_years, lang))
    return Statement(iso3, subject, kind, NOT_COMPARABLE, text)


def indicator_statement(iso3: str, indicator_id: str, row_a: dict, row_b: dict, year_a: int,
                        year_b: int, lang: str, note: str = "") -> Statement:
    """The sentence for one institution and indicator with a value at both ends.

    `note` is appended before the flag (e.g. which cohort was the latest old enough)."""
    unit = i18n.indicator_unit(indicator_id)
    a_text, b_text = figure_text(indicator_id, row_a, lang), figure_text(indicator_id, row_b, lang)
    illustrative, estimate = _statuses(row_a, row_b)
    words = dict(country=i18n.institution_label(iso3, lang), indicator=i18n.indicator_label(indicator_id, lang),
                 a=a_text, b=b_text, year_a=fmt.year(year_a, lang), year_b=fmt.year(year_b, lang),
                 flag=note + _flag(illustrative, estimate, lang))
    a, b = float(row_a["value"]), float(row_b["value"])
    figures = dict(value_a=a, value_b=b, year_a=year_a, year_b=year_b, n_a=row_a.get("n"), n_b=row_b.get("n"),
                   change=b - a, unit=unit)
    if fmt.value(a, unit, lang) == fmt.value(b, unit, lang):
        return Statement(iso3, indicator_id, KIND_INDICATOR, "unchanged",
                         t("progress_sentence_same", lang, **words), illustrative, estimate, figures)
    direction = verdict(indicator_id, b > a)
    words["verdict"] = t(f"progress_verdict_{direction}", lang)
    change = change_text(unit, a, b, lang)
    words["change"] = f" ({change})" if change else ""
    if unit == "yes_no":
        key = "progress_sentence_changed"
    else:
        key = "progress_sentence_up" if b > a else "progress_sentence_down"
    if direction.startswith("age_"):  # explained by age: a direction, never a verdict
        direction = "up" if b > a else "down"
    return Statement(iso3, indicator_id, KIND_INDICATOR, direction, t(key, lang, **words),
                     illustrative, estimate, figures)


def _years_by_series(rows: dict) -> dict[tuple[str, str], list[int]]:
    """(iso3, indicator_id) -> the years with a value: looked up per series, not by scanning every
    row for each (institution, indicator), which grew with the square of the data (80 institutions)."""
    out: dict[tuple[str, str], list[int]] = {}
    for iso3, indicator_id, year in rows:
        out.setdefault((iso3, indicator_id), []).append(year)
    return out


def _latest_cohort(years_by_series: dict, iso3: str, indicator_id: str, baseline: int, latest: int) -> int | None:
    """The latest year issued, after the baseline and up to `latest`, that has a value."""
    years = [y for y in years_by_series.get((iso3, indicator_id), ()) if baseline < y <= latest]
    return max(years) if years else None


@cached_list
def indicator_statements(values: pl.DataFrame, *, baseline: int, latest: int,
                         institutions: Sequence[str], indicators: Sequence[str],
                         lang: str, cells: pl.DataFrame | None = None,
                         first_npm_years: dict[str, int] | None = None) -> list[Statement]:
    """Sentences (and not-comparable notes) for each institution x indicator, in the order given.

    `values`: iso3, year, indicator_id, value, n, data_status (e.g. queries.indicator_values()).
    `cells` (queries.autonomy_cells()): when given, autonomy scores are compared on the criteria
    assessed in both years. `first_npm_years` (iso3 -> institutions.first_npm_year): a gap before
    it reads "NPM not yet operating".
    """
    first_npm_years = first_npm_years or {}
    # Only the rows a sentence can read (the ends and, for a cohort, the years between them, of
    # the institutions and indicators asked for): at 80 institutions the values of every year
    # were turned into Python dicts to be looked up a few hundred times.
    rows = _rows_by_key(_between(values, institutions, baseline, latest, indicator_ids=indicators))
    years_by_series = _years_by_series(rows)
    known = (_known_cells(_between(cells, institutions, baseline, latest, ends_only=True))
             if cells is not None else None)
    out = []
    for iso3 in institutions:
        for indicator_id in indicators:
            year_b, note = latest, ""
            if indicator_id in COHORT_WINDOWED and (iso3, indicator_id, latest) not in rows:
                cohort = _latest_cohort(years_by_series, iso3, indicator_id, baseline, latest)
                if cohort is not None:
                    year_b = cohort
                    note = t("progress_cohort_note", lang, year=fmt.year(cohort, lang))
            row_a, row_b = rows.get((iso3, indicator_id, baseline)), rows.get((iso3, indicator_id, year_b))
            if row_a is None or row_b is None:
                missing = [y for y, r in ((baseline, row_a), (year_b, row_b)) if r is None]
                out.append(not_comparable(iso3, indicator_id, KIND_INDICATOR, missing, lang,
                                          first_npm_years.get(iso3)))
                continue
            if indicator_id == AUTONOMY and known is not None:
                same = autonomy_on_common_criteria(known, iso3, baseline, latest)
                if same is not None and same["differs"]:
                    out.append(autonomy_statement_on_common(iso3, row_a, row_b, same, baseline, latest, lang))
                    continue
            out.append(indicator_statement(iso3, indicator_id, row_a, row_b, baseline, year_b, lang, note))
    return out


# --------------------------------------------------------------------------- autonomy on the same criteria
def _known_cells(cells: pl.DataFrame) -> dict[tuple[str, int], dict[str, dict]]:
    """(iso3, year) -> {criterion_id: cell} for cells with an assessment (not 'no information')."""
    out: dict[tuple[str, int], dict[str, dict]] = {}
    for r in cells.iter_rows(named=True):
        if r["assessment"] in ASSESSMENT_POINTS:
            out.setdefault((r["iso3"], int(r["year"])), {})[r["criterion_id"]] = r
    return out


ASSESSMENT_POINTS = {"met": 1.0, "partially_met": 0.5, "not_met": 0.0}  # as etl.transform.AUTONOMY_WEIGHTS


def autonomy_on_common_criteria(known: dict, iso3: str, year_a: int, year_b: int) -> dict | None:
    """Scores of both years over the criteria assessed in BOTH; None when no criterion is."""
    cells_a, cells_b = known.get((iso3, year_a), {}), known.get((iso3, year_b), {})
    common = sorted(set(cells_a) & set(cells_b))
    if not common:
        return None

    def score(cells: dict) -> float:
        return 100.0 * sum(ASSESSMENT_POINTS[cells[c]["assessment"]] for c in common) / len(common)

    return dict(n_common=len(common), n_a=len(cells_a), n_b=len(cells_b), score_a=score(cells_a),
                score_b=score(cells_b), differs=set(cells_a) != set(cells_b),
                statuses=[cells_a[c] for c in common] + [cells_b[c] for c in common])


def autonomy_statement_on_common(iso3: str, row_a: dict, row_b: dict, same: dict, year_a: int, year_b: int,
                                 lang: str) -> Statement:
    """'Autonomy score: 75 (14 criteria assessed) in 2017, 88 (13) in 2025 – not the same criteria;
    on the 13 assessed in both years: 73 -> 88 (+15.4 points): improved.'"""
    a, b = same["score_a"], same["score_b"]
    illustrative, estimate = _statuses(row_a, row_b, *same["statuses"])
    unit = i18n.indicator_unit(AUTONOMY)
    common_a, common_b, change = fmt.value(a, unit, lang), fmt.value(b, unit, lang), change_text(unit, a, b, lang)
    direction = "unchanged" if common_a == common_b else verdict(AUTONOMY, b > a)
    text = t("progress_autonomy_different_criteria", lang,
             country=i18n.institution_label(iso3, lang), indicator=i18n.indicator_label(AUTONOMY, lang),
             a=figure_text(AUTONOMY, row_a, lang), b=figure_text(AUTONOMY, row_b, lang),
             year_a=fmt.year(year_a, lang), year_b=fmt.year(year_b, lang),
             n=fmt.integer(same["n_common"], lang), common_a=common_a, common_b=common_b, change=change,
             verdict=t(f"progress_verdict_{direction}", lang), flag=_flag(illustrative, estimate, lang))
    figures = dict(value_a=a, value_b=b, year_a=year_a, year_b=year_b, n_a=same["n_common"], n_b=same["n_common"],
                   change=b - a, unit=unit, all_a=float(row_a["value"]), all_b=float(row_b["value"]),
                   criteria_a=same["n_a"], criteria_b=same["n_b"])
    return Statement(iso3, AUTONOMY, KIND_INDICATOR, direction, text, illustrative, estimate, figures)


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


@cached_list
def criteria_statements(cells: pl.DataFrame, *, baseline: int, latest: int,
                        institutions: Sequence[str], lang: str,
                        criteria: Sequence[str] | None = None) -> list[Statement]:
    """Criteria that changed assessment; 'no information' or no row at either end = not comparable.

    `cells`: iso3, year, criterion_id, assessment, data_status (queries.autonomy_cells()).
    Unchanged criteria produce no sentence.
    """
    criteria = list(criteria or [r["criterion_id"] for r in catalogue.criteria()])
    ends = _between(cells, institutions, baseline, latest, ends_only=True)
    known = {(r["iso3"], r["criterion_id"], int(r["year"])): r for r in ends.iter_rows(named=True)
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


@cached_frame
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


# --------------------------------------------------------------------------- donor scorecard
def _short_figure(indicator_id: str, value: float, n, year: int, lang: str) -> str:
    """'33,3 % (n = 3) [2017]'."""
    unit = i18n.indicator_unit(indicator_id)
    text = fmt.value(value, unit, lang)
    if not fmt.is_missing(n) and unit == "percent":
        text += f" ({t('n_equals', lang, n=fmt.integer(n, lang))})"
    return f"{text} [{fmt.year(year, lang)}]"


def scorecard_cell(statement: Statement, lang: str) -> str:
    """'33,3 % (n = 3) [2017] → 50,0 % (n = 4) [2023] ↑ +16,7 pp · ilustrativo', or why there is none."""
    if not statement.comparable:
        if "before_npm" in statement.figures:
            return t("progress_scorecard_before_npm", lang, year=fmt.year(statement.figures["before_npm"], lang),
                     first=fmt.year(statement.figures["first_npm_year"], lang))
        return t("progress_scorecard_gap", lang)
    f = statement.figures
    unchanged = statement.direction == "unchanged"
    arrow = ARROWS["same"] if unchanged else ARROWS["up" if f["change"] > 0 else "down"]
    change = "" if unchanged else change_text(f["unit"], f["value_a"], f["value_b"], lang)
    text = (f"{_short_figure(statement.subject, f['value_a'], f['n_a'], f['year_a'], lang)} → "
            f"{_short_figure(statement.subject, f['value_b'], f['n_b'], f['year_b'], lang)} {arrow}"
            + (f" {change}" if change else ""))
    if "criteria_a" in f:  # autonomy compared on the criteria assessed in both years
        text += " " + t("progress_scorecard_common_criteria", lang, n=fmt.integer(f["n_a"], lang))
    if statement.illustrative:
        text += " · " + t("progress_scorecard_illustrative", lang)
    elif statement.estimate:
        text += " · " + t("progress_scorecard_estimate", lang)
    return text


@cached_frame
def scorecard(statements: Sequence[Statement], institutions: Sequence[str], measures: Sequence[str],
              lang: str) -> pl.DataFrame:
    """Per institution (rows), per headline measure (columns): baseline -> latest with an arrow,
    the change and a flag; a gap says why. Column names are the measures' labels."""
    by_key = {(s.iso3, s.subject): s for s in statements if s.kind == KIND_INDICATOR}
    rows = []
    for iso3 in institutions:
        row = {t("col_country", lang): i18n.institution_label(iso3, lang)}
        for measure in measures:
            statement = by_key.get((iso3, measure))
            row[i18n.indicator_label(measure, lang)] = scorecard_cell(statement, lang) if statement else ""
        rows.append(row)
    return pl.DataFrame(rows, schema={k: pl.String for k in rows[0]} if rows else None)


def _size(statement: Statement) -> float:
    """How large a change is, comparable across institutions of one measure."""
    f = statement.figures
    if f["unit"] in CHANGE_IN_POINTS or f["value_a"] == 0:
        return abs(f["change"])
    return abs(f["change"] / f["value_a"])


def key_message(statements: Sequence[Statement], measure: str, lang: str) -> str:
    """One generated message about one headline measure, with its figures, n and flag.

    'Implemented within 24 months: improved in 3 of 5 institutions with both ends, worsened in 2;
    largest change: Peru, 20.0% (n = 120) [2017] -> 35.0% (n = 140) [2023] (+15.0 points); no
    comparison for 4 (no data at one end).'"""
    mine = [s for s in statements if s.subject == measure and s.kind == KIND_INDICATOR]
    comparable = [s for s in mine if s.comparable]
    label = i18n.indicator_label(measure, lang)
    gaps = len(mine) - len(comparable)
    if not comparable:
        return t("progress_key_none", lang, indicator=label, n=fmt.integer(gaps, lang))
    largest = max(comparable, key=_size)
    improved = sum(s.direction == "improved" for s in comparable)
    worsened = sum(s.direction == "worsened" for s in comparable)
    illustrative = any(s.illustrative for s in comparable)
    estimate = any(s.estimate for s in comparable)
    text = t("progress_key_message", lang, indicator=label, improved=fmt.integer(improved, lang),
             worsened=fmt.integer(worsened, lang), m=fmt.integer(len(comparable), lang),
             country=i18n.institution_label(largest.iso3, lang), example=scorecard_cell(largest, lang)
             .split(" · ")[0])
    if gaps:
        text += " " + t("progress_key_gaps", lang, n=fmt.integer(gaps, lang))
    return text + _flag(illustrative, estimate, lang)


def key_messages(statements: Sequence[Statement], lang: str,
                 measures: Sequence[str] = KEY_MESSAGE_MEASURES) -> list[str]:
    """Three messages for donors, one per key measure, generated from the statements."""
    return [key_message(statements, m, lang) for m in measures]


# --------------------------------------------------------------------------- dates with their precision
def years_span_text(low: float | None, high: float | None, lang: str) -> str:
    """Years between two dates known to their precision: '1,7' when both ends fix it, '1,7–2,7'
    when a date is known only to the month or year (a year-only date is not 1 January)."""
    if fmt.is_missing(low) or fmt.is_missing(high):
        return fmt.no_data(lang)
    a, b = fmt.number(low, lang, 1), fmt.number(high, lang, 1)
    return a if a == b else f"{a}–{b}"
