"""The bundled dataset (data/input), its generator and the boundaries file."""
from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

import catalogue
from etl import generate as gen

REPO = Path(__file__).resolve().parents[2]
INPUT = REPO / "data" / "input"
TABLES = ["institutions", "observations", "context", "autonomy_assessments", "recommendations",
          "recommendation_totals", "reference_facts"]
KEYS = {
    "institutions": ["iso3"],
    "observations": ["iso3", "year", "indicator_id"],
    "context": ["iso3", "year", "variable"],
    "autonomy_assessments": ["iso3", "year", "criterion_id"],
    "recommendations": ["recommendation_id"],
    "recommendation_totals": ["iso3", "year_issued", "implementation_status", "response", "place_type", "theme",
                              "authority"],
}
URL = re.compile(r"https?://\S+")


def read(name: str, folder: Path = INPUT) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict[str, str]]]:
    return {t: read(t) for t in TABLES}


@pytest.fixture(scope="module")
def fact_urls(data) -> set[str]:
    return {r["source_url"] for r in data["reference_facts"]}


# --- determinism --------------------------------------------------------------------
def test_generator_is_deterministic_and_matches_committed_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert gen.main(["--out", str(a), "--quiet"]) == 0
    assert gen.main(["--out", str(b), "--quiet"]) == 0
    for name in TABLES:
        first = (a / f"{name}.csv").read_bytes()
        assert first == (b / f"{name}.csv").read_bytes(), f"{name}.csv differs between two runs"
        assert first == (INPUT / f"{name}.csv").read_bytes(), (
            f"data/input/{name}.csv is not what `python -m etl.generate` writes: regenerate and commit")
    assert sorted(p.name for p in INPUT.glob("*.csv")) == sorted(f"{t}.csv" for t in TABLES)


# --- contract -----------------------------------------------------------------------
def test_columns_follow_the_data_model(data):
    for table, cols in gen.COLUMNS.items():
        with open(INPUT / f"{table}.csv", encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == cols, table
    with open(INPUT / "reference_facts.csv", encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == ["iso3", "field", "value", "unit", "year", "source_url", "quote",
                                       "confidence"]


def test_keys_are_unique_and_rows_sorted(data):
    for table, key in KEYS.items():
        seen = [tuple(r[k] for k in key) for r in data[table]]
        assert len(seen) == len(set(seen)), f"duplicate keys in {table}"
        if table in ("observations", "context", "autonomy_assessments"):
            order = [(r["iso3"], int(r["year"]), *[r[k] for k in key[2:]]) for r in data[table]]
            assert order == sorted(order), f"{table} not sorted"


def test_every_code_is_in_the_catalogue(data):
    def allowed(domain):
        return set(catalogue.codes(domain))

    iso3 = {r["iso3"] for r in data["institutions"]}
    assert len(iso3) == 9 and iso3 <= {c["iso3"] for c in catalogue.countries()}
    for r in data["institutions"]:
        assert r["npm_type"] in allowed("npm_type")
        assert r["data_status"] in allowed("data_status")
        assert r["npm_operational_precision"] in allowed("date_precision") | ({""} if not r["npm_operational_date"] else set())
        assert re.fullmatch(r"[A-Z]{3}", r["currency"])
        for col in ("country_name_es", "country_name_pt", "country_name_en", "institution_name", "npm_unit_name",
                    "opcat_ratification_date"):
            assert r[col], (r["iso3"], col)
    inputs = {i["indicator_id"] for i in catalogue.indicators() if i["kind"] == "input"}
    variables = {v["variable"] for v in catalogue.context_variables()}
    criteria = {c["criterion_id"] for c in catalogue.criteria()}
    for r in data["observations"]:
        assert r["iso3"] in iso3 and r["indicator_id"] in inputs and r["data_status"] in allowed("data_status")
    for r in data["context"]:
        assert r["iso3"] in iso3 and r["variable"] in variables and float(r["value"]) > 0
    for r in data["autonomy_assessments"]:
        assert r["iso3"] in iso3 and r["criterion_id"] in criteria
        assert r["assessment"] in allowed("assessment")
        assert r["basis"] in allowed("basis") | {""}
    for r in data["recommendations"]:
        assert r["iso3"] in iso3
        assert r["place_type"] in allowed("place_type")
        assert r["authority"] in allowed("authority")
        assert r["theme"] in allowed("theme")
        assert r["implementation_status"] in allowed("implementation_status")
        assert r["is_public"] in allowed("yes_no")
        assert r["data_status"] in allowed("data_status")
    for r in data["recommendation_totals"]:
        assert r["iso3"] in iso3 and r["implementation_status"] in allowed("implementation_status")
        assert r["place_type"] in allowed("place_type") | {""}
        assert r["theme"] in allowed("theme") | {""}
        assert r["authority"] in allowed("authority") | {""}
    # the generator's own code lists are the catalogue's
    assert gen.STATUSES == catalogue.codes("implementation_status")
    assert gen.PLACE_TYPES == catalogue.codes("place_type")
    assert gen.AUTHORITIES == catalogue.codes("authority")
    assert gen.THEMES == catalogue.codes("theme")
    assert gen.CRITERIA == [c["criterion_id"] for c in catalogue.criteria()]
    assert sorted(gen.OBS_INDICATORS) == sorted(inputs)


def test_values_respect_units(data):
    units = {i["indicator_id"]: i["unit"] for i in catalogue.indicators()}
    for r in data["observations"]:
        v = float(r["value"])
        assert v >= 0, r
        if units[r["indicator_id"]] == "percent":
            assert 0 <= v <= 100, r
        if units[r["indicator_id"]] == "yes_no":
            assert v in (0, 1), r
        if r["indicator_id"] == "place_types_in_mandate":
            assert 0 <= v <= 8, r
    for r in data["recommendations"]:
        assert r["date_issued"] <= gen.AS_OF.isoformat()
        if r["last_followup_date"]:
            assert r["last_followup_date"] >= r["date_issued"], r
    for r in data["recommendation_totals"]:
        assert int(r["n_recommendations"]) >= 0


# --- sourced vs illustrative ----------------------------------------------------------
def _sourced(rows):
    return [r for r in rows if r["data_status"] in ("sourced", "estimate")]


def test_every_sourced_row_cites_a_fact(data, fact_urls):
    checked = 0
    for table in ("institutions", "observations", "context", "autonomy_assessments", "recommendation_totals",
                  "recommendations"):
        for r in _sourced(data[table]):
            parts = [p.strip() for p in r["source"].split(gen.URL_SEP)]
            assert parts and all(parts), (table, r)
            for p in parts:
                assert p in fact_urls or p == gen.CRITERIA_MD, (table, p)
            checked += 1
    assert checked == 9 + 34  # nine institutions + the 34 curated rows of sourced_rows.csv


def test_sourced_rows_spec_is_all_in_the_tables(data):
    with open(gen.SOURCED_ROWS_PATH, encoding="utf-8", newline="") as f:
        spec = list(csv.DictReader(f))
    key_col = {"observations": ("indicator_id", "value", "year"), "context": ("variable", "value", "year"),
               "autonomy_assessments": ("criterion_id", "assessment", "year"),
               "recommendation_totals": ("implementation_status", "n_recommendations", "year_issued")}
    for s in spec:
        k, v, y = key_col[s["table"]]
        key, _, response = s["key"].partition("|")  # totals: "status|response"
        hits = [r for r in data[s["table"]] if r["iso3"] == s["iso3"] and r[y] == s["year"] and r[k] == key
                and r.get("response", "") == response]
        assert len(hits) == 1, s
        assert hits[0][v] == s["value"] and hits[0]["data_status"] == s["data_status"], s
    assert sum(1 for s in spec if s["table"] == "autonomy_assessments") == 10


def test_illustrative_rows_say_so(data):
    for table in ("observations", "context", "autonomy_assessments", "recommendations"):
        for r in data[table]:
            if r["data_status"] == "illustrative":
                assert r["source"] == gen.ILLUSTRATIVE_SOURCE, (table, r)
            else:
                assert URL.search(r["source"]) or r["source"] == gen.CRITERIA_MD, (table, r)
    assert all(r["data_status"] == "illustrative" for r in data["recommendations"])


def test_no_illustrative_value_where_a_sourced_one_exists(data):
    for table, key in KEYS.items():
        if table == "recommendations":
            continue
        cells: dict[tuple, set[str]] = {}
        for r in data[table]:
            cells.setdefault(tuple(r[k] for k in key), set()).add(r["data_status"])
        assert all(len(s) == 1 for s in cells.values()), table
    # recommendation records never add to a year reported as totals
    totals = {(r["iso3"], r["year_issued"]) for r in data["recommendation_totals"]}
    assert not [r for r in data["recommendations"] if (r["iso3"], r["date_issued"][:4]) in totals]
    # prison population: sourced and illustrative never share a country-year
    sourced_pp = {(r["iso3"], r["year"]) for r in _sourced(data["context"]) if r["variable"] == "prison_population"}
    assert len(sourced_pp) == 8


def test_nothing_before_an_npm_was_operational(data):
    first = {}
    for r in data["institutions"]:
        if r["npm_operational_date"]:
            first[r["iso3"]] = (r["npm_operational_date"], int(r["npm_operational_date"][:4]))
        else:  # PER: no operational date in the facts; year after the designating law
            first[r["iso3"]] = (None, int(r["npm_designation_date"][:4]) + 1)
    for r in data["observations"] + data["autonomy_assessments"]:
        assert int(r["year"]) >= first[r["iso3"]][1], r
    for r in data["recommendations"]:
        date, year = first[r["iso3"]]
        assert int(r["date_issued"][:4]) >= year and (date is None or r["date_issued"] >= date), r
    years = {r["iso3"]: {int(o["year"]) for o in data["observations"] if o["iso3"] == r["iso3"]}
             for r in data["institutions"]}
    assert min(years["CHL"]) == 2020 and min(years["PAN"]) == 2018 and min(years["PER"]) == 2016


def test_illustrative_layer_has_the_promised_shape(data):
    recs = data["recommendations"]
    per_inst_year: dict[tuple, int] = {}
    for r in recs:
        k = (r["iso3"], r["date_issued"][:4])
        per_inst_year[k] = per_inst_year.get(k, 0) + 1
    assert 5_000 < len(recs) < 50_000
    public = sum(r["is_public"] == "yes" for r in recs) / len(recs)
    assert 0.6 <= public <= 0.8
    old = [r for r in recs if r["date_issued"][:4] <= "2017"]
    new = [r for r in recs if r["date_issued"][:4] >= "2024"]
    share = lambda rows, s: sum(r["implementation_status"] == s for r in rows) / len(rows)  # noqa: E731
    assert share(old, "implemented") > share(new, "implemented")
    assert share(new, "in_progress") > share(old, "in_progress")
    aut = {(r["iso3"], r["year"]) for r in data["autonomy_assessments"]}
    for inst in data["institutions"]:
        first = max(gen.AUTONOMY_YEARS[0], gen.start_year(inst))  # no assessment before the NPM operated
        for year in (first, 2025):
            assert (inst["iso3"], str(year)) in aut
        assert (inst["iso3"], str(first - 1)) not in aut
    # CHL from 2020 (6 years), PAN from 2018 (8), the other seven from 2017 (9)
    assert len(data["autonomy_assessments"]) == 14 * (6 + 8 + 7 * 9)


# --- large synthetic sets ---------------------------------------------------------------
def test_large_set_is_contract_valid(tmp_path):
    assert gen.main(["--out", str(tmp_path), "--institutions", "30", "--recommendations", "20000", "--quiet"]) == 0
    inst = read("institutions", tmp_path)
    codes = [r["iso3"] for r in inst]
    assert len(codes) == 30 == len(set(codes)) and all(re.fullmatch(r"[A-Z]{3}", c) for c in codes)
    recs = read("recommendations", tmp_path)
    assert len(recs) == 20000
    assert len({r["recommendation_id"] for r in recs}) == 20000
    assert {r["iso3"] for r in recs} <= set(codes)
    for t in ("observations", "context", "autonomy_assessments"):
        assert {r["iso3"] for r in read(t, tmp_path)} <= set(codes)
    extra = [r for r in inst if r["iso3"] not in gen.COUNTRY_NAMES]  # past the nine: real countries
    assert len(extra) == 21 and all(r["data_status"] == "illustrative" for r in extra)
    listed = {c["iso3"]: c for c in catalogue.countries()}
    assert all(r["iso3"] in listed and r["country_name_en"] == listed[r["iso3"]]["name_en"] for r in extra)


# --- boundaries -------------------------------------------------------------------------
def test_boundaries_have_a_valid_geometry_for_every_catalogue_country():
    from shapely.geometry import shape

    fc = json.loads((REPO / "data" / "boundaries" / "countries.geojson").read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    iso = [f["properties"]["iso3"] for f in fc["features"]]
    assert sorted(iso) == sorted(c["iso3"] for c in catalogue.countries()) and len(iso) == len(set(iso)) > 200
    numeric = {c["iso3"]: c["iso_numeric"] for c in catalogue.countries()}
    for f in fc["features"]:
        geom = shape(f["geometry"])
        assert geom.geom_type in ("Polygon", "MultiPolygon") and geom.is_valid and not geom.is_empty
        assert f["properties"]["iso_numeric"] == numeric[f["properties"]["iso3"]].zfill(3)
        minx, miny, maxx, maxy = geom.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def test_boundary_rings_wind_clockwise_as_plotly_expects():
    """d3-geo (inside plotly) reads a counter-clockwise outer ring (the RFC 7946 order)
    as 'the whole sphere minus this country' and floods the map; keep them clockwise."""
    from shapely.geometry import shape

    fc = json.loads((REPO / "data" / "boundaries" / "countries.geojson").read_text(encoding="utf-8"))
    for f in fc["features"]:
        geom = shape(f["geometry"])
        polygons = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
        assert all(not p.exterior.is_ccw for p in polygons), f["properties"]["iso3"]


def test_world_atlas_sources_match_provenance():
    prov = (REPO / "data" / "boundaries" / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in ("countries-50m.json", "countries-110m.json"):
        path = REPO / "data" / "boundaries" / "world-atlas" / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in prov, name
        topo = json.loads(path.read_text(encoding="utf-8"))
        assert topo["type"] == "Topology" and {"countries", "land"} <= set(topo["objects"])


def test_plotly_base_maps_have_every_layer_plotly_draws():
    """plotly.js throws and leaves the map blank when a layer it draws is missing."""
    for resolution in ("50m", "110m"):
        base = json.loads((REPO / "static" / "topojson" / f"world_{resolution}.json").read_text())
        source = json.loads((REPO / "data" / "boundaries" / "world-atlas" / f"countries-{resolution}.json").read_text())
        assert {"coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits"} <= set(base["objects"])
        # Same countries; the 1:50m arcs are simplified (checked in tests/unit/test_world_maps.py).
        assert base["objects"]["countries"] == source["objects"]["countries"]
        assert len(base["arcs"]) == len(source["arcs"])
