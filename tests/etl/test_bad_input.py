"""One test per class of bad input: each message names file, row, column and value.

Row numbers are those a person sees in a spreadsheet: the header is row 1, so
the first data row of tiny/observations.csv is row 2.
"""
from __future__ import annotations

from etl import read, validate
from tests.etl.conftest import append_line, problems_of, replace_in


def only(problems, column: str):
    found = [p for p in problems if p.column == column]
    assert found, [str(p) for p in problems]
    return found


def assert_names(problem, file: str, row: int, column: str, value: str) -> None:
    assert (problem.file, problem.row, problem.column, problem.value) == (file, row, column, value)
    text = str(problem)
    for part in (file, f"row {row}", f"column {column}", repr(value)):
        assert part in text, text
    assert "expected" in text


def test_unknown_institution_is_an_error_not_dropped(tiny_copy):
    append_line(tiny_copy, "observations.csv", "BRA,2020,npm_staff,5,estimate,,")
    [p] = only(problems_of(tiny_copy), "iso3")
    assert_names(p, "observations.csv", 9, "iso3", "BRA")
    assert "institutions" in p.expected


def test_unknown_country_name_is_an_error(tiny_copy):
    append_line(tiny_copy, "context.csv", "Atlantis,2020,population,5,estimate,,")
    [p] = only(problems_of(tiny_copy), "iso3")
    assert_names(p, "context.csv", 6, "iso3", "Atlantis")


def test_unknown_indicator_is_an_error(tiny_copy):
    replace_in(tiny_copy, "observations.csv", "npm_visits,150", "npm_vists,150")
    [p] = only(problems_of(tiny_copy), "indicator_id")
    assert_names(p, "observations.csv", 5, "indicator_id", "npm_vists")


def test_derived_indicator_typed_as_input_is_an_error(tiny_copy):
    append_line(tiny_copy, "observations.csv", "PER,2020,npm_budget_usd,5,estimate,,")
    [p] = only(problems_of(tiny_copy), "indicator_id")
    assert_names(p, "observations.csv", 9, "indicator_id", "npm_budget_usd")
    assert "derived" in p.expected


def test_unknown_criterion_is_an_error(tiny_copy):
    replace_in(tiny_copy, "autonomy_assessments.csv", "own_staff", "own_stuff")
    [p] = only(problems_of(tiny_copy), "criterion_id")
    assert_names(p, "autonomy_assessments.csv", 5, "criterion_id", "own_stuff")


def test_unknown_status_is_an_error(tiny_copy):
    replace_in(tiny_copy, "recommendations.csv", "in_progress", "hecho a medias")
    [p] = only(problems_of(tiny_copy), "implementation_status")
    assert_names(p, "recommendations.csv", 6, "implementation_status", "hecho a medias")
    assert "no_information" in p.expected  # the message lists the allowed codes


def test_percent_above_100(tiny_copy):
    replace_in(tiny_copy, "observations.csv", "information_requests_answered_pct,80", "information_requests_answered_pct,180")
    [p] = only(problems_of(tiny_copy), "value")
    assert_names(p, "observations.csv", 6, "value", "180")
    assert "100" in p.expected


def test_negative_count(tiny_copy):
    replace_in(tiny_copy, "recommendation_totals.csv", "URY,2020,implemented,3", "URY,2020,implemented,-3")
    [p] = only(problems_of(tiny_copy), "n_recommendations")
    assert_names(p, "recommendation_totals.csv", 4, "n_recommendations", "-3")


def test_negative_observation_count(tiny_copy):
    replace_in(tiny_copy, "observations.csv", "URY,2020,npm_staff,10", "URY,2020,npm_staff,-10")
    [p] = only(problems_of(tiny_copy), "value")
    assert_names(p, "observations.csv", 7, "value", "-10")


def test_yes_no_indicator_must_be_0_or_1(tiny_copy):
    append_line(tiny_copy, "observations.csv", "PER,2020,annual_report_published,2,estimate,,")
    [p] = only(problems_of(tiny_copy), "value")
    assert_names(p, "observations.csv", 9, "value", "2")


def test_yes_no_words_are_read_for_yes_no_indicators(tiny_copy):
    # Staff write "Sí" / "não" for a yes/no indicator: read as 1 / 0, in any case or accent.
    append_line(tiny_copy, "observations.csv", "PER,2021,annual_report_published,Sí,estimate,,")
    append_line(tiny_copy, "observations.csv", "PER,2022,annual_report_published, NÃO ,estimate,,")
    result = validate.validate(read.read_source(tiny_copy))
    assert not result.problems, [str(p) for p in result.problems]
    yes_no = result.tables["observations"].filter(
        (result.tables["observations"]["indicator_id"] == "annual_report_published")
        & result.tables["observations"]["year"].is_in([2021, 2022])).sort("year")
    assert yes_no["value"].to_list() == [1.0, 0.0]


def test_yes_no_word_in_a_numeric_indicator_is_an_error(tiny_copy):
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,sí,estimate,,")
    [p] = only(problems_of(tiny_copy), "value")
    assert_names(p, "observations.csv", 9, "value", "sí")


def test_context_value_must_be_positive(tiny_copy):
    replace_in(tiny_copy, "context.csv", "places_of_detention,300", "places_of_detention,0")
    [p] = only(problems_of(tiny_copy), "value")
    assert_names(p, "context.csv", 4, "value", "0")


def test_followup_before_issue_date(tiny_copy):
    replace_in(tiny_copy, "recommendations.csv", "2020-02-01,prison,ministry_of_justice,staff,implemented,2020-06-01",
               "2020-02-01,prison,ministry_of_justice,staff,implemented,2020-01-31")
    [p] = only(problems_of(tiny_copy), "last_followup_date")
    assert_names(p, "recommendations.csv", 7, "last_followup_date", "2020-01-31")
    assert "2020-02-01" in p.expected


def test_duplicate_recommendation_id(tiny_copy):
    replace_in(tiny_copy, "recommendations.csv", "PER-2019-002", "PER-2019-001")
    [p] = only(problems_of(tiny_copy), "recommendation_id")
    assert_names(p, "recommendations.csv", 3, "recommendation_id", "PER-2019-001")
    assert "row 2" in p.expected  # points at the first occurrence


def test_duplicate_key_across_columns(tiny_copy):
    append_line(tiny_copy, "observations.csv", "Peru,2020,npm_staff,21,estimate,,")
    [p] = only(problems_of(tiny_copy), "iso3 + year + indicator_id")
    assert (p.file, p.row) == ("observations.csv", 9)
    assert p.value == "PER / 2020 / npm_staff" and "row 2" in p.expected


def test_duplicate_institution(tiny_copy):
    append_line(tiny_copy, "institutions.csv",
                "Perú,Perú,Peru,Peru,X,,Y,ombuds_institution,PEN,2006-01-01,,,,,estimate,,")
    [p] = only(problems_of(tiny_copy), "iso3")
    assert (p.file, p.row, p.value) == ("institutions.csv", 4, "PER")


def test_sourced_without_source(tiny_copy):
    replace_in(tiny_copy, "observations.csv", "PER,2020,npm_staff,20,sourced,https://example.org/per-staff,",
               "PER,2020,npm_staff,20,sourced,,")
    [p] = only(problems_of(tiny_copy), "source")
    assert (p.file, p.row, p.column) == ("observations.csv", 2, "source")
    assert "sourced" in str(p)


def test_unparseable_number(tiny_copy):
    replace_in(tiny_copy, "observations.csv", "npm_visits,150", "npm_visits,about 150")
    [p] = only(problems_of(tiny_copy), "value")
    assert_names(p, "observations.csv", 5, "value", "about 150")
    assert "number" in p.expected


def test_unparseable_date(tiny_copy):
    replace_in(tiny_copy, "recommendations.csv", "2019-05-01", "May 2019")
    [p] = only(problems_of(tiny_copy), "date_issued")
    assert_names(p, "recommendations.csv", 3, "date_issued", "May 2019")
    assert "date" in p.expected


def test_impossible_date(tiny_copy):
    replace_in(tiny_copy, "recommendations.csv", "2019-05-01", "31/02/2019")
    [p] = only(problems_of(tiny_copy), "date_issued")
    assert_names(p, "recommendations.csv", 3, "date_issued", "31/02/2019")


def test_not_a_whole_number(tiny_copy):
    replace_in(tiny_copy, "recommendation_totals.csv", "URY,2020,implemented,3", "URY,2020,implemented,3.5")
    [p] = only(problems_of(tiny_copy), "n_recommendations")
    assert_names(p, "recommendation_totals.csv", 4, "n_recommendations", "3.5")


def test_year_out_of_range(tiny_copy):
    replace_in(tiny_copy, "context.csv", "PER,2020,places_of_detention", "PER,220,places_of_detention")
    [p] = only(problems_of(tiny_copy), "year")
    assert_names(p, "context.csv", 4, "year", "220")


def test_missing_required_value(tiny_copy):
    replace_in(tiny_copy, "autonomy_assessments.csv", "PER,2020,own_staff,not_met", "PER,2020,own_staff,")
    [p] = only(problems_of(tiny_copy), "assessment")
    assert (p.file, p.row, p.column) == ("autonomy_assessments.csv", 5, "assessment")
    assert "required" in p.expected


def test_operational_date_needs_precision(tiny_copy):
    replace_in(tiny_copy, "institutions.csv", "2017-01-01,month", "2017-01-01,")
    [p] = only(problems_of(tiny_copy), "npm_operational_precision")
    assert (p.file, p.row) == ("institutions.csv", 2)


def test_missing_required_column(tiny_copy):
    path = tiny_copy / "context.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:3] + line.split(",")[4:]) for line in lines) + "\n",
                    encoding="utf-8")
    [p] = only(problems_of(tiny_copy), "value")
    assert (p.file, p.row, p.value) == ("context.csv", 1, None)
    assert "column named value" in str(p)


def test_missing_table_file(tiny_copy):
    (tiny_copy / "context.csv").unlink()
    problems = problems_of(tiny_copy)
    assert any(p.file == "context.csv" and "a file" in p.expected for p in problems)


def test_optional_table_may_be_missing(tiny_copy):
    (tiny_copy / "reference_facts.csv").unlink()
    assert problems_of(tiny_copy) == []


def test_records_and_totals_for_the_same_year_would_count_twice(tiny_copy):
    append_line(tiny_copy, "recommendation_totals.csv", "PER,2019,implemented,4,,,,estimate,,")
    [p] = only(problems_of(tiny_copy), "year_issued")
    assert (p.file, p.row, p.value) == ("recommendation_totals.csv", 7, "2019")


def test_all_problems_are_reported_in_one_run(tiny_copy):
    replace_in(tiny_copy, "observations.csv", "npm_visits,150", "npm_visits,lots")
    replace_in(tiny_copy, "recommendations.csv", "in_progress", "maybe")
    replace_in(tiny_copy, "context.csv", "places_of_detention,300", "places_of_detention,-1")
    append_line(tiny_copy, "autonomy_assessments.csv", "XYZ,2020,legal_mandate,met,,,estimate,")
    problems = problems_of(tiny_copy)
    assert {p.file for p in problems} == {"observations.csv", "recommendations.csv", "context.csv",
                                          "autonomy_assessments.csv"}
    assert len(problems) == 4


def test_row_numbers_count_blank_lines_and_the_header(tiny_copy):
    append_line(tiny_copy, "observations.csv", "")
    append_line(tiny_copy, "observations.csv", "PER,2021,npm_staff,many,estimate,,")
    [p] = only(problems_of(tiny_copy), "value")
    assert p.row == 10  # header 1, seven data rows 2-8, blank line 9, bad row 10


def test_many_bad_rows_are_summarised_not_dropped(tiny_copy):
    lines = [f"PER-X-{i},PER,2019-01-01,prison,police,staff,bogus,,yes,estimate,," for i in range(250)]
    append_line(tiny_copy, "recommendations.csv", "\n".join(lines))
    problems = [p for p in problems_of(tiny_copy) if p.column == "implementation_status"]
    assert len(problems) == validate.MAX_ROWS_PER_CHECK
    assert problems[-1].more_rows == 250 - validate.MAX_ROWS_PER_CHECK
    assert "150 more rows" in str(problems[-1])


def test_workbook_messages_name_the_sheet(tmp_path):
    from tests.etl.conftest import TINY
    from tests.etl.test_workbook import write_workbook_from_folder

    book = tmp_path / "input.xlsx"
    # Row 4 of the sheet = third data row (institution_budget_lcu).
    write_workbook_from_folder(TINY, book, edit={("observations", 4, "value"): "n/a"})
    problems = validate.validate(read.read_source(book)).problems
    [p] = [p for p in problems if p.column == "value"]
    assert (p.file, p.sheet, p.row, p.value) == ("input.xlsx", "observations", 4, "n/a")
    assert "sheet observations" in str(p)


def test_unknown_extra_column_is_a_warning_not_an_error(tiny_copy):
    path = tiny_copy / "context.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line + (",comments" if i == 0 else ",x") for i, line in enumerate(lines)) + "\n",
                    encoding="utf-8")
    result = validate.validate(read.read_source(tiny_copy))
    assert result.problems == []
    assert any("comments" in w and "context.csv" in w for w in result.warnings)


def test_column_given_twice_is_an_error(tiny_copy):
    path = tiny_copy / "context.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line + (",Value" if i == 0 else ",1") for i, line in enumerate(lines)) + "\n",
                    encoding="utf-8")
    problems = problems_of(tiny_copy)
    assert any(p.file == "context.csv" and p.row == 1 and "twice" in p.expected for p in problems)
