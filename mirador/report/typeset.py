"""The one way reports become PDF: a typst template + one JSON input (+ chart SVGs).

Content travels as data (`sys.inputs.data`, read with `json(...)` in the template), never
pasted into markup: a quote with `#`, `$` or `*` stays text. Fonts are typst's embedded
ones only (Libertinus Serif, DejaVu Sans Mono for symbols), so a PDF looks the same on
every machine and nothing is looked up on the system or fetched.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typst

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def compile_pdf(template: str, data: dict, image_format: str = "pdf", ppi: float | None = None) -> bytes:
    """Typeset `templates/<template>` with `data`; PDF bytes (or the first page as PNG)."""
    with tempfile.TemporaryDirectory(prefix="mirador_typst_") as empty:
        # An empty package folder: a template that imported an online package would fail
        # here instead of downloading it.
        result = typst.compile(
            str(TEMPLATES_DIR / template), root=str(TEMPLATES_DIR), format=image_format, ppi=ppi,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
            font_paths=[], ignore_system_fonts=True, package_path=empty, package_cache_path=empty)
    return result[0] if isinstance(result, list) else result

