"""The one-page institution PDF: one A4 page, the database's figures in the reader's language,
the illustrative mark where it applies, nothing fetched while rendering.

Expected figures are read straight from the DuckDB file with SQL written here (not through
mirador.queries); expected words are written by hand.
"""
from __future__ import annotations

import io
import re
import socket
import subprocess
import sys

import duckdb
import pytest
from pypdf import PdfReader

from mirador import formatting as fmt
from mirador.report import one_pager, typeset

A4_POINTS = (595.28, 841.89)
INSTITUTIONS = ("CHL", "CRI", "ECU", "MEX", "PAN", "PER", "PRT", "ESP", "URY")
LANGS = ("es", "pt", "en")


def pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace (incl. no-break spaces) folded to one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages).replace("\u00a0", " ")
                  .replace("\u202f", " "))


def pages(pdf: bytes) -> list:
    return PdfReader(io.BytesIO(pdf)).pages


def latest(db_path, iso3: str, indicator_id: str) -> tuple[float, int | None, int]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(
            "SELECT value, n, year FROM mart_indicator_values WHERE iso3 = ? AND indicator_id = ? "
            "AND value IS NOT NULL ORDER BY year DESC LIMIT 1", [iso3, indicator_id]).fetchone()


def latest_score(db_path, iso3: str) -> tuple[int, float, int, int]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(
            "SELECT year, autonomy_score, criteria_assessed, criteria_total FROM mart_autonomy_scores "
            "WHERE iso3 = ? AND autonomy_score IS NOT NULL ORDER BY year DESC LIMIT 1", [iso3]).fetchone()


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_institution_fits_one_a4_page(report_db, lang):
    for iso3 in INSTITUTIONS:
        pdf = one_pager.pdf_bytes(iso3, lang)
        assert len(pages(pdf)) == 1, (iso3, lang, len(pages(pdf)))
        box = pages(pdf)[0].mediabox
        assert (round(float(box.width), 0), round(float(box.height), 0)) == (595, 842)


@pytest.mark.parametrize("iso3, lang, words", [
    ("URY", "es", ["Uruguay", "Ratificación del OPCAT", "Designación como MNP", "Criterios de autonomía",
                   "Fuentes", "Datos a fecha de"]),
    ("PAN", "pt", ["Panamá", "Ratificação do OPCAT", "Designação como MNP", "Critérios de autonomia",
                   "Fontes", "Dados à data de"]),
    ("PER", "en", ["Peru", "OPCAT ratification", "NPM designation", "Autonomy criteria", "Sources",
                   "Data as of"]),
])
def test_words_are_in_the_chosen_language(report_db, iso3, lang, words):
    text = pdf_text(one_pager.pdf_bytes(iso3, lang))
    for word in words:
        assert word in text, word
    other = {"es": "Ratificação", "pt": "Ratificación", "en": "Ratificación"}[lang]
    assert other not in text


@pytest.mark.parametrize("iso3, lang", [("URY", "es"), ("CHL", "pt"), ("MEX", "en")])
def test_key_figures_are_the_database_values(report_db, iso3, lang):
    text = pdf_text(one_pager.pdf_bytes(iso3, lang))
    staff, _, staff_year = latest(report_db, iso3, "npm_staff")
    assert f"{fmt.number(staff, lang, 0)} †" in text and str(staff_year) in text
    budget, _, _ = latest(report_db, iso3, "budget_per_detainee_usd")
    assert fmt.number(budget, lang, 1) in text
    share, n, _ = latest(report_db, iso3, "implemented_within_24_months")
    assert folded(fmt.percent(share, lang, 1)) in text
    assert f"n = {fmt.integer(n, lang)}" in text  # the rate carries its n
    year, score, assessed, total = latest_score(report_db, iso3)
    assert f"{fmt.number(score, lang, 0)} †" in text
    criteria = {"es": f"{assessed} de {total} criterios evaluados", "pt": f"{assessed} de {total} critérios avaliados",
                "en": f"{assessed} of {total} criteria assessed"}[lang]
    assert criteria in text


def test_timeline_dates_keep_their_precision(report_db):
    # Panama: ratified 2 June 2011 (day), designated 22 February 2017 (day), operating August 2018
    # (known to the month only: no day is invented), 7.2 years after ratification (7.16-7.25).
    text = pdf_text(one_pager.pdf_bytes("PAN", "es"))
    assert "2 de junio de 2011" in text and "22 de febrero de 2017" in text
    assert "agosto de 2018" in text and "1 de agosto de 2018" not in text


def test_accents_and_long_names_set(report_db):
    text = pdf_text(one_pager.pdf_bytes("PAN", "pt"))
    assert "Defensoría del Pueblo de la República de Panamá" in text
    assert "Prevención de la Tortura" in text
    for word in ("Ratificação", "Designação", "Critérios", "após"):
        assert word in text


def test_illustrative_note_when_it_applies(report_db):
    es = pdf_text(one_pager.pdf_bytes("CHL", "es"))
    assert "Valor ilustrativo: no es un dato publicado" in es
    content = one_pager.content("CHL", "es")
    assert content["illustrative"]  # the bundled budgets and ratings are generated
    content["illustrative"] = False
    without = pdf_text(typeset.compile_pdf("one_pager.typ", content))
    assert "Valor ilustrativo: no es un dato publicado" not in without


def test_markup_characters_in_data_stay_text(report_db):
    content = one_pager.content("ECU", "en")
    content["instrument"] = "Law #1 $x$ *bold* _under_ <b>tag</b> @ref // not a comment"
    text = pdf_text(typeset.compile_pdf("one_pager.typ", content))
    assert "Law #1 $x$ *bold* _under_ <b>tag</b> @ref // not a comment" in text


def test_nothing_leaves_the_machine_while_rendering(report_db, monkeypatch):
    calls = []
    real_connect = socket.socket.connect

    def refuse_remote(sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost") and sock.family != socket.AF_UNIX:
            calls.append(address)
            raise OSError("network disabled in this test")
        return real_connect(sock, address)

    def refuse_create(address, *args, **kwargs):
        calls.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse_remote)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    from mirador import chart_export
    chart_export.stop_server()  # start the Chromium under the patch too
    pdf = one_pager.pdf_bytes("ESP", "es")
    assert len(pages(pdf)) == 1
    assert calls == []


def test_command_line_in_a_network_namespace_without_network(report_db, tmp_path):
    """The CLI in a fresh network namespace (no interface but a down loopback): the Chromium
    that draws the chart and typst both work with nothing to reach."""
    out = tmp_path / "chile.pdf"
    result = subprocess.run(
        ["unshare", "--net", sys.executable, "-m", "mirador.report", "--institution", "CHL", "--lang", "es",
         "--out", str(out), "--db", str(report_db)],
        capture_output=True, text=True, timeout=180, cwd=str(one_pager.__file__).rsplit("/mirador/", 1)[0])
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(pages(out.read_bytes())) == 1
    assert "Chile" in pdf_text(out.read_bytes())


@pytest.mark.slow
def test_cli_all_writes_every_institution_and_language(report_db, tmp_path):
    from mirador.report.__main__ import main
    assert main(["--all", "--out-dir", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert written == sorted(f"mirador_{c.lower()}_{lang}.pdf" for c in INSTITUTIONS for lang in LANGS)


def test_cli_refuses_an_unknown_institution(report_db, tmp_path, capsys):
    from mirador.report.__main__ import main
    assert main(["--institution", "XXX", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "unknown institution" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
