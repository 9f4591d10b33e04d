#!/usr/bin/env python3
"""Writes Sources/ObservatoryCore/Resources/world-map.tsv: one line per country, `CODE<TAB>SVG path`, for the
server-drawn world map. Run once; commit the output.

Shapes: Natural Earth 1:110m admin-0 countries (public domain, https://www.naturalearthdata.com), as shipped in
the geopandas 0.14 wheel (datasets/naturalearth_lowres). Projection: Equal Earth (Šavrič, Patterson, Jenny 2018),
1000 units wide; Antarctica left out; outlines simplified (Douglas-Peucker, 0.5 unit) and written as relative moves.

    pip download --no-deps geopandas==0.14.4 && python3 -m zipfile -e geopandas-0.14.4-py3-none-any.whl wheel
    pip install pyshp && python3 tools/gen-map.py wheel/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp
"""
import math
import pathlib
import sys

import shapefile

ROOT = pathlib.Path(__file__).resolve().parents[1]
WIDTH = 1000
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = 2 * math.sqrt(3) * math.pi / (3 * A1)          # at the equator, longitude 180°
SCALE = WIDTH / (2 * X_MAX)
# Natural Earth leaves these without an ISO code.
BY_NAME = {"France": "FRA", "Norway": "NOR", "Somaliland": "SOM", "N. Cyprus": "CYP", "Kosovo": None}


def project(lon, lat):
    lam, phi = math.radians(lon), math.radians(max(-89.9, min(89.9, lat)))
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return (x + X_MAX) * SCALE, (1.3173 - y) * SCALE


def simplify(points, tolerance=0.5):
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1e-9
    index, distance = 0, -1
    for i in range(1, len(points) - 1):
        px, py = points[i]
        d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length if (dx or dy) else math.hypot(px - x1, py - y1)
        if d > distance:
            index, distance = i, d
    if distance <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[:index + 1], tolerance)[:-1] + simplify(points[index:], tolerance)


def path(rings):
    out = []
    for ring in rings:
        points = simplify([project(lon, lat) for lon, lat in ring])
        points = [(round(x * 10), round(y * 10)) for x, y in points]     # tenths of a unit, as integers
        dedup = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(dedup) < 3:
            continue
        x0, y0 = dedup[0]
        parts = [f"M{x0 / 10:g} {y0 / 10:g}"]
        moves = []
        for (ax, ay), (bx, by) in zip(dedup, dedup[1:]):
            moves.append(f"{(bx - ax) / 10:g} {(by - ay) / 10:g}")
        parts.append("l" + " ".join(moves) + "z")
        out.append("".join(parts).replace(" -", "-"))
    return "".join(out)


def main():
    alpha2 = {}
    for line in (ROOT / "Sources/ObservatoryCore/Resources/countries.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            cells = line.split("\t")
            alpha2[cells[1]] = cells[0]
    reader = shapefile.Reader(sys.argv[1])
    shapes = {}
    for record, shape in zip(reader.records(), reader.shapes()):
        name, a3 = record["name"], record["iso_a3"]
        if name == "Antarctica":
            continue
        a3 = BY_NAME.get(name, a3)
        if a3 is None or a3 not in alpha2:
            print(f"skipped {name} ({a3})", file=sys.stderr)
            continue
        parts = list(shape.parts) + [len(shape.points)]
        rings = [shape.points[parts[i]:parts[i + 1]] for i in range(len(parts) - 1)]
        shapes.setdefault(alpha2[a3], []).append(path(rings))
    lines = ["# Natural Earth 1:110m countries (public domain), Equal Earth projection, 1000 wide: written by tools/gen-map.py"]
    lines += [f"{code}\t{''.join(shapes[code])}" for code in sorted(shapes)]
    (ROOT / "Sources/ObservatoryCore/Resources/world-map.tsv").write_text("\n".join(lines) + "\n")
    print(f"{len(shapes)} countries, {sum(len(l) for l in lines)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
