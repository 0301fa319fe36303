"""The workshop report: cover, map, one page per institution, comparisons, donor scorecard,
methods and sources annex, in the chosen language."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from mirador.report import workshop
from test_one_pager import INSTITUTIONS, pdf_text


@pytest.mark.slow
def test_workshop_report_in_portuguese(report_db):
    pdf = workshop.pdf_bytes("pt")
    reader = PdfReader(io.BytesIO(pdf))
    # cover + map + 9 institution pages + comparisons + scorecard + annex: at least 14 pages
    assert len(reader.pages) >= 14
    texts = [p.extract_text() for p in reader.pages]
    assert "relatório para o seminário" in texts[0]
    # One page per institution, each starting with the fact-sheet header and its country.
    sheets = [t for t in texts if t.startswith("FICHA INSTITUCIONAL")]
    assert len(sheets) == len(INSTITUTIONS)
    assert [s.split("\n")[1].strip() for s in sheets] == [
        "Chile", "Costa Rica", "Equador", "México", "Panamá", "Peru", "Portugal", "Espanha", "Uruguai"]
    text = pdf_text(pdf)
    for heading in ("Resumo para doadores", "Três mensagens-chave", "Dados e métodos", "Cite assim:",
                    "Critérios de autonomia das nove instituições"):
        assert heading in text, heading
    assert "Resumen para donantes" not in text  # nothing left in Spanish


def test_markdown_bold_in_methods_becomes_segments():
    assert workshop._segments("**Rate** = a / b; **n** counts") == [
        {"text": "Rate", "bold": True}, {"text": " = a / b; ", "bold": False},
        {"text": "n", "bold": True}, {"text": " counts", "bold": False}]
