"""Words people type become the status they meant (or an error with a suggestion), and
a broken institutions table is reported as the root cause, not as hundreds of cascades."""
from __future__ import annotations

import csv
from collections import defaultdict

import pytest

import catalogue
from etl.contracts import INPUT_TABLES
from tests.etl.conftest import append_line, problems_of, replace_in, validated


# ----------------------------------------------------------------------------- one word, one code
def test_every_word_of_the_vocabulary_stands_for_one_code_in_its_domain():
    codes_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    with open(catalogue.CATALOGUE_DIR / "vocabulary.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for word in [row["code"], row["label_es"], row["label_pt"], row["label_en"], *row["synonyms"].split("|")]:
                if catalogue.fold(word):
                    codes_of[(row["domain"], catalogue.fold(word))].add(row["code"])
    clashes = {key: codes for key, codes in codes_of.items() if len(codes) > 1}
    assert clashes == {}
    for domain in {domain for domain, _ in codes_of}:
        catalogue._synonym_index.cache_clear()
        assert catalogue._synonym_index(domain)  # the loader accepts what the check above accepts


def test_a_word_under_two_codes_is_refused_not_first_one_wins():
    rows = [
        {"domain": "assessment", "code": "met", "label_es": "Cumplido", "label_pt": "Cumprido", "label_en": "Met",
         "synonyms": "cumple"},
        {"domain": "assessment", "code": "partially_met", "label_es": "Parcial", "label_pt": "Parcial",
         "label_en": "Partial", "synonyms": "Cumple|en parte"},
    ]
    with pytest.raises(catalogue.VocabularyClash, match="(?i)cumple.*met and partially_met"):
        catalogue.build_synonym_index(rows)


@pytest.mark.parametrize(("domain", "typed", "code"), [
    ("assessment", "Cumple parcialmente", "partially_met"),
    ("assessment", "Cumpre parcialmente", "partially_met"),
    ("assessment", "Partially met", "partially_met"),
    ("assessment", "EN PARTE", "partially_met"),
    ("assessment", "em parte", "partially_met"),
    ("assessment", "No cumple", "not_met"),
    ("assessment", "Não cumpre", "not_met"),
    ("assessment", "Cumple totalmente", "met"),
    ("implementation_status", "Partly implemented", "partially_implemented"),
    ("implementation_status", "Implementada parcialmente", "partially_implemented"),
    ("implementation_status", "Cumplida parcialmente", "partially_implemented"),
    ("implementation_status", "Parcialmente atendida", "partially_implemented"),
    ("implementation_status", "En ejecución", "in_progress"),
    ("implementation_status", "Em execução", "in_progress"),
    ("implementation_status", "Pendiente", "no_information"),
    ("implementation_status", "Sin respuesta", "no_information"),
    ("implementation_status", "Aguardando resposta", "no_information"),
])
def test_words_people_type_are_read_as_the_status_they_mean(domain, typed, code):
    assert catalogue.normalise_term(domain, typed) == code


@pytest.mark.parametrize("typed", ["accepted", "Aceptada", "acatada", "aceite", "aceita"])
def test_accepting_a_recommendation_is_not_implementing_it(typed):
    assert catalogue.normalise_term("implementation_status", typed) is None


def test_suggestions_are_the_nearest_words_and_never_the_negation():
    assert catalogue.suggest_terms("assessment", "Cumple parcial")[0] == ("cumple parcialmente", "partially_met")
    assert catalogue.suggest_terms("implementation_status", "Pendiant")[0][1] == "no_information"
    # 'no cumple totalmente' is close in letters to 'cumple totalmente' but means the opposite
    assert all(code != "met" for _, code in catalogue.suggest_terms("assessment", "No cumple totalmente"))
    assert catalogue.suggest_terms("assessment", "xyzzy") == []


def test_a_typed_status_loads_as_its_code(tiny_copy):
    replace_in(tiny_copy, "autonomy_assessments.csv", "separate_budget,partially_met", "separate_budget,Cumple parcialmente")
    replace_in(tiny_copy, "recommendations.csv", ",implemented,", ",Cumplida parcialmente,")
    tables = validated(tiny_copy)
    separate_budget = tables["autonomy_assessments"].filter(criterion_id="separate_budget", iso3="PER")
    assert separate_budget["assessment"].cast(str).to_list() == ["partially_met"]
    first = tables["recommendations"].filter(recommendation_id="PER-2019-001")
    assert first["implementation_status"].cast(str).to_list() == ["partially_implemented"]


def test_an_unknown_word_says_which_accepted_word_is_nearest(tiny_copy):
    replace_in(tiny_copy, "autonomy_assessments.csv", "separate_budget,partially_met", "separate_budget,Cumple parcial")
    replace_in(tiny_copy, "autonomy_assessments.csv", "own_staff,not_met", "own_staff,Zzz")
    problems = [p for p in problems_of(tiny_copy) if p.column == "assessment"]
    by_value = {p.value: p.expected for p in problems}
    assert set(by_value) == {"Cumple parcial", "Zzz"}
    assert "did you mean 'cumple parcialmente' (partially_met)" in by_value["Cumple parcial"]
    assert "did you mean" not in by_value["Zzz"]
    assert "met, partially_met, not_met" in by_value["Zzz"]  # the accepted codes are still listed


def test_an_acceptance_word_in_implementation_status_is_an_error_not_a_status(tiny_copy):
    replace_in(tiny_copy, "recommendations.csv", ",implemented,", ",Aceptada,")
    [p] = [p for p in problems_of(tiny_copy) if p.column == "implementation_status"]
    assert (p.file, p.row, p.value) == ("recommendations.csv", 2, "Aceptada")


# ----------------------------------------------------------------------------- root causes first
def _rows_of(folder, file: str, iso3: str) -> int:
    with open(folder / file, encoding="utf-8", newline="") as f:
        return sum(1 for row in csv.DictReader(f) if row["iso3"] == iso3)


def test_a_broken_institution_gives_one_line_per_dependent_table(tiny_copy):
    replace_in(tiny_copy, "institutions.csv", "PER,Perú", "P3R,Perú")  # Peru's row no longer loads
    for year in range(1990, 2020):  # many dependent rows: without a summary each would be a line
        append_line(tiny_copy, "observations.csv", f"PER,{year},npm_staff,1,estimate,,")
    problems = problems_of(tiny_copy)

    assert {p.file for p in problems if p.column != "iso3"} == set()  # nothing else is wrong with the copy
    assert problems[0].file == "institutions.csv"  # the root cause comes first
    assert any(p.file == "institutions.csv" and p.value == "P3R" for p in problems)
    iso3_problems = [p for p in problems if p.column == "iso3" and p.file != "institutions.csv"]
    by_file = {p.file: p for p in iso3_problems}
    assert len(iso3_problems) == len(by_file)  # one line per table, not one per row
    dependent = {f"{t.name}.csv" for t in INPUT_TABLES
                 if any(c.references_institution for c in t.columns) and _rows_of(tiny_copy, f"{t.name}.csv", "PER")}
    assert "observations.csv" in dependent and set(by_file) == dependent
    summary = by_file["observations.csv"]
    assert summary.row is None
    n_peru = _rows_of(tiny_copy, "observations.csv", "PER")
    assert f"{n_peru} rows in observations.csv refer to institutions that did not load: PER" in summary.expected
    assert "fix institutions.csv first" in summary.expected


def test_a_missing_institution_lists_its_first_rows_and_counts_the_rest(tiny_copy):
    for year in range(2001, 2006):
        append_line(tiny_copy, "observations.csv", f"BRA,{year},npm_staff,5,estimate,,")
    append_line(tiny_copy, "observations.csv", "ARG,2020,npm_staff,5,estimate,,")
    problems = [p for p in problems_of(tiny_copy) if p.column == "iso3"]
    first_row = 1 + _rows_of(tiny_copy, "observations.csv", "PER") + _rows_of(tiny_copy, "observations.csv", "URY") + 1
    brazil = [p for p in problems if p.value == "BRA"]
    assert [p.row for p in brazil] == [first_row, first_row + 1, first_row + 2]
    assert [p.more_rows for p in brazil] == [0, 0, 2]
    [argentina] = [p for p in problems if p.value == "ARG"]
    assert argentina.row == first_row + 5 and "ARG has none" in argentina.expected
