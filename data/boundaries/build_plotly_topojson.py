"""Build plotly's local base maps (static/topojson/world_{50m,110m}.json) from world-atlas.

Why: plotly's geo subplot draws its base layers from `topojson.objects[<layer>]` for
each layer it shows (coastlines, land, ocean, lakes, rivers, countries, subunits).
world-atlas only has `countries` and `land`; a missing object makes plotly.js throw
("Cannot read properties of undefined (reading 'type')") and the whole map stays
blank. So we add the missing objects: `coastlines` reuses the land polygons (drawn as
outlines), the others are empty collections. Arcs and the two original objects are
untouched, so the shapes are exactly Natural Earth's.

Run: .venv/bin/python data/boundaries/build_plotly_topojson.py
"""
from __future__ import annotations

import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCES = REPO_ROOT / "data" / "boundaries" / "world-atlas"
TARGET = REPO_ROOT / "static" / "topojson"
RESOLUTIONS = ("50m", "110m")
EMPTY_LAYERS = ("ocean", "lakes", "rivers", "subunits")
PLOTLY_LAYERS = ("coastlines", "land", "countries", *EMPTY_LAYERS)


def plotly_topology(world_atlas: dict) -> dict:
    objects = dict(world_atlas["objects"])
    objects["coastlines"] = objects["land"]
    for layer in EMPTY_LAYERS:
        objects[layer] = {"type": "GeometryCollection", "geometries": []}
    return {**world_atlas, "objects": objects}


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for resolution in RESOLUTIONS:
        source = json.loads((SOURCES / f"countries-{resolution}.json").read_text())
        out = TARGET / f"world_{resolution}.json"
        out.write_text(json.dumps(plotly_topology(source), separators=(",", ":")))
        print(f"wrote {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
