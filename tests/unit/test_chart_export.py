"""Slide images of charts: size, and the words an image must carry (title, period and unit,
source, n for a rate, the illustrative note, the data date), in the page's language.

Renders with kaleido and the system Chromium (started once for this module)."""
from __future__ import annotations

import re
import struct

import polars as pl
import pytest

from mirador import chart_export, figures, queries

INSTITUTIONS = ["CHL", "CRI", "ECU", "MEX", "PAN", "PER", "PRT", "ESP", "URY"]


@pytest.fixture(scope="module")
def export_db(bundled_db):
    """The bundled data's database (tests/conftest.py); the chart renderer stops afterwards."""
    yield bundled_db
    chart_export.stop_server()


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def svg_text(svg: bytes) -> str:
    """Every text node of the SVG, entities decoded, whitespace folded."""
    import html
    nodes = re.findall(r">([^<>]+)<", svg.decode("utf-8"))
    return re.sub(r"\s+", " ", html.unescape(" ".join(nodes)).replace("\u00a0", " "))


def budget_chart(lang: str):
    data = pl.DataFrame({
        "iso3": ["URY", "PER", "CHL"], "year": [2023, 2023, 2023], "indicator_id": ["budget_per_detainee_usd"] * 3,
        "value": [69.5, 6.5, 31.6], "n": [None, None, None], "data_status": ["sourced", "illustrative", "sourced"],
        "source": ["https://www.gub.uy/inddhh/informe-anual-2023", "generator note", "https://www.indh.cl/mnpt"],
        "note": [None, None, None]}, schema_overrides={"n": pl.Int64})
    title = {"es": "Presupuesto por persona privada de libertad, 2023",
             "pt": "Orçamento por pessoa privada de liberdade, 2023"}[lang]
    fig = figures.ranking_bars(data, title=title, unit="usd_per_detainee", lang=lang, institutions=INSTITUTIONS,
                               n_col="n")
    return fig, title, data


def rate_chart():
    data = pl.DataFrame({
        "iso3": ["URY", "PER"], "year": [2019, 2021], "indicator_id": ["implementation_rate"] * 2,
        "value": [40.0, 25.0], "n": [120, 80], "data_status": ["illustrative", "illustrative"],
        "source": [None, None], "note": [None, None]})
    fig = figures.ranking_bars(data, title="Implementation rate", unit="percent", lang="en",
                               institutions=INSTITUTIONS, n_col="n")
    return fig, "Implementation rate", data


def test_png_is_a_16_9_slide_at_twice_the_css_size(export_db):
    fig, title, data = budget_chart("es")
    png = chart_export.image_bytes(fig, chart_export.chart_text(title, data, "es", unit="usd_per_detainee"), "png")
    width, height = png_size(png)
    assert (width, height) == (2560, 1440)


def test_svg_carries_title_period_unit_source_note_and_date_in_spanish(export_db):
    fig, title, data = budget_chart("es")
    svg = chart_export.image_bytes(fig, chart_export.chart_text(title, data, "es", unit="usd_per_detainee"), "svg")
    assert re.search(rb'<svg[^>]*width="1280"[^>]*height="720"', svg)
    text = svg_text(svg)
    assert "Presupuesto por persona privada de libertad, 2023" in text
    assert "2023 · USD por persona privada de libertad" in text  # period and unit
    assert "Fuente: gub.uy/inddhh/informe-anual-2023; indh.cl/mnpt" in text
    assert "generator note" not in text  # a generated value's note is not a source
    assert "Incluye valores ilustrativos" in text  # one of three values is illustrative
    assert "Datos a fecha de" in text and "Mirador" in text
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg.decode())  # nothing to fetch


def test_svg_in_portuguese(export_db):
    fig, title, data = budget_chart("pt")
    text = svg_text(chart_export.image_bytes(fig, chart_export.chart_text(title, data, "pt", unit="usd_per_detainee"),
                                             "svg"))
    assert "Orçamento por pessoa privada de liberdade, 2023" in text
    assert "Fonte:" in text and "Dados à data de" in text and "Inclui valores ilustrativos" in text


def test_rate_carries_its_n_and_all_illustrative_note(export_db):
    fig, title, data = rate_chart()
    text = svg_text(chart_export.image_bytes(fig, chart_export.chart_text(title, data, "en", unit="percent"), "svg"))
    assert "n = 200" in text  # 120 + 80 recommendations with information
    assert "Illustrative values, not published data" in text
    assert "2019–2021 · %" in text


def test_sourced_chart_has_no_illustrative_note(export_db):
    fig, title, data = budget_chart("es")
    sourced = data.filter(pl.col("data_status") == "sourced")
    text = chart_export.chart_text(title, sourced, "es", unit="usd_per_detainee")
    assert text.illustrative_note is None


def test_map_renders_offline_from_the_local_base_map(export_db):
    data = pl.DataFrame({"iso3": ["URY", "PRT"], "year": [2023, 2023], "indicator_id": ["npm_staff"] * 2,
                         "value": [12.0, 20.0], "n": [None, None], "data_status": ["sourced", "sourced"],
                         "source": ["a", "b"], "note": [None, None]}, schema_overrides={"n": pl.Int64})
    fig = figures.choropleth_two_panels(data, queries.boundaries(), title="Staff, 2023", unit="persons", lang="en")
    svg = chart_export.image_bytes(fig, chart_export.chart_text("Staff, 2023", data, "en", unit="persons"), "svg")
    assert chart_export.topojson_url().startswith("file://")
    # Land drawn from world_50m.json: the land layer holds a long path (it is empty when the
    # base map could not be loaded, as with the CDN offline).
    lands = re.findall(rb'class="layer land"><path d="([^"]+)"', svg)
    assert len(lands) == 2 and all(len(d) > 1000 for d in lands)  # both panels


def test_file_names_come_from_the_title_and_are_unique_per_chart():
    a = chart_export.file_name("Presupuesto por persona privada de libertad (USD), 2023", "resources_ranking",
                               "es", "png")
    b = chart_export.file_name("Presupuesto por persona privada de libertad (USD), 2023", "resources_map", "es", "png")
    assert a == "mirador_presupuesto-por-persona-privada-de-libertad-usd-2023_resources-ranking_es.png"
    assert a != b
    assert chart_export.file_name("Orçamento, 2023", "x", "pt", "svg") == "mirador_orcamento-2023_x_pt.svg"
