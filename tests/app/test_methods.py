"""Data and methods page: languages, catalogues, formulas, load log, downloads, citation."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

import pandas as pd

from page_runner import run_page, small_tables

PAGE = "pages/methods.py"
BUNDLED = Path(__file__).resolve().parents[2] / "data" / "input"




@pytest.mark.parametrize("lang, title, header", [
    ("es", "Datos y métodos", "Catálogo de indicadores"),
    ("pt", "Dados e métodos", "Catálogo de indicadores"),
    ("en", "Data and methods", "Indicator catalogue"),
])
def test_renders_in_each_language(bundled_db, lang, title, header):
    at = run_page(PAGE, lang=lang)
    assert [x.value for x in at.title] == [title]
    assert at.tabs[0].label == header


def test_catalogues_are_complete_and_translated(bundled_db):
    indicators = pd.concat(small_tables(run_page(PAGE, lang="pt")))
    criteria = small_tables(run_page(PAGE, lang="pt", tab="criteria"))[0]
    assert len(indicators) == 23 and len(criteria) == 14  # 21 + acceptance_rate, implemented_within_24_months
    assert "Pontuação de autonomia" in set(indicators["Indicador"])
    assert "Mandato na lei" in set(criteria["Critério"])


def test_indicator_catalogue_reads_by_area_with_every_definition_and_formula(bundled_db):
    """One table per area, in the areas' order, each with that area's indicators; an input says
    so where a derived indicator gives its formula (counted from the catalogue files)."""
    root = Path(__file__).resolve().parents[2] / "catalogue"
    areas = sorted(csv.DictReader((root / "areas.csv").open(encoding="utf-8")), key=lambda a: int(a["order"]))
    indicators = list(csv.DictReader((root / "indicators.csv").open(encoding="utf-8")))
    at = run_page(PAGE, lang="pt")
    tables = small_tables(at)
    with_indicators = [a for a in areas if any(i["area_id"] == a["area_id"] for i in indicators)]
    assert [h.value for h in at.subheader] == [a["label_pt"] for a in with_indicators]
    for area, table in zip(with_indicators, tables):
        rows = [i for i in indicators if i["area_id"] == area["area_id"]]
        assert list(table["Código"]) == [i["indicator_id"] for i in rows]
        assert list(table["Definição"]) == [i["definition_pt"] for i in rows]
        assert list(table["Cálculo"]) == [i["derivation_pt"] or "Dado de entrada" for i in rows]


def test_area_filter_changes_the_catalogue_and_is_restored_from_the_url(bundled_db):
    at = run_page(PAGE, lang="en")
    at.selectbox(key="qp_a").select("accountability").run()
    shown = pd.concat(small_tables(at))
    assert set(shown["Indicator"]) == {"Annual report published", "Annual report presented to parliament"}
    assert at.query_params["a"] in ("accountability", ["accountability"])
    again = run_page(PAGE, lang="en", a="information_sharing")
    assert list(pd.concat(small_tables(again))["Indicator"]) == ["Information requests answered"]


def test_formulas_say_no_information_is_not_counted_as_not_implemented(bundled_db):
    text = "\n".join(m.value for m in run_page(PAGE, lang="en", tab="computation").markdown)
    assert "100 × (met + 0.5 × partially met) / criteria assessed" in text
    assert "never counted as not implemented" in text


def test_load_log_lists_files_and_rows_but_no_hash_or_server_path(bundled_db):
    at = run_page(PAGE, lang="en", tab="load_log")
    files = next(d.value for d in at.dataframe if "File" in d.value.columns)
    row = files[files["File"] == "institutions.csv"].iloc[0]
    assert row["Rows"] == 9
    assert list(files.columns) == ["File", "Rows"]  # checksums stay in the load_log download
    shown = "\n".join(str(x.value) for kind in ("markdown", "caption") for x in at.get(kind))
    expected = hashlib.sha256((BUNDLED / "institutions.csv").read_bytes()).hexdigest()
    assert expected not in shown and str(BUNDLED) not in shown and "mart_" not in shown


def test_every_table_downloads_in_three_formats_with_a_citation(bundled_db):
    at = run_page(PAGE, lang="en", tab="downloads")
    buttons = [b for b in at.get("download_button") if b.key != "download_workshop_report"]
    assert len(buttons) == 10 * 3
    assert [b.label for b in at.get("download_button") if b.key == "download_workshop_report"] == [
        "Workshop report (PDF)"]
    cite = at.get("code")[0].value
    assert cite.startswith("Mirador: national preventive mechanisms")
    assert "data as of" in cite and "partly illustrative" in cite


def test_citation_in_spanish(bundled_db):
    cite = run_page(PAGE, lang="es", tab="downloads").get("code")[0].value
    assert "datos a fecha de" in cite and "en parte ilustrativos" in cite


def test_load_log_download_names_files_without_the_servers_folders(bundled_db):
    """The load_log table keeps the full source folder for maintainers; the download on the
    page (queries.export_table) gives file names only (issue #12: no server path on a page)."""
    import duckdb

    from mirador import queries

    with duckdb.connect(str(bundled_db), read_only=True) as con:
        stored = con.execute("SELECT source_path, files FROM load_log").fetchall()
    assert any(str(BUNDLED) in (path or "") or "/" in (path or "") for path, _ in stored)  # something to hide
    downloaded = queries.export_table("load_log")
    text = downloaded.write_csv()
    for path, files in stored:
        assert str(Path(path).parent) not in text
    assert set(downloaded["source_path"]) == {Path(p).name for p, _ in stored}
    assert "institutions.csv" in text


@pytest.mark.parametrize("lang, words", [("es", "las internas no entran"), ("pt", "as internas não entram"),
                                         ("en", "internal ones enter no")])
def test_methods_state_that_public_figures_leave_internal_recommendations_out(bundled_db, lang, words):
    text = "\n".join(m.value for m in run_page(PAGE, lang=lang, tab="computation").markdown)
    assert words in text


def test_recommendations_page_says_its_figures_leave_internal_recommendations_out(bundled_db):
    captions = " ".join(c.value for c in run_page("pages/recommendations.py", lang="pt").caption)
    assert "apenas as recomendações públicas" in captions
