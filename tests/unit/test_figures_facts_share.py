"""Reference-fact labels, readable matrix symbols, figures sized to their rows, the
two-panel map's legend and colour bar, and share links. Tiny hand-made inputs."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import catalogue
from mirador import figures, i18n, palette, state
from mirador import formatting as fmt

REPO_ROOT = Path(__file__).resolve().parents[2]
NINE = ("CHL", "CRI", "ECU", "MEX", "PAN", "PER", "PRT", "ESP", "URY")


# --------------------------------------------------------------------------- reference facts
def test_every_bundled_fact_field_has_labels_in_three_languages():
    with open(REPO_ROOT / "data" / "input" / "reference_facts.csv", encoding="utf-8", newline="") as f:
        fields = {row["field"] for row in csv.DictReader(f)}
    labelled = {row["field"]: row for row in catalogue.fact_fields()}
    assert fields, "no reference facts bundled"
    assert not fields - set(labelled), sorted(fields - set(labelled))
    for field in fields:
        for lang in ("es", "pt", "en"):
            assert labelled[field][f"label_{lang}"].strip(), (field, lang)


def test_every_bundled_fact_unit_has_a_kind_and_labels_in_three_languages():
    with open(REPO_ROOT / "data" / "input" / "reference_facts.csv", encoding="utf-8", newline="") as f:
        used = {row["unit"] for row in csv.DictReader(f) if row["unit"]}
    units = catalogue.fact_units()
    assert used and not used - set(units), sorted(used - set(units))
    for unit, row in units.items():
        assert row["kind"] in {"date", "month", "year", "quantity"}, unit
        assert all(row[f"label_{lang}"].strip() for lang in ("es", "pt", "en")), unit
    # A newer facts file's unit word reads as typed rather than failing the page.
    assert i18n.fact_unit_label("judges", "es") == "judges" and i18n.fact_unit_label(None, "es") == ""


@pytest.mark.parametrize("text, unit, lang, shown", [
    ("43961", "persons", "es", "43.961"),
    ("230.49", "per 100k", "es", "230,49"),
    ("230.49", "per 100k", "en", "230.49"),
    ("508.00", "per 100k", "pt", "508,00"),       # the decimals as typed
    ("2009", "year", "es", "2009"),               # a year is never grouped
    ("2011/2012", "year", "es", "2011/2012"),
    ("1988-09-30", "date", "es", "30 de septiembre de 1988"),
    ("2020-05", "month", "pt", "maio de 2020"),
    ("2019-13-01", "date", "es", "2019-13-01"),   # not a date: as typed
    ("17 (11 supervision + 6 follow-up)", "reports", "es", "17 (11 supervision + 6 follow-up)"),
    ("12867", "judges", "es", "12867"),           # a unit not in the catalogue: as typed
    ("12867", None, "es", "12867"),
])
def test_a_fact_value_reads_in_the_page_format_only_where_it_reads_one_way(text, unit, lang, shown):
    assert fmt.fact_value(text, unit, lang) == shown


@pytest.mark.parametrize("text", ["1.000", "12.345", "1,000", "1.234,5", "1,5"])
def test_a_fact_value_that_reads_two_ways_is_shown_as_typed(text):
    """'1.000' is 1 in the facts file's convention and 1000 to a Spanish clerk: never reformatted."""
    for lang in ("es", "pt", "en"):
        assert fmt.fact_value(text, "persons", lang) == text


def test_fact_field_catalogue_has_unique_fields():
    fields = [row["field"] for row in catalogue.fact_fields()]
    assert len(fields) == len(set(fields))


def test_fact_field_label_per_language_and_unknown_field():
    assert i18n.fact_field_label("opcat_ratification", "es") == "Ratificación del OPCAT"
    assert i18n.fact_field_label("opcat_ratification", "pt") == "Ratificação do OPCAT"
    assert i18n.fact_field_label("npm_unit_name", "en") == "Unit in charge of the NPM"
    # A field from a newer facts file: readable words, not a crash.
    assert i18n.fact_field_label("npm_new_thing", "es") == "npm new thing"


# --------------------------------------------------------------------------- matrix
def test_text_colour_is_white_on_dark_blue_and_black_on_light_cells():
    # #0072B2 (met): white 5.2:1 vs black 4.0:1; #56B4E9 (partially met): black 9.1:1.
    assert palette.text_colour_on("#0072B2") == "#FFFFFF"
    assert palette.text_colour_on("#56B4E9") == "#000000"
    assert palette.text_colour_on("#BBBBBB") == "#000000"
    for colour in palette.ASSESSMENT_COLOURS.values():
        assert palette.contrast_ratio(palette.text_colour_on(colour), colour) >= 4.5, colour


def _cells(iso3s, assessment="met"):
    return pl.DataFrame([
        {"iso3": c, "year": 2025, "criterion_id": crit["criterion_id"], "assessment": assessment,
         "basis": None, "evidence": None, "data_status": "illustrative", "source": None}
        for c in iso3s for crit in catalogue.criteria()])


def test_matrix_symbols_on_met_cells_are_white():
    fig = figures.autonomy_matrix(_cells(["PER"]), title="t", lang="es", institutions=["PER"])
    spec = figures.to_json(fig)
    heatmaps = {tr["name"]: tr for tr in spec["data"] if tr["type"] == "heatmap"}
    assert heatmaps["met"]["textfont"]["color"] == "#FFFFFF"
    assert heatmaps["partially_met"]["textfont"]["color"] == "#000000"
    # Every cell is illustrative: the symbol alone in each cell, the chart marked once.
    assert {x for row in heatmaps["met"]["text"] for x in row} == {"●"}
    assert "†" in spec["layout"]["title"]["text"]


def test_matrix_height_follows_the_rows_and_the_legend_stays_below_the_grid():
    # One sourced cell among illustrative ones: the cells are marked † and a footnote explains.
    def mixed(cells):
        return cells.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("sourced"))
                                  .otherwise(pl.col("data_status")).alias("data_status"))
    one = figures.autonomy_matrix(mixed(_cells(["PER"])), title="t", lang="es", institutions=["PER"])
    nine = figures.autonomy_matrix(mixed(_cells(NINE)), title="t", lang="es", institutions=list(NINE))
    assert nine.layout.height - one.layout.height == 8 * 44  # 44 px per institution row
    for fig in (one, nine):
        assert fig.layout.legend.y < 0  # under the grid, never over the labels
        notes = [a for a in fig.layout.annotations if "†" in (a.text or "")]
        assert notes and notes[0].y < fig.layout.legend.y  # footnote under the legend


def test_timeline_for_one_institution_is_short():
    row = dict(iso3="CHL", opcat_ratification_date=dt.date(2008, 12, 12),
               npm_designation_date=dt.date(2019, 4, 25), npm_operational_date=dt.date(2020, 5, 1),
               npm_operational_precision="month", npm_designation_instrument="Ley 21.154",
               data_status="sourced")
    one = figures.timeline(pl.DataFrame([row]), title="t", lang="en")
    nine = figures.timeline(pl.DataFrame([{**row, "iso3": c} for c in NINE]), title="t", lang="en")
    # Title 55 + one row held at 80 + axis 30 + three legend rows (stacked on a phone) + the
    # "known to the month" note: about 310 px, about half the nine-row chart.
    assert one.layout.height < 330
    # Nine rows of 42 px = 378 px of plot; one row is held at the 80 px minimum.
    assert nine.layout.height - one.layout.height == 378 - 80


# --------------------------------------------------------------------------- two-panel map
def _square(lon, lat, size):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


GEOMETRIES = {  # rough boxes where the countries are; only CRI and PAN under 20 square degrees
    "MEX": _square(-110, 18, 10), "CRI": _square(-85, 9, 3), "PAN": _square(-81, 7.5, 3),
    "ECU": _square(-80, -4, 6), "PER": _square(-78, -16, 8), "CHL": _square(-72, -50, 5),
    "URY": _square(-58, -35, 5), "PRT": _square(-9, 37, 5), "ESP": _square(-6, 38, 8),
}


def _map(values: dict[str, float], status="illustrative"):
    df = pl.DataFrame([{"iso3": c, "value": v, "n": None,
                        "data_status": status if isinstance(status, str) else status(c)}
                       for c, v in values.items()],
                      schema={"iso3": pl.String, "value": pl.Float64, "n": pl.Int64, "data_status": pl.String})
    return figures.to_json(figures.choropleth_two_panels(df, GEOMETRIES, title="t", unit="percent",
                                                         lang="es"))


def test_map_shows_all_nine_and_explains_no_data_without_text_legend_glyphs():
    spec = _map({c: 10.0 * i for i, c in enumerate(NINE) if c != "CHL"},
                status=lambda c: "sourced" if c == "PER" else "illustrative")
    shown = {loc for tr in spec["data"] if tr["type"] == "choropleth" for loc in tr["locations"]}
    assert shown == set(NINE)
    legend = [tr for tr in spec["data"] if tr.get("showlegend")]
    assert [tr["name"] for tr in legend] == ["sin datos"]  # Chile: the only legend entry
    # † marks are text traces: never in the legend (a text legend entry draws "Aa").
    assert all(tr.get("showlegend") is False for tr in spec["data"] if tr.get("mode") == "text")
    notes = " ".join(a["text"] for a in spec["layout"]["annotations"])
    assert "† Incluye valores ilustrativos" in notes


def test_map_colour_bar_under_the_maps_and_panels_a_fair_size():
    spec = _map({c: float(i) for i, c in enumerate(NINE)}, status="sourced")
    colorbar = spec["layout"]["coloraxis"]["colorbar"]
    # Under the maps, across: a colour bar beside them left each map a sliver at phone width.
    assert colorbar["orientation"] == "h" and colorbar["y"] < 0
    # Stacked, the Americas above Iberia, each the chart's full width: side by side, a phone
    # (390 px) left each panel about 170 px.
    americas, iberia = (spec["layout"][g]["domain"] for g in ("geo", "geo2"))
    assert americas["y"][0] >= iberia["y"][1]  # above, not overlapping
    assert americas["x"] == iberia["x"] == [0.0, 1.0]
    assert americas["y"][1] - americas["y"][0] > iberia["y"][1] - iberia["y"][0] >= 0.3
    assert spec["layout"]["height"] >= 700
    assert not any(tr.get("showlegend") for tr in spec["data"])  # nothing missing: no legend
    # Small countries (Costa Rica, Panama) get a dot in the shared colour scale.
    dots = [tr for tr in spec["data"] if tr["type"] == "scattergeo" and tr.get("mode") == "markers"]
    assert len(dots) == 1 and len(dots[0]["lon"]) == 2 and dots[0]["marker"]["coloraxis"] == "coloraxis"


def test_dumbbell_marked_has_no_text_legend_entry_and_a_footnote():
    ends = pl.DataFrame({"iso3": ["PER", "CHL"], "value_a": [40.0, 50.0], "value_b": [60.0, None],
                         "status_a": ["illustrative", "sourced"], "status_b": ["sourced", None]})
    spec = figures.to_json(figures.dumbbell(ends, title="t", unit="score", lang="en",
                                                   year_a=2017, year_b=2025))
    assert all(tr.get("showlegend") is False for tr in spec["data"] if tr.get("mode") == "text")
    assert any("† Includes illustrative" in a["text"] for a in spec["layout"]["annotations"])


# --------------------------------------------------------------------------- share links
def test_share_url_keeps_repeated_keys_and_empty_selections():
    params = {"lang": ["pt"], "c": ["PER", "MEX"], "f_theme": [""]}
    assert state.share_url("http://host/recommendations", params) == \
        "http://host/recommendations?lang=pt&c=PER&c=MEX&f_theme="
    # The presentation link is the same view plus mirador's presentation mode and
    # Streamlit's own embed flag (no toolbar), each exactly once, after the page state.
    assert state.share_url("http://host/recommendations", params, embed=True) == \
        "http://host/recommendations?lang=pt&c=PER&c=MEX&f_theme=&present=1&embed=true"


def test_share_url_drops_streamlit_display_options_and_works_without_a_base():
    # A view opened in presentation mode shares as an ordinary link: present/embed dropped.
    assert state.share_url(None, {"lang": ["es"], "embed": ["true"], "present": ["1"]}) == "?lang=es"
    assert state.share_url("http://host/", {}) == "http://host/"
    assert state.share_url("http://host/", {}, embed=True) == "http://host/?present=1&embed=true"
    # ... and its presentation link does not repeat them.
    assert state.share_url("http://host/", {"present": ["1"], "embed": ["true"]}, embed=True) == \
        "http://host/?present=1&embed=true"


# --------------------------------------------------------------------------- dates at their precision
def test_a_year_only_date_is_a_band_over_the_year_not_1_january():
    # Mexico: ratified 11 Apr 2005, designated 11 Jul 2007, operating "2007" (year only).
    row = dict(iso3="MEX", opcat_ratification_date=dt.date(2005, 4, 11),
               npm_designation_date=dt.date(2007, 7, 11), npm_operational_date=dt.date(2007, 1, 1),
               npm_operational_precision="year", years_to_operation_min=1.72, years_to_operation_max=2.72,
               npm_designation_instrument="Ley", data_status="sourced")
    spec = figures.to_json(figures.timeline(pl.DataFrame([row]), title="t", lang="es"))
    bands = [tr for tr in spec["data"] if tr.get("mode") == "lines" and tr["line"]["width"] > 4]
    assert len(bands) == 1 and bands[0]["x"] == ["2007-01-01", "2007-12-31"]
    assert "2007<br>" in bands[0]["hovertext"][0] and "enero" not in bands[0]["hovertext"][0]
    assert "1,7–2,7 años" in bands[0]["hovertext"][0]
    operating = next(tr for tr in spec["data"] if tr.get("name") == i18n.t("event_operational", "es"))
    assert operating["x"] != ["2007-01-01"] and operating["x"][0].startswith("2007-07")  # mid-year
    assert operating["marker"]["symbol"] == ["circle-open"]
    designation = next(tr for tr in spec["data"] if tr.get("name") == i18n.t("event_designation", "es"))
    assert designation["x"] == ["2007-07-11"] and designation["marker"]["symbol"] == ["square"]
    notes = " ".join(a["text"].replace("<br>", " ") for a in spec["layout"]["annotations"])
    assert i18n.t("timeline_span_note", "es") in notes
    # The institution's line runs to the end of the year the NPM is known to have started in.
    assert max(tr["x"][-1] for tr in spec["data"] if tr.get("mode") == "lines") == "2007-12-31"


def test_a_month_only_date_spans_its_month():
    assert figures.period_end(dt.date(2020, 5, 1), "month") == dt.date(2020, 5, 31)
    assert figures.period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)
    assert figures.period_end(dt.date(2020, 5, 1), "day") == dt.date(2020, 5, 1)


# --------------------------------------------------------------------------- response codes in tables
@pytest.mark.parametrize("lang, accepted, no_reply", [("es", "Aceptada", "Sin respuesta"),
                                                      ("pt", "Aceite", "Sem resposta")])
def test_public_table_shows_the_response_in_words(lang, accepted, no_reply):
    from mirador import components
    table = components.data_table(pl.DataFrame({"recommendation_id": ["a", "b"],
                                                "response": ["accepted", "no_reply"]}), lang)
    assert table[i18n.t("col_response", lang)].to_list() == [accepted, no_reply]


def test_profile_peer_chart_labels_one_line_when_projected():
    rows = pl.DataFrame([{"area_id": "a", "indicator_id": "npm_staff", "iso3": "CHL", "year": 2025,
                          "value": 20.0, "n": None, "data_status": "sourced", "source": None,
                          "peer_median": 10.0, "n_peers": 8, "n_peers_yes": None,
                          "peer_data_status": "sourced", "ratio_to_median_pct": 200.0}] * 17)
    wrapped = figures.to_json(figures.relative_to_peer_median(rows, title="t", lang="es"))
    one_line = figures.to_json(figures.relative_to_peer_median(rows, title="t", lang="es",
                                                               one_line_labels=True))
    assert all("<br>" not in tx and "200" in tx for tx in one_line["layout"]["yaxis"]["ticktext"])
    assert all("<br>" in tx for tx in wrapped["layout"]["yaxis"]["ticktext"])
    # 17 one-line rows fit a projector's 690 px; the wrapped ones did not.
    assert one_line["layout"]["height"] <= 690 < wrapped["layout"]["height"]


def test_map_side_by_side_when_the_screen_is_known_to_be_wide():
    df = pl.DataFrame({"iso3": list(NINE), "value": [float(i) for i in range(9)],
                       "data_status": ["sourced"] * 9})
    spec = figures.to_json(figures.choropleth_two_panels(df, GEOMETRIES, title="t", unit="percent",
                                                         lang="es", side_by_side=True))
    americas, iberia = (spec["layout"][g]["domain"]["x"] for g in ("geo", "geo2"))
    assert americas[1] <= iberia[0] and min(americas[1] - americas[0], iberia[1] - iberia[0]) >= 0.4
