"""Build data/boundaries/nine_countries.geojson from the world-atlas TopoJSON.

Source: npm package ``world-atlas`` 2.0.2 (Natural Earth 4.1.0 as TopoJSON, ISC
licence), ``countries-50m.json``, kept in the repo as ``data/boundaries/world-atlas/countries-50m.json``
(byte-identical; see PROVENANCE.md). Steps:

1. ``gpd.read_file(path, layer="countries").set_crs(4326)`` (world-atlas has no CRS);
2. keep the nine countries, matched on the ISO 3166-1 numeric ``id`` of
   ``catalogue/countries.csv`` (world-atlas ids are ISO numeric);
3. simplify by ~0.02 degrees. Shared borders (CHL-PER, ECU-PER, CRI-PAN, PRT-ESP)
   are simplified as a coverage (``simplify_coverage``) so neighbours still meet
   without gaps or overlaps; if that is unavailable, ``simplify(0.02,
   preserve_topology=True)`` per country;
4. check every geometry is valid and non-empty; write a FeatureCollection sorted by
   ``iso3`` with properties ``iso3, iso_numeric, name_en``, coordinates rounded to
   5 decimals (about 1 m), so a rebuild gives the same bytes.

Run: ``.venv/bin/python data/boundaries/build_boundaries.py`` or
``.venv/bin/python -m etl.generate --boundaries``.
"""
from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE = REPO_ROOT / "data" / "boundaries" / "world-atlas" / "countries-50m.json"
OUT = REPO_ROOT / "data" / "boundaries" / "nine_countries.geojson"
COUNTRIES = REPO_ROOT / "catalogue" / "countries.csv"
TOLERANCE = 0.02
DECIMALS = 5


def _round(coords):
    if isinstance(coords, (float, int)):
        return round(float(coords), DECIMALS)
    return [_round(c) for c in coords]


def build(source: Path = SOURCE, out: Path = OUT) -> dict:
    import geopandas as gpd
    import shapely
    from shapely.geometry import mapping

    with open(COUNTRIES, encoding="utf-8", newline="") as f:
        countries = {r["iso_numeric"].zfill(3): r for r in csv.DictReader(f)}

    world = gpd.read_file(source, layer="countries").set_crs(4326)
    world["id"] = world["id"].astype(str).str.zfill(3)
    nine = world[world["id"].isin(countries)].copy()
    if len(nine) != len(countries):
        missing = sorted(set(countries) - set(nine["id"]))
        raise SystemExit(f"countries missing from {source}: {missing}")
    nine["iso3"] = nine["id"].map(lambda i: countries[i]["iso3"])
    nine = nine.sort_values("iso3").reset_index(drop=True)

    method = "simplify_coverage"
    try:
        simplified = nine.geometry.simplify_coverage(TOLERANCE)
    except (AttributeError, NotImplementedError):  # older geopandas/GEOS
        method = "simplify(preserve_topology=True)"
        simplified = nine.geometry.simplify(TOLERANCE, preserve_topology=True)
    simplified = shapely.make_valid(shapely.set_precision(simplified.values, 10 ** -DECIMALS))
    features, vertices = [], 0
    for (_, row), geom in zip(nine.iterrows(), simplified):
        if geom.geom_type == "GeometryCollection":  # make_valid may add slivers: keep polygons
            geom = shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
        if geom.is_empty or not geom.is_valid or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise SystemExit(f"{row['iso3']}: invalid geometry after simplification")
        vertices += shapely.get_num_coordinates(geom)
        gj = mapping(geom)
        features.append({
            "type": "Feature", "id": row["iso3"],
            "properties": {"iso3": row["iso3"], "iso_numeric": row["id"],
                           "name_en": countries[row["id"]]["name_en"]},
            "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])},
        })
    fc = {"type": "FeatureCollection", "features": features}
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"
    out.write_text(text, encoding="utf-8")
    return {"features": len(features), "vertices": int(vertices), "bytes": len(text.encode()),
            "method": method, "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest()}


def main(argv: list[str] | None = None) -> int:
    info = build()
    print(f"wrote {OUT.relative_to(REPO_ROOT)}: {info}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
