"""Property tests: numbers written in every accepted convention load as written or are
rejected as ambiguous (never another number), and no input makes the reader crash."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import parse, read, validate
from etl.problems import Message, Problem
from tests.etl.conftest import TINY

# database=None: no .hypothesis folder in the repository; bounded runs keep the suite fast
# (a polars expression per example costs tens of milliseconds, a whole read+validate more).
FUZZ = settings(max_examples=200, deadline=None, database=None)
FAST = settings(max_examples=100, deadline=None, database=None)
SLOW = settings(max_examples=20, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# (thousands separator or "", decimal mark): how people in es/pt/en write numbers.
CONVENTIONS = {
    "plain, decimal point": ("", "."),
    "plain, decimal comma": ("", ","),
    "es/pt: 1.234.567,89": (".", ","),
    "en: 1,234,567.89": (",", "."),
    "space groups, decimal comma": (" ", ","),
    "no-break space groups, decimal comma": ("\u00a0", ","),
    "narrow no-break space groups, decimal comma": ("\u202f", ","),
    "space groups, decimal point": (" ", "."),
    "apostrophe groups, decimal point": ("'", "."),
}
DECIMAL_COMMA_CONVENTIONS = [name for name, (_, mark) in CONVENTIONS.items() if mark == ","]


def written(value: Decimal, convention: str) -> str:
    """`value` as a person using `convention` types it (no exponent, as many decimals as it has)."""
    group, mark = CONVENTIONS[convention]
    sign, digits = ("-" if value < 0 else ""), f"{abs(value):f}"
    units, _, decimals = digits.partition(".")
    if group:
        units = f"{int(units):,}".replace(",", group)
    return sign + units + (mark + decimals if decimals else "")


amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=3,
                      allow_nan=False, allow_infinity=False).map(lambda d: d.normalize() if d else Decimal(0))


def read_column(texts: list[str], semicolon_file: bool) -> tuple[list[float | None], list[str | None]]:
    values = pl.Series(texts, dtype=pl.String)
    convention = parse.number_convention(values, semicolon_file=semicolon_file)
    frame = pl.DataFrame({"raw": values}).select(
        parse.number(pl.col("raw"), convention).alias("value"),
        parse.number_problem(pl.col("raw"), convention, whole=False).alias("why"))
    # The reason travels as a message (code + values): read it as the command line prints it.
    return frame["value"].to_list(), [None if w is None else str(Message.decode(w)) for w in frame["why"]]


@FAST
@given(st.lists(amounts, min_size=1, max_size=8), st.sampled_from(sorted(CONVENTIONS)))
def test_a_column_of_numbers_loads_as_written_or_is_rejected_as_ambiguous(numbers, convention):
    texts = [written(n, convention) for n in numbers]
    loaded, why = read_column(texts, semicolon_file=convention in DECIMAL_COMMA_CONVENTIONS)
    for number, text, value, reason in zip(numbers, texts, loaded, why):
        if value is None:
            assert reason is not None and "can be read as" in reason, (text, reason)
        else:
            assert value == float(number), (text, value)


@FAST
@given(st.lists(amounts, min_size=1, max_size=8), st.sampled_from(sorted(CONVENTIONS)))
def test_a_column_that_shows_its_decimal_mark_loads_every_value(numbers, convention):
    group, mark = CONVENTIONS[convention]
    texts = [written(n, convention) for n in numbers] + [f"0{mark}25"]  # one value that shows the mark
    loaded, _ = read_column(texts, semicolon_file=mark == ",")
    assert loaded == [float(n) for n in numbers] + [0.25]


def test_one_mark_and_three_digits_alone_is_never_guessed():
    # Exhaustive over the units, in one vectorised pass: each value alone in its column.
    cases = [(units, thousandths, mark) for units in range(1, 1000) for thousandths in (0, 1, 50, 132, 999)
             for mark in ".,"]
    for units, thousandths, mark in cases[::997]:
        [value], [reason] = read_column([f"{units}{mark}{thousandths:03d}"], semicolon_file=False)
        assert value is None and str(units * 1000 + thousandths) in reason
    texts = pl.Series([f"{u}{m}{t:03d}" for u, t, m in cases])
    frame = pl.DataFrame({"raw": texts}).select(
        parse.number(pl.col("raw")).alias("value"), parse.integer(pl.col("raw")).alias("count"))
    assert frame["value"].null_count() == frame["count"].null_count() == len(cases)


@FAST
@given(st.text(max_size=30))
def test_any_text_is_a_finite_number_or_null(text):
    [value], _ = read_column([text], semicolon_file=False)
    assert value is None or abs(value) < float("inf")


# ------------------------------------------------------------------ the whole path, through a file
@SLOW
@given(st.lists(amounts.filter(lambda d: d > 0), min_size=1, max_size=5), st.sampled_from(sorted(CONVENTIONS)))
def test_context_file_in_any_convention_loads_as_written(tmp_path_factory, numbers, convention):
    folder = tmp_path_factory.mktemp("context")
    shutil.copytree(TINY, folder, dirs_exist_ok=True)
    _, mark = CONVENTIONS[convention]
    delimiter = ";" if mark == "," else ","
    lines = [delimiter.join(["iso3", "year", "variable", "value", "data_status", "source", "note"])]
    for year, number in enumerate(numbers, start=2000):
        cell = written(number, convention)
        cell = f'"{cell}"' if delimiter in cell else cell
        lines.append(delimiter.join(["PER", str(year), "population", cell, "estimate", "", ""]))
    (folder / "context.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate.validate(read.read_source(folder))
    rejected = {p.row for p in result.problems}
    for p in result.problems:
        assert p.column == "value" and "can be read as" in p.expected, str(p)
    if not result.problems:
        loaded = result.tables["context"].sort("year")["value"].to_list()
        assert loaded == [float(n) for n in numbers]
    assert rejected <= set(range(2, 2 + len(numbers)))


csv_alphabet = st.sampled_from(list(',;\t"\n\r \x00\x07ab1.9-%#éÑ\u00a0'))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_csv_reader(data):
    frame, _, problems = read.read_csv_file(data, "fuzz.csv", "observations")
    assert all(isinstance(p, Problem) and str(p) for p in problems)
    assert frame is not None or problems


@FUZZ
@given(st.text(alphabet=csv_alphabet, max_size=200))
def test_random_csv_like_text_never_crashes_the_csv_reader(text):
    frame, _, problems = read.read_csv_file(text.encode("utf-8"), "fuzz.csv", "observations")
    assert frame is not None or problems
    if frame is not None:
        assert frame.columns[0] == read.ROW and all(dtype == pl.String for dtype in frame.dtypes[1:])


@SLOW
@given(st.text(alphabet=csv_alphabet, max_size=200))
def test_random_rows_never_crash_read_and_validate(tmp_path_factory, body):
    folder: Path = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(TINY, folder, dirs_exist_ok=True)
    header = (TINY / "observations.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "observations.csv").write_text(header + "\n" + body, encoding="utf-8")
    result = validate.validate(read.read_source(folder))
    assert all(isinstance(p, Problem) and str(p) for p in result.problems)
