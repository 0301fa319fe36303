"""Build plotly's local base maps (static/topojson/world_{50m,110m}.json) from world-atlas.

Why: plotly's geo subplot draws its base layers from `topojson.objects[<layer>]` for
each layer it shows (coastlines, land, ocean, lakes, rivers, countries, subunits).
world-atlas only has `countries` and `land`; a missing object makes plotly.js throw
("Cannot read properties of undefined (reading 'type')") and the whole map stays
blank. So we add the missing objects: `coastlines` reuses the land polygons (drawn as
outlines), the others are empty collections. The two original objects are untouched.

The 1:50m arcs are simplified (Douglas-Peucker, `SIMPLIFY_DEG`, each arc on its own with its
two ends kept, so neighbours still share their borders): plotly converts and projects the
whole world's countries at 1:50m for a panel of a few countries, and that was ~0.2 s of the
overview's cold open. 0.02 degrees is about 2 km, a pixel of the narrowest 1:50m panel (~3.5
degrees over ~330 px) and finer than the institutions' own shapes drawn over it
(`countries.geojson`, simplified at 0.05): the base map still meets them at every border.
The 1:110m arcs stay as they are.

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


SIMPLIFY_DEG = {"50m": 0.02, "110m": None}


def plotly_topology(world_atlas: dict, simplify_deg: float | None = None) -> dict:
    objects = dict(world_atlas["objects"])
    objects["coastlines"] = objects["land"]
    for layer in EMPTY_LAYERS:
        objects[layer] = {"type": "GeometryCollection", "geometries": []}
    arcs = world_atlas["arcs"]
    if simplify_deg:
        scale = world_atlas["transform"]["scale"]
        arcs = [_simplified_arc(arc, scale, simplify_deg) for arc in arcs]
    return {**world_atlas, "objects": objects, "arcs": arcs}


def _simplified_arc(arc: list[list[int]], scale: list[float], tolerance_deg: float) -> list[list[int]]:
    """One delta-encoded, quantized TopoJSON arc with Douglas-Peucker applied in degrees; its
    first and last points stay (where arcs meet), and a closed ring keeps at least four."""
    points, x, y = [], 0, 0
    for dx, dy in arc:
        x, y = x + dx, y + dy
        points.append((x, y))
    kept = _douglas_peucker(points, scale, tolerance_deg)
    if points[0] == points[-1] and len(kept) < 4:  # an island ring: keep it a ring
        kept = [points[0], points[len(points) // 3], points[2 * len(points) // 3], points[-1]]
    out, px, py = [], 0, 0
    for qx, qy in kept:
        out.append([qx - px, qy - py])
        px, py = qx, qy
    return out


def _douglas_peucker(points: list[tuple[int, int]], scale: list[float], tolerance_deg: float) -> list:
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    limit = tolerance_deg ** 2
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = points[first][0] * scale[0], points[first][1] * scale[1]
        bx, by = points[last][0] * scale[0], points[last][1] * scale[1]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        farthest, at = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i][0] * scale[0] - ax, points[i][1] * scale[1] - ay
            t = 0.0 if length2 == 0 else max(0.0, min(1.0, (px * dx + py * dy) / length2))
            d2 = (px - t * dx) ** 2 + (py - t * dy) ** 2
            if d2 > farthest:
                farthest, at = d2, i
        if farthest > limit:
            keep[at] = True
            stack += [(first, at), (at, last)]
    return [p for p, k in zip(points, keep) if k]


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for resolution in RESOLUTIONS:
        source = json.loads((SOURCES / f"countries-{resolution}.json").read_text())
        out = TARGET / f"world_{resolution}.json"
        out.write_text(json.dumps(plotly_topology(source, SIMPLIFY_DEG[resolution]), separators=(",", ":")))
        print(f"wrote {out.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
