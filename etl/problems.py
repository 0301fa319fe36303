"""One problem found in the input, said in plain words a person can act on."""
from __future__ import annotations

from dataclasses import dataclass

# A bad value is echoed so it can be found, not reproduced: a 1 MB cell or the rest
# of a file swallowed by an unclosed quote would bury every other line.
ECHO_CHARS = 80


def echo(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` quoted as Python would (control characters visible), cut to about `limit` characters."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"... ({len(text):,} characters)"


@dataclass(frozen=True)
class Problem:
    file: str                  # e.g. "recommendations.csv" or "mirador.xlsx"
    row: int | None            # spreadsheet row number (header = 1); None = whole file/column
    column: str | None
    value: str | None          # the value as typed
    expected: str              # what was expected, in plain words
    table: str = ""
    sheet: str | None = None
    more_rows: int = 0         # summarised: this many further rows share the same problem

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
