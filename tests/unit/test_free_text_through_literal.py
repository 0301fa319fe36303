"""A walk over the pages and their building blocks: a free-text column of the data
(`row["institution_name"]`, `c["evidence"]`...) put into a Streamlit element that renders
markdown must pass through `mirador.literal` first. Tables are exempt (they show text as
text); the browser test (tests/browser/test_data_as_text.py) checks what is finally shown."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from etl import contracts

REPO = Path(__file__).resolve().parents[2]
CHECKED_FILES = sorted((REPO / "pages").glob("*.py")) + [REPO / "mirador" / "components.py"]
# Elements whose text Streamlit renders as markdown (labels included).
MARKDOWN_ELEMENTS = {"markdown", "caption", "info", "warning", "error", "success", "toast", "title",
                     "header", "subheader", "metric", "expander", "status", "write", "button",
                     "download_button", "selectbox", "multiselect", "toggle", "checkbox", "radio"}
# Columns that are codes, numbers or dates for the pages (formatted or looked up, not shown raw).
NOT_FREE_TEXT = {"iso3", "field", "year", "value", "unit", "confidence", "recommendation_id"}
FREE_TEXT = {c.name for table in contracts.INPUT_TABLES for c in table.columns
             if c.type == contracts.TEXT and c.name not in NOT_FREE_TEXT}


def _is_literal_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "literal")


def _raw_free_text(node: ast.AST) -> list[str]:
    """Free-text subscripts under `node` not wrapped in a `literal.*(...)` call."""
    if _is_literal_call(node):
        return []
    if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
            and node.slice.value in FREE_TEXT):
        return [node.slice.value]
    return [name for child in ast.iter_child_nodes(node) for name in _raw_free_text(child)]


def _markdown_calls(tree: ast.AST):
    """Calls of markdown elements, and every f-string (text built for the page, e.g. the lines
    of a list drawn later): tables take their values as they are, never through an f-string."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in MARKDOWN_ELEMENTS and not _is_literal_call(node)):
            yield node
        elif isinstance(node, ast.JoinedStr):
            yield ast.Call(func=ast.Name("f_string"), args=[node], keywords=[], lineno=node.lineno)


def test_the_free_text_columns_are_known():
    assert {"institution_name", "npm_unit_name", "npm_designation_instrument", "evidence", "source",
            "note", "quote"} <= FREE_TEXT


@pytest.mark.parametrize("path", CHECKED_FILES, ids=[p.name for p in CHECKED_FILES])
def test_free_text_reaches_markdown_only_through_literal(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"line {call.lineno}: {name}" for call in _markdown_calls(tree)
             for argument in [*call.args, *(k.value for k in call.keywords)]
             for name in _raw_free_text(argument)]
    assert not found, f"{path.name}: free text into markdown without mirador.literal: {found}"


def test_the_walk_finds_a_raw_name():
    """The check itself can fail: an unescaped name in a caption is found."""
    tree = ast.parse('st.caption(f"{inst[\'institution_name\']} · {literal.markdown(inst[\'npm_unit_name\'])}")')
    call = next(_markdown_calls(tree))
    assert [n for a in call.args for n in _raw_free_text(a)] == ["institution_name"]
    built = ast.parse('lines.append(f"- {row[\'npm_designation_instrument\']}")')
    assert [n for call in _markdown_calls(built) for a in call.args for n in _raw_free_text(a)] == [
        "npm_designation_instrument"]
