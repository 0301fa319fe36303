"""Reports from the command line.

    python -m mirador.report --institution CHL --lang es --out chile.pdf
    python -m mirador.report --all --out-dir reports/          # every institution x language
    python -m mirador.report --workshop --lang es --out taller.pdf

Reads the database the dashboard reads (`$MIRADOR_DB` or data/mirador.duckdb; `--db PATH`).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from mirador.i18n import LANGUAGES


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mirador.report", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--institution", metavar="ISO3", help="one institution's one-page PDF")
    what.add_argument("--all", action="store_true", help="every institution in every language")
    what.add_argument("--workshop", action="store_true", help="the workshop report")
    p.add_argument("--lang", choices=LANGUAGES, default="es")
    p.add_argument("--out", type=Path, help="the PDF to write (--institution, --workshop)")
    p.add_argument("--out-dir", type=Path, default=Path("."), help="folder for --all")
    p.add_argument("--db", type=Path, help="the DuckDB file (default: $MIRADOR_DB or data/mirador.duckdb)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.db:
        os.environ["MIRADOR_DB"] = str(args.db)
    from mirador import chart_export, db, queries
    from mirador.report import one_pager, workshop
    db.ensure_database()
    written: list[Path] = []
    started = time.perf_counter()
    try:
        if args.all:
            args.out_dir.mkdir(parents=True, exist_ok=True)
            for lang in LANGUAGES:
                for iso3 in queries.institution_codes():
                    path = args.out_dir / one_pager.file_name(iso3, lang)
                    path.write_bytes(one_pager.pdf_bytes(iso3, lang))
                    written.append(path)
        elif args.institution:
            iso3 = args.institution.upper()
            if iso3 not in queries.institution_codes():
                print(f"unknown institution {iso3!r}; known: {', '.join(queries.institution_codes())}",
                      file=sys.stderr)
                return 2
            path = args.out or Path(one_pager.file_name(iso3, args.lang))
            path.write_bytes(one_pager.pdf_bytes(iso3, args.lang))
            written.append(path)
        else:
            path = args.out or Path(workshop.file_name(args.lang))
            path.write_bytes(workshop.pdf_bytes(args.lang))
            written.append(path)
    finally:
        chart_export.stop_server()
    for path in written:
        print(path)
    print(f"{len(written)} PDF in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
