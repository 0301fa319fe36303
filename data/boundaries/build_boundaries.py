"""Build data/boundaries/countries.geojson from the world-atlas TopoJSON.

Source: npm package ``world-atlas`` 2.0.2 (Natural Earth 4.1.0 as TopoJSON, ISC
licence), ``countries-50m.json``, kept in the repo as ``data/boundaries/world-atlas/countries-50m.json``
(byte-identical; see PROVENANCE.md). Steps:

1. ``gpd.read_file(path, layer="countries").set_crs(4326)`` (world-atlas has no CRS);
2. simplify every feature together as a coverage (``simplify_coverage``, tolerance
   ``TOLERANCE``) so neighbours still meet without gaps or overlaps; made valid, then
   snapped to ``10**-DECIMALS`` degrees (about 100 m: finer than a pixel of a world or
   continent panel);
3. keep the countries of ``catalogue/countries.csv``, matched on the ISO 3166-1 numeric
   ``id`` (world-atlas ids are ISO numeric); parts sharing an id (Australia and the Ashmore
   and Cartier Islands) become one feature; features without an id (Kosovo, Somaliland,
   N. Cyprus, ...) are dropped after the simplification, which still saw their borders;
4. outer rings clockwise (d3-geo, inside plotly, reads a counter-clockwise ring as the whole
   sphere minus the country); check every geometry is valid and non-empty; write a
   FeatureCollection sorted by ``iso3`` with properties ``iso3, iso_numeric, name_en``, so a
   rebuild gives the same bytes.

Run: ``.venv/bin/python data/boundaries/build_boundaries.py`` or
``.venv/bin/python -m etl.generate --boundaries`` (after ``build_countries.py`` when the
country list changes).
"""
from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE = REPO_ROOT / "data" / "boundaries" / "world-atlas" / "countries-50m.json"
OUT = REPO_ROOT / "data" / "boundaries" / "countries.geojson"
COUNTRIES = REPO_ROOT / "catalogue" / "countries.csv"
# Degrees. The coverage simplifier (Visvalingam-Whyatt) drops a vertex whose triangle is
# under TOLERANCE**2: at 0.05 the world is ~51,000 vertices and ~1 MB, and Costa Rica and
# Panama keep their shapes (about 60 vertices each).
TOLERANCE = 0.05
DECIMALS = 3


def _round(coords):
    if isinstance(coords, (float, int)):
        return round(float(coords), DECIMALS)
    return [_round(c) for c in coords]


def build(source: Path = SOURCE, out: Path = OUT) -> dict:
    import geopandas as gpd
    import shapely

    with open(COUNTRIES, encoding="utf-8", newline="") as f:
        countries = {r["iso_numeric"].zfill(3): r for r in csv.DictReader(f)}

    world = gpd.read_file(source, layer="countries").set_crs(4326)
    world["id"] = world["id"].fillna("").astype(str)
    method = "simplify_coverage"
    try:
        simplified = world.geometry.simplify_coverage(TOLERANCE)
    except (AttributeError, NotImplementedError):  # older geopandas/GEOS
        method = "simplify(preserve_topology=True)"
        simplified = world.geometry.simplify(TOLERANCE, preserve_topology=True)
    # Natural Earth's Russia is not valid as given (a self-touching ring near 158E): repair
    # before snapping to the grid, which needs valid input, and after, which may pinch rings.
    snapped = shapely.make_valid(shapely.set_precision(shapely.make_valid(simplified.values), 10 ** -DECIMALS))
    parts: dict[str, list] = {}
    for numeric, geom in zip(world["id"], snapped):
        if numeric.zfill(3) in countries:
            parts.setdefault(numeric.zfill(3), []).append(_polygons(geom))
    missing = sorted(set(countries) - set(parts))
    if missing:
        raise SystemExit(f"countries missing from {source}: {missing}")

    features, vertices = [], 0
    for numeric in sorted(parts, key=lambda n: countries[n]["iso3"]):
        iso3 = countries[numeric]["iso3"]
        geom = shapely.orient_polygons(shapely.union_all(parts[numeric]), exterior_cw=True)
        if geom.is_empty or not geom.is_valid or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise SystemExit(f"{iso3}: invalid geometry after simplification")
        vertices += shapely.get_num_coordinates(geom)
        features.append({
            "type": "Feature", "id": iso3,
            "properties": {"iso3": iso3, "iso_numeric": numeric, "name_en": countries[numeric]["name_en"]},
            "geometry": _geojson_geometry(geom),
        })
    fc = {"type": "FeatureCollection", "features": features}
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"
    out.write_text(text, encoding="utf-8")
    return {"features": len(features), "vertices": int(vertices), "bytes": len(text.encode()),
            "method": method, "tolerance": TOLERANCE,
            "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest()}


def _polygons(geom):
    """The (Multi)Polygon part: make_valid may add slivers as lines or points."""
    import shapely

    if geom.geom_type == "GeometryCollection":
        return shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return geom


def _geojson_geometry(geom) -> dict:
    """GeoJSON of `geom` with coordinates rounded (union_all can leave 1e-12 float noise)."""
    from shapely.geometry import mapping

    gj = mapping(geom)
    return {"type": gj["type"], "coordinates": _round(gj["coordinates"])}


def main(argv: list[str] | None = None) -> int:
    info = build()
    print(f"wrote {OUT.relative_to(REPO_ROOT)}: {info}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
