"""Build ``streams/web/static/syr_admin1.geojson``: the governorate boundaries the live page draws.

Reads the shared OCHA COD-AB copy (``../shared/gazetteer/boundaries/syr_admin1.geojson``, already a
coverage-simplified version, see its PROVENANCE.md), simplifies every ring again with Douglas-Peucker
(default tolerance 0.004 degrees, about 400 m: invisible at page scale) and rounds coordinates to
3 decimals, so the page stays small. Keeps ``pcode``, ``name_en``, ``name_ar`` and records the source
and licence in the file itself.

    .venv/bin/python scripts/simplify_boundaries.py [--src PATH] [--out PATH] [--tolerance DEG]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT.parent / "shared" / "gazetteer" / "boundaries" / "syr_admin1.geojson"
OUT = ROOT / "streams" / "web" / "static" / "syr_admin1.geojson"
ATTRIBUTION = (
    "Boundaries: UN OCHA (COD-AB Syria, UNCS / UN OCHA, via HDX), CC BY-IGO 3.0, simplified. "
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations."
)


def _dist2(p: list[float], a: list[float], b: list[float]) -> float:
    """Squared distance from p to segment ab."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    if dx == 0 and dy == 0:
        return (p[0] - ax) ** 2 + (p[1] - ay) ** 2
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
    return (p[0] - ax - t * dx) ** 2 + (p[1] - ay - t * dy) ** 2


def douglas_peucker(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Iterative Douglas-Peucker on an open polyline; keeps both ends."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        i, j = stack.pop()
        best, index = -1.0, -1
        for k in range(i + 1, j):
            d = _dist2(points[k], points[i], points[j])
            if d > best:
                best, index = d, k
        if index > 0 and best > tol2:
            keep[index] = True
            stack.append((i, index))
            stack.append((index, j))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list[list[float]], tolerance: float) -> list[list[float]] | None:
    """A closed ring simplified (split at its farthest point so both halves keep their shape)."""
    if len(ring) < 5:
        return ring
    body = ring[:-1]
    far = max(range(len(body)), key=lambda k: (body[k][0] - body[0][0]) ** 2 + (body[k][1] - body[0][1]) ** 2)
    first = douglas_peucker(body[: far + 1], tolerance)
    second = douglas_peucker([*body[far:], body[0]], tolerance)
    out = [[round(x, 3), round(y, 3)] for x, y in first[:-1] + second]
    dedup = [p for k, p in enumerate(out) if k == 0 or p != out[k - 1]]
    return dedup if len(dedup) >= 4 else None


def simplify_polygon(rings: list, tolerance: float) -> list:
    out = []
    for k, ring in enumerate(rings):
        simple = simplify_ring(ring, tolerance)
        if simple is None:
            if k == 0:
                return []
            continue  # a tiny hole disappears
        out.append(simple)
    return out


def build(src: Path, tolerance: float) -> dict:
    data = json.loads(src.read_text(encoding="utf-8"))
    features = []
    for f in data["features"]:
        geom = f["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        polys = [p for p in (simplify_polygon(poly, tolerance) for poly in polys) if p]
        props = {k: f["properties"][k] for k in ("pcode", "name_en", "name_ar")}
        geometry = (
            {"type": "Polygon", "coordinates": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "coordinates": polys}
        )
        features.append({"type": "Feature", "id": props["pcode"], "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=SRC)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--tolerance", type=float, default=0.004)
    args = parser.parse_args()
    result = build(args.src, args.tolerance)
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    points = sum(
        len(r)
        for f in result["features"]
        for poly in (
            [f["geometry"]["coordinates"]]
            if f["geometry"]["type"] == "Polygon"
            else f["geometry"]["coordinates"]
        )
        for r in poly
    )
    print(
        f"{args.out}: {len(result['features'])} features, {points} points, {len(text.encode()) // 1024} KB "
        f"(from {args.src.stat().st_size // 1024} KB)"
    )


if __name__ == "__main__":
    main()
