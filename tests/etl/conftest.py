"""Shared fixtures for the ETL tests: the tiny dataset and helpers to spoil it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl import read, validate

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny"      # clean, readable; the hand-worked figures refer to it
MESSY = DATA / "messy"    # the same facts typed the way people type them


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny dataset."""
    target = tmp_path / "input"
    shutil.copytree(TINY, target)
    return target


def replace_in(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_line(folder: Path, file: str, line: str) -> None:
    with open(folder / file, "a", encoding="utf-8") as f:
        f.write(line.rstrip("\n") + "\n")


def problems_of(folder: Path):
    return validate.validate(read.read_source(folder)).problems


def validated(source: Path):
    result = validate.validate(read.read_source(source))
    assert result.problems == [], [str(p) for p in result.problems]
    return result.tables
