"""The benchmarks' one way to print a table: aligned columns, then (`markdown`) the same as a
markdown table for the README."""
from __future__ import annotations


def print_table(header: list[str], rows: list[list[str]], markdown: bool) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    if markdown:
        print()
        print("| " + " | ".join(header) + " |")
        print("|---|" + "---:|" * (len(header) - 1))
        for row in rows:
            print("| " + " | ".join(row) + " |")
