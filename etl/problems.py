"""One problem found in the input, said in plain words a person can act on.

What was expected is a `Message`: a code of catalogue/problem_messages.csv and the values
that fill its placeholders (as typed, never translated). It is rendered in the reader's
language when shown; the command line prints the English one. A placeholder value may be
a `Message` itself (a reason inside a sentence), rendered in the same language.

Per-row messages in polars (etl/validate.py) travel as JSON text (`encoded`, `encoded_expr`),
built over the failing rows only, and become `Message`s again in `Message.decode`.
"""
from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from typing import Any, Mapping

import polars as pl

import catalogue

# A bad value is echoed so it can be found, not reproduced: a 1 MB cell or the rest
# of a file swallowed by an unclosed quote would bury every other line.
ECHO_CHARS = 80
CLI_LANGUAGE = "en"
LIST_JOINS = ("or", "and")  # format specs of a list placeholder: {words:or}; none joins with ", "


def echo(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` quoted as Python would (control characters visible), cut to about `limit` characters."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"... ({len(text):,} characters)"


@dataclass(frozen=True)
class Message:
    """A catalogue code and its placeholder values."""
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def render(self, lang: str = CLI_LANGUAGE) -> str:
        return _Formatter(lang).format(catalogue.problem_message(self.code, lang), **self.params)

    def __str__(self) -> str:
        return self.render(CLI_LANGUAGE)

    def as_json(self) -> dict:
        return {"code": self.code, "params": {k: _jsonable(v) for k, v in self.params.items()}}

    def json(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False)

    @classmethod
    def decode(cls, text: str | None) -> Message | None:
        """The message of an `encoded` / `encoded_expr` text (None stays None)."""
        return None if text is None else _from_json(json.loads(text, strict=False))

    def codes(self) -> set[str]:
        """This message's code and those of the messages inside it."""
        inner = [v for v in self.params.values() if isinstance(v, Message)]
        return {self.code}.union(*(m.codes() for m in inner))


def msg(code: str, /, **params: Any) -> Message:
    return Message(code, params)


def encoded(code: str, /, **params: Any) -> str:
    """A message as the JSON text of an issues frame's `expected` column (one for all rows)."""
    return msg(code, **params).json()


def encoded_expr(code: str, /, **params: Any) -> pl.Expr:
    """A message per row: placeholder values may be (string-castable) expressions; a null value
    makes the row's message null. JSON text, like `encoded`.

    Built by string concatenation, not a struct's json_encode: this runs over every distinct
    value of a number column (parse.number_problem), where encoding a struct per row cost
    twice the rest of the check. Only quote and backslash need escaping; control characters
    are let through (`decode` reads with strict=False).
    """
    pieces: list[pl.Expr | str] = ['{"code": ' + json.dumps(code) + ', "params": {']
    for i, (name, value) in enumerate(params.items()):
        pieces.append(("," if i else "") + json.dumps(name) + ":")
        if isinstance(value, pl.Expr):
            text = value.cast(pl.String).str.replace_all("\\", "\\\\", literal=True)
            pieces += ['"', text.str.replace_all('"', '\\"', literal=True), '"']
        else:
            pieces.append(json.dumps(_jsonable(value), ensure_ascii=False))
    pieces.append("}}")
    return pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in pieces])


def _jsonable(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_json()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _from_json(data: Any) -> Any:
    if isinstance(data, dict) and set(data) == {"code", "params"}:
        return Message(data["code"], {k: _from_json(v) for k, v in (data["params"] or {}).items()})
    if isinstance(data, list):
        return [_from_json(v) for v in data]
    return data


class _Formatter(string.Formatter):
    """str.format with a language: inner messages in it, lists joined with its "or"/"and"."""

    def __init__(self, lang: str):
        self.lang = lang

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "r" and isinstance(value, list):
            return [repr(v) for v in value]
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return value.render(self.lang)
        if isinstance(value, list):
            joiner = (f" {catalogue.problem_message('join.' + format_spec, self.lang)} "
                      if format_spec in LIST_JOINS else ", ")
            return joiner.join(self.format_field(v, "") for v in value)
        if value is None:
            return ""
        return format(value, format_spec)


@dataclass(frozen=True)
class Problem:
    file: str                  # e.g. "recommendations.csv" or "mirador.xlsx"
    row: int | None            # spreadsheet row number (header = 1); None = whole file/column
    column: str | None
    value: str | None          # the value as typed
    message: Message           # what was expected (see `expected` and `expected_in`)
    table: str = ""
    sheet: str | None = None
    more_rows: int = 0         # summarised: this many further rows share the same problem

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> Mapping[str, Any]:
        return self.message.params

    @property
    def expected(self) -> str:
        """What was expected, in English (the command line's language)."""
        return self.expected_in(CLI_LANGUAGE)

    def expected_in(self, lang: str) -> str:
        return self.message.render(lang)

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column if len(self.column) <= ECHO_CHARS else echo(self.column)}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.where()}: "
        if self.value is not None:
            text += f"value {echo(self.value)}: "
        text += f"expected {self.expected}"
        if self.more_rows:
            text += f" (and {self.more_rows:,} more rows with the same problem)"
        return text
