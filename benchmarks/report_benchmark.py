"""Time the printed reports: the nine one-pagers in three languages, and one chart image.

    .venv/bin/python benchmarks/report_benchmark.py [--db PATH]

Prints the first image (Chromium start-up, paid once per process), then seconds per one-page PDF (chart
SVG + typesetting), per slide PNG/SVG, and the page count of every one-pager (must be 1).
Builds the bundled database into a temporary file unless --db is given.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    if args.db:
        os.environ["MIRADOR_DB"] = str(args.db)
    else:
        from etl import pipeline
        path = Path(tmp.name) / "mirador.duckdb"
        pipeline.build(source=REPO_ROOT / "data" / "input", db=path)
        os.environ["MIRADOR_DB"] = str(path)

    from pypdf import PdfReader

    import polars as pl
    from mirador import chart_export, figures, queries
    from mirador.i18n import LANGUAGES
    from mirador.report import one_pager, workshop

    data = queries.indicator_values("budget_per_detainee_usd").filter(pl.col("year") == 2023)
    fig = figures.ranking_bars(data, title="Budget per detainee, 2023", unit="usd_per_detainee", lang="en",
                               institutions=queries.institution_codes(), n_col="n")
    text = chart_export.chart_text("Budget per detainee, 2023", data, "en", unit="usd_per_detainee")
    started = time.perf_counter()
    chart_export.image_bytes(fig, text, "svg")  # the shared Chromium starts on first use
    print(f"first image, with Chromium start-up: {time.perf_counter() - started:.2f} s")
    for image_format in ("png", "svg"):
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            chart_export.image_bytes(fig, text, image_format)
            times.append(time.perf_counter() - t0)
        print(f"slide {image_format}: median {statistics.median(times):.3f} s over 5")

    per_pdf, pages = [], []
    for lang in LANGUAGES:
        for iso3 in queries.institution_codes():
            t0 = time.perf_counter()
            pdf = one_pager.pdf_bytes(iso3, lang)
            per_pdf.append(time.perf_counter() - t0)
            pages.append(len(PdfReader(io.BytesIO(pdf)).pages))
    print(f"one-pagers: {len(per_pdf)} PDFs, {sum(per_pdf):.1f} s in all, "
          f"median {statistics.median(per_pdf):.3f} s, max {max(per_pdf):.3f} s per PDF; "
          f"pages per PDF: {sorted(set(pages))}")

    t0 = time.perf_counter()
    pdf = workshop.pdf_bytes("es")
    print(f"workshop report (es): {time.perf_counter() - t0:.1f} s, "
          f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages, {len(pdf) / 1e6:.1f} MB")
    chart_export.stop_server()
    tmp.cleanup()


if __name__ == "__main__":
    main()
