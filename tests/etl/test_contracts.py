"""The declared contracts: consistent with the catalogues, with docs/data_model.md,
and enforced table by table."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import catalogue
from etl import transform
from etl.contracts import (
    CATALOGUE, CODE, DATABASE_TABLES, INPUT_TABLES, UNIT_RANGES, Column, NotBefore, RangeByUnit, RequiredWhen,
)
from tests.etl.conftest import TINY, problems_of, validated

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data_model.md"
REQUIRED_INPUT_TABLES = [t for t in INPUT_TABLES if not t.as_is]


def documented_database_tables() -> dict[str, list[tuple[str, str]]]:
    """CREATE TABLE statements of docs/data_model.md -> {table: [(column, type)]}."""
    sql = re.search(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)
    sql = "\n".join(line.split("--")[0] for line in sql.splitlines())
    tables = {}
    for name, body in re.findall(r"CREATE TABLE (\w+)\s*\((.*?)\);", sql, re.S):
        columns = []
        for part in body.split(","):
            words = part.split()
            if words:
                columns.append((words[0], " ".join(words[1:]).replace(" PRIMARY KEY", "")))
        tables[name] = columns
    return tables


def test_database_contract_matches_the_docs():
    assert {n: list(c) for n, c in DATABASE_TABLES.items()} == documented_database_tables()


@pytest.mark.parametrize("table", INPUT_TABLES, ids=lambda t: t.name)
def test_contract_is_consistent(table):
    names = table.column_names
    assert len(names) == len(set(names))
    assert set(table.key) <= set(names)
    for column in table.columns:
        assert set(column.description) == {"en", "es", "pt"} and all(column.description.values()), column.name
        if column.type == CODE:
            assert catalogue.codes(column.vocabulary), column.vocabulary
        if column.type == CATALOGUE:
            assert column.catalogue in ("input_indicator", "criterion", "context_variable")
    for rule in table.rules:
        if isinstance(rule, RequiredWhen):
            assert {rule.column, rule.when_column} <= set(names)
        elif isinstance(rule, NotBefore):
            assert {rule.column, rule.other} <= set(names)
        elif isinstance(rule, RangeByUnit):
            assert {rule.value_column, rule.indicator_column} <= set(names)


@pytest.mark.parametrize("table", INPUT_TABLES, ids=lambda t: t.name)
def test_fixture_headers_follow_the_contract_order(table):
    with open(TINY / f"{table.name}.csv", encoding="utf-8") as f:
        assert next(csv.reader(f)) == table.column_names


def _required_cases():
    for table in REQUIRED_INPUT_TABLES:
        for column in table.columns:
            if column.required:
                yield pytest.param(table.name, column, id=f"{table.name}.{column.name}")


@pytest.mark.parametrize(("table_name", "column"), list(_required_cases()))
def test_each_required_column_is_enforced(tiny_copy, table_name: str, column: Column):
    path = tiny_copy / f"{table_name}.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    index = rows[0].index(column.name)
    typed = rows[1][index]
    rows[1][index] = ""
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    problems = [p for p in problems_of(tiny_copy) if p.file == path.name and p.row == 2]
    assert any(p.column == column.name and "required" in p.expected for p in problems), (
        typed, [str(p) for p in problems])


def test_unit_ranges_name_catalogue_units():
    assert set(UNIT_RANGES) <= set(catalogue.units())


def test_place_types_range_matches_the_vocabulary():
    assert UNIT_RANGES["place_types"][1] == len(catalogue.codes("place_type"))


def test_every_indicator_a_mart_uses_is_in_the_catalogue():
    known = {r["indicator_id"] for r in catalogue.indicators()}
    marts = transform.build_marts(validated(TINY))
    assert set(marts["mart_indicator_values"]["indicator_id"].unique()) <= known
    used_by_code = {i for ratio in transform.RATIOS for i in ratio[:3]}
    context_variables = {r["variable"] for r in catalogue.context_variables()}
    assert used_by_code <= known | context_variables


def test_every_derived_catalogue_indicator_is_produced():
    derived = {r["indicator_id"] for r in catalogue.indicators() if r["kind"] == "derived"}
    produced = set(transform.build_marts(validated(TINY))["mart_indicator_values"]["indicator_id"].unique())
    assert derived <= produced
