#!/usr/bin/env python3
"""Draw static/img/world-map.svg: the country shapes behind the city maps.

Run once (again only to change the picture) after `npm ci`:

    .venv/bin/python scripts/build_world_map.py

It reads Natural Earth's countries at 1:110m from npm's `world-atlas`
(TopoJSON), projects them with the pages' own projection (members/worldmap.py),
rounds to whole map units, drops points and islands too small to see, and
writes one <path> per country. No JavaScript, no tiles: the result is a
static file that whitenoise serves and browsers cache.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from members.worldmap import HEIGHT, WIDTH, project  # noqa: E402

SOURCE = ROOT / "node_modules" / "world-atlas" / "countries-110m.json"
TARGET = ROOT / "static" / "img" / "world-map.svg"
ANTARCTICA = "010"
MIN_RING_AREA = 4  # square map units: smaller islands vanish at any size shown


def decode_arcs(topology):
    """Absolute longitude/latitude points of each arc (TopoJSON is delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def area(points):
    edges = zip(points, points[1:] + points[:1], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in edges) / 2)


def unwrap(points):
    """Longitudes made continuous: a ring across the antimeridian goes past 180."""
    unwrapped = [points[0]]
    for lon, lat in points[1:]:
        previous = unwrapped[-1][0]
        lon += 360 * round((previous - lon) / 360)
        unwrapped.append((lon, lat))
    return unwrapped


def split_at_antimeridian(points):
    """A ring as one or two rings inside -180..180 (the parts past it pressed onto it)."""
    points = unwrap(points)
    lons = [lon for lon, _ in points]
    if min(lons) >= -180 and max(lons) <= 180:
        return [points]
    shift = 360 if max(lons) > 180 else -360
    return [
        [(min(max(lon - offset, -180), 180), lat) for lon, lat in points] for offset in (0, shift)
    ]


def ring_path(ring, arcs):
    return "".join(part_path(part) for part in split_at_antimeridian(ring_points(ring, arcs)))


def part_path(points):
    projected = []
    for lon, lat in points:
        x, y = project(lat, lon)
        point = (round(x), round(y))
        if not projected or projected[-1] != point:
            projected.append(point)
    if len(projected) < 3 or area(projected) < MIN_RING_AREA:
        return ""
    start, *rest = projected
    moves = [f"M{start[0]} {start[1]}"]
    previous = start
    for point in rest:
        moves.append(f"l{point[0] - previous[0]} {point[1] - previous[1]}")
        previous = point
    return "".join(moves).replace(" -", "-") + "z"


def country_paths(topology):
    arcs = decode_arcs(topology)
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") == ANTARCTICA or "arcs" not in geometry:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        data = "".join(ring_path(ring, arcs) for polygon in polygons for ring in polygon)
        if data:
            yield data


def main():
    topology = json.loads(SOURCE.read_text(encoding="utf-8"))
    paths = "\n".join(f'<path d="{d}"/>' for d in country_paths(topology))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}">\n'
        "<!-- Country shapes: Natural Earth 1:110m via world-atlas; "
        "drawn by scripts/build_world_map.py -->\n"
        '<g fill="#cfe2dc" stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round">\n'
        f"{paths}\n</g>\n</svg>\n"
    )
    TARGET.write_text(svg, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(svg.encode()):,} bytes)")


if __name__ == "__main__":
    main()
