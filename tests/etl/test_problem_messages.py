"""Problem messages in the staff member's language (issue #10).

Every problem the ETL reports names a row of catalogue/problem_messages.csv and the values
that fill it. These tests hold the catalogue to three languages with the same placeholders,
hold the ETL to codes the catalogue has, and run a corpus of messy inputs (the kinds the
other ETL tests spoil the tiny fixture with) to check that no problem reaches a Spanish or
Portuguese reader in the English wording.
"""
from __future__ import annotations

import codecs
import os
import re
import shutil
import string
from pathlib import Path

import openpyxl
import polars as pl
import pytest

import catalogue
from etl import read, validate
from etl.problems import LIST_JOINS, Message, Problem, encoded, encoded_expr, msg
from tests.etl.conftest import MESSY, TINY, append_line, replace_in

LANGUAGES = ("es", "pt", "en")
READERS = ("es", "pt")  # the languages that must never see the English template
ETL = Path(read.__file__).resolve().parent
CODE_PREFIXES = ("read", "validate", "type", "vocab", "links", "rules", "units", "keys", "refs", "number",
                 "where", "join", "delimiter")
CODE_LITERAL = re.compile(r"""["'](?:%s)\.[a-z_]+["']""" % "|".join(CODE_PREFIXES))
# Rows the corpus below does not provoke, and why (each still checked for its three languages).
NOT_PROVOKED = {
    "read.unreadable_csv": "a reader crash that the checks before it leave no way to cause",
}


def placeholders(template: str) -> set[tuple[str, str | None, str]]:
    """(name, conversion, format spec) of each placeholder: a translation may move them, not change them."""
    return {(name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(template)
            if name is not None}


# ---------------------------------------------------------------------------- the catalogue itself
def test_every_message_is_written_in_all_three_languages():
    messages = catalogue.problem_messages()
    assert messages
    for code, templates in messages.items():
        for lang in LANGUAGES:
            assert templates[lang].strip(), (code, lang)


def test_a_translation_has_the_same_placeholders_as_the_english():
    for code, templates in catalogue.problem_messages().items():
        english = placeholders(templates["en"])
        for lang in READERS:
            assert placeholders(templates[lang]) == english, (code, lang, templates[lang])


def test_no_spanish_or_portuguese_row_is_the_english_one():
    for code, templates in catalogue.problem_messages().items():
        for lang in READERS:
            assert templates[lang] != templates["en"], (code, lang)


def test_the_etl_writes_only_codes_of_the_catalogue_and_the_catalogue_has_no_dead_rows():
    written = {match.group(0)[1:-1] for path in ETL.glob("*.py")
               for match in CODE_LITERAL.finditer(path.read_text(encoding="utf-8"))}
    written |= {f"delimiter.{name}" for name in read.DELIMITER_NAMES.values()}  # built from the delimiter
    written |= {f"join.{word}" for word in LIST_JOINS}                          # used by the renderer
    assert len(written) > 40, "the search for codes in etl/ found too few: is CODE_LITERAL still right?"
    known = set(catalogue.problem_messages())
    assert written - known == set()
    assert known - written == set()


# ---------------------------------------------------------------------------- rendering
def test_a_message_round_trips_through_the_issues_frame_encoding():
    message = msg("rules.required_when_value", column="source", when="data_status", value="sourced")
    assert Message.decode(encoded(message.code, **message.params)) == message
    assert str(message) == "a value (source must be filled in when data_status is sourced)"


def test_per_row_messages_carry_each_rows_values():
    frame = pl.DataFrame({"iso3": ["PER", 'UR"Y'], "first": [2, 17]})
    texts = frame.select(encoded_expr("keys.duplicate", first_row=pl.col("first")).alias("a"),
                         encoded_expr("keys.records_and_totals", iso3=pl.col("iso3")).alias("b"))
    assert [str(Message.decode(t)) for t in texts["a"]] == ["a unique key (the same as row 2)",
                                                           "a unique key (the same as row 17)"]
    assert "for UR\"Y (that year" in str(Message.decode(texts["b"][1]))  # a quote in a value survives JSON


def test_an_inner_message_and_a_list_are_said_in_the_readers_language():
    message = msg("vocab.did_you_mean", accepted=msg("vocab.one_of", codes=["yes", "no"]),
                  words=["'Sí' (yes)", "'Si' (yes)"])
    assert str(message) == ("one of: yes, no (or its name in Spanish, Portuguese or English); "
                            "did you mean 'Sí' (yes) or 'Si' (yes)?")
    spanish = message.render("es")
    assert "¿quiso decir 'Sí' (yes) o 'Si' (yes)?" in spanish and "español" in spanish
    assert " ou " in message.render("pt") and "português" in message.render("pt")


def test_values_are_never_translated_nor_formatted_as_code():
    typed = "{value} o'brien {0}"  # braces in a value are text, not placeholders
    problem = Problem("context.csv", 3, "iso3", typed, msg("refs.unknown_institution", code=typed))
    for lang in LANGUAGES:
        assert typed in problem.expected_in(lang)


# ---------------------------------------------------------------------------- a corpus of messy inputs
def _copy(tmp_path: Path, name: str, source: Path = TINY) -> Path:
    target = tmp_path / name
    shutil.copytree(source, target)
    return target


def _values_spoiled(folder: Path) -> None:
    """Value-level mistakes in every table, each on its own row so none hides another."""
    for line in ("PER,2020,npm_budget_usd,5,estimate,,",                     # a derived indicator typed
                 "PER,2021,npm_staff,veinte,estimate,,",                     # a word for a number
                 "PER,2022,npm_staff,1e999,estimate,,",                      # too large
                 "PER,2023,npm_staff,1.000,estimate,,",                      # 1 or 1000?
                 "PER,2024,npm_staff,5,sourced,,",                           # sourced without a source
                 "PER,2025,npm_staff,5,estimate,javascript:alert(1),",       # a link scheme refused
                 "PER,2020,npm_staff,20,sourced,https://example.org/per-staff,",  # the first row again
                 "PER,2020,information_requests_answered_pct,140,estimate,,",
                 "PER,2020,annual_report_published,2,estimate,,",
                 "PER,2020,npm_visits,-3,estimate,,",
                 "PER,1800,npm_visits,3,estimate,,",
                 "PER,2200,npm_visits,3,estimate,,"):
        append_line(folder, "observations.csv", line)
    append_line(folder, "context.csv", "Atlantis,2020,prison_population,5,estimate,,")
    append_line(folder, "context.csv", "PER,2020,prisoners_per_cell,5,estimate,,")
    append_line(folder, "context.csv", "PER,2019,prison_population,0,estimate,,")
    replace_in(folder, "autonomy_assessments.csv", "own_staff", "own_stuff")
    replace_in(folder, "autonomy_assessments.csv", "partially_met", "medio cumplido")
    replace_in(folder, "recommendations.csv", "partially_implemented", "partialy implemented")
    replace_in(folder, "recommendations.csv", "2020-01-10,yes", "2018-01-10,x")
    replace_in(folder, "recommendations.csv", "2019-05-01", "2019-13-45")
    replace_in(folder, "recommendations.csv", "2019-07-01", "1800-07-01")
    append_line(folder, "recommendation_totals.csv", "PER,2019,implemented,1.000,,,,,estimate,,")
    replace_in(folder, "institutions.csv", "ombuds_institution,PEN", "ombuds_institution,PE")
    replace_in(folder, "institutions.csv", "2017-01-01,month", "2017-01-01,")
    replace_in(folder, "reference_facts.csv", "https://example.org/law", "ftp://example.org/law")


def _institutions_broken(folder: Path) -> None:
    """Peru's institution row without its code: the rows of Peru elsewhere cannot load."""
    replace_in(folder, "institutions.csv", "PER,Perú", ",Perú")
    replace_in(folder, "context.csv", "iso3,year,variable,value", "iso3,year,variable,year,value")
    for n in range(validate.MAX_CODES_LISTED + 1):  # more codes than one line names
        append_line(folder, "observations.csv", f"X{chr(65 + n)}X,2020,npm_staff,5,estimate,,")
    text = (folder / "autonomy_assessments.csv").read_text(encoding="utf-8")
    (folder / "autonomy_assessments.csv").write_text(text.replace("criterion_id,", "", 1), encoding="utf-8")


def _numbers_both_ways(folder: Path) -> None:
    append_line(folder, "observations.csv", "BRA,2020,npm_staff,5,estimate,,")  # no such institution
    append_line(folder, "observations.csv", "PER,2021,npm_visits,\"1,5\",estimate,,")
    append_line(folder, "observations.csv", "PER,2022,npm_visits,2.5,estimate,,")
    append_line(folder, "observations.csv", "PER,2023,npm_visits,1.000,estimate,,")
    # A count in a column that shows its decimal comma: 1,000 is 1 there, and a count is never 1,0.
    append_line(folder, "recommendation_totals.csv", "PER,2017,implemented,\"2,5\",,,,,estimate,,")
    append_line(folder, "recommendation_totals.csv", "PER,2018,implemented,\"1,000\",,,,,estimate,,")


def _semicolon_file_with_points(folder: Path) -> None:
    text = (folder / "observations.csv").read_text(encoding="utf-8").replace(",", ";")
    (folder / "observations.csv").write_text(text + "PER;2021;npm_visits;2.5;estimate;;\n"
                                             "PER;2022;npm_visits;1.000;estimate;;\n"
                                             "PER;2023;npm_visits\n", encoding="utf-8")


def _rows_and_cells_spoiled(folder: Path) -> None:
    append_line(folder, "observations.csv", "PER,2021,npm_staff,5,estimate,,rounded, roughly")
    append_line(folder, "observations.csv", "PER,2022,npm_staff,5")
    append_line(folder, "context.csv", "PER,2021,prison_population,5,estimate,,bad\x00note")
    append_line(folder, "context.csv", "PER,2022,prison_population,5,estimate,," + "n" * 6000)
    append_line(folder, "context.csv", "PER,2023,prison_population,#N/A,estimate,,")
    tabs = (folder / "recommendation_totals.csv").read_text(encoding="utf-8").replace(",", "\t")
    (folder / "recommendation_totals.csv").write_text(tabs + "URY\t2021\n", encoding="utf-8")
    replace_in(folder, "reference_facts.csv", "quote", "quo\x01te")
    (folder / "institutions.csv").unlink()


def _files_spoiled(folder: Path, outside: Path) -> None:
    shutil.copy(folder / "observations.csv", folder / "Observations.CSV")             # two files, one table
    (folder / "context.xlsx").write_bytes((folder / "context.csv").read_bytes())      # not a CSV
    (folder / "context.csv").unlink()
    outside.write_text("iso3\n", encoding="utf-8")
    (folder / "autonomy_assessments.csv").unlink()
    os.symlink(outside, folder / "autonomy_assessments.csv")                          # out of the folder
    (folder / "reference_facts.csv").unlink()
    os.symlink(folder / "nowhere.csv", folder / "reference_facts.csv")                # a link to nothing


def _quote_left_open(folder: Path) -> None:
    append_line(folder, "observations.csv", 'PER,2021,npm_staff,5,estimate,,"never closed')


def _quote_in_the_middle(folder: Path) -> None:
    append_line(folder, "observations.csv", 'PER,2021,npm_staff,5,estimate,,"half"way')


def _not_a_text_file(folder: Path) -> None:
    (folder / "context.csv").write_bytes(codecs.BOM_UTF16_LE + b"i\x00s\x00o")  # an odd byte: not UTF-16


def _workbook(folder: Path, out: Path) -> Path:
    """The tiny fixture as a workbook without its observations sheet, institutions emptied,
    a formula error in context and two sheets for recommendations."""
    book = openpyxl.Workbook()
    book.active.title = "README"
    for path in sorted(folder.glob("*.csv")):
        if path.stem == "observations":
            continue
        sheet = book.create_sheet(path.stem)
        rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()[:2]]
        for r, row in enumerate(rows[: 1 if path.stem == "institutions" else 2], start=1):
            for c, value in enumerate(row, start=1):
                sheet.cell(r, c, value or None)
    book["context"]["D2"] = "#DIV/0!"
    book.create_sheet("Recommendations ")
    book["Recommendations "]["A1"] = "recommendation_id"
    book.save(out)
    return out


def _problems(source: Path) -> list[Problem]:
    return validate.validate(read.read_source(source)).problems


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Problem]:
    """Every problem of a set of messy inputs, the messy fixture first."""
    tmp = tmp_path_factory.mktemp("messages")
    spoilers = [_values_spoiled, _institutions_broken, _numbers_both_ways, _semicolon_file_with_points,
                _rows_and_cells_spoiled, _quote_left_open, _quote_in_the_middle, _not_a_text_file]
    problems = _problems(MESSY)
    for spoil in spoilers:
        folder = _copy(tmp, spoil.__name__)
        spoil(folder)
        problems += _problems(folder)
    files = _copy(tmp, "files")
    _files_spoiled(files, tmp / "outside.csv")
    problems += _problems(files)
    problems += _problems(_workbook(TINY, tmp / "book.xlsx"))
    (tmp / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    problems += _problems(tmp / "broken.xlsx")
    return problems


def test_the_corpus_provokes_every_message(corpus):
    seen = set().union(*(p.message.codes() for p in corpus))
    seen |= {f"join.{word}" for word in LIST_JOINS}  # joins are words inside lists, not messages
    missing = set(catalogue.problem_messages()) - seen - set(NOT_PROVOKED)
    assert missing == set(), sorted(missing)


def test_no_problem_reaches_a_spanish_or_portuguese_reader_in_english(corpus):
    for problem in corpus:
        english = problem.expected_in("en")
        assert english == problem.expected  # the command line's text comes from the same row
        for lang in READERS:
            assert problem.expected_in(lang) != english, (lang, str(problem))


def test_every_rendered_message_is_complete(corpus):
    """No placeholder left unfilled: a stray brace would mean a template and its values disagree."""
    for problem in corpus:
        for lang in LANGUAGES:
            text = problem.expected_in(lang)
            assert text and "{" not in text.replace(problem.value or "", ""), (lang, text)
