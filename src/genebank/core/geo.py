"""Offline point-in-country checks on the simplified country outlines shipped by countryinfo."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Mean Earth radius; outlines are simplified to tens of kilometres, so a sphere is plenty.
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs, first == last


@dataclass(frozen=True)
class _Polygon:
    """One polygon of a country outline: an outer ring, its holes and its bounding box."""

    rings: tuple[Ring, ...]
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True)
class _Country:
    geometry: dict
    polygons: tuple[_Polygon, ...]
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def _polygon(coordinates: list) -> _Polygon | None:
    rings = tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for ring in coordinates if ring)
    if not rings or len(rings[0]) < 4:
        return None
    lons = [x for x, _y in rings[0]]
    lats = [y for _x, y in rings[0]]
    return _Polygon(rings, min(lons), min(lats), max(lons), max(lats))


def _geometries(geojson: dict) -> list[dict]:
    if geojson.get("type") == "FeatureCollection":
        return [f.get("geometry") or {} for f in geojson.get("features", [])]
    if geojson.get("type") == "Feature":
        return [geojson.get("geometry") or {}]
    return [geojson]


@cache
def _index() -> dict[str, _Country]:
    """alpha-3 -> outline, read once on first use (about 250 small JSON files)."""
    index: dict[str, _Country] = {}
    data = resources.files("countryinfo") / "data"
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        try:
            record = json.loads(entry.read_text(encoding="utf-8"))
            iso3 = str(record["ISO"]["alpha3"]).upper()
        except (ValueError, KeyError, TypeError):
            continue
        # Some countries appear in two files (e.g. two spellings of Curaçao); the first with an
        # outline wins.
        if iso3 in index:
            continue
        polygons: list[_Polygon] = []
        for geometry in _geometries(record.get("geoJSON") or {}):
            if geometry.get("type") == "Polygon":
                parts = [geometry.get("coordinates") or []]
            elif geometry.get("type") == "MultiPolygon":
                parts = geometry.get("coordinates") or []
            else:
                continue
            polygons.extend(p for p in map(_polygon, parts) if p is not None)
        if not polygons:
            continue
        if len(polygons) == 1:
            geometry = {
                "type": "Polygon",
                "coordinates": [list(map(list, r)) for r in polygons[0].rings],
            }
        else:
            geometry = {
                "type": "MultiPolygon",
                "coordinates": [[list(map(list, r)) for r in p.rings] for p in polygons],
            }
        index[iso3] = _Country(
            geometry=geometry,
            polygons=tuple(polygons),
            min_lon=min(p.min_lon for p in polygons),
            min_lat=min(p.min_lat for p in polygons),
            max_lon=max(p.max_lon for p in polygons),
            max_lat=max(p.max_lat for p in polygons),
        )
    return index


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y2 > lat) != (y1 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
        x1, y1 = x2, y2
    return inside


def _in_polygon(lon: float, lat: float, polygon: _Polygon) -> bool:
    if not (
        polygon.min_lon <= lon <= polygon.max_lon and polygon.min_lat <= lat <= polygon.max_lat
    ):
        return False
    rings = polygon.rings
    if not _in_ring(lon, lat, rings[0]):
        return False
    for hole in rings[1:]:
        if _in_ring(lon, lat, hole):
            return False
    return True


def _distance_to_ring_km(lon: float, lat: float, ring: Ring, cos_lat: float) -> float:
    """Shortest distance to the ring's edges on a local flat projection centred on the point."""
    best = math.inf
    px = py = 0.0
    prev = None
    for x, y in ring:
        dx = x - lon
        # Across the antimeridian the nearer way round is the right one.
        if dx > 180:
            dx -= 360
        elif dx < -180:
            dx += 360
        current = (dx * cos_lat * KM_PER_DEGREE, (y - lat) * KM_PER_DEGREE)
        if prev is not None:
            (ax, ay), (bx, by) = prev, current
            sx, sy = bx - ax, by - ay
            length2 = sx * sx + sy * sy
            t = (
                0.0
                if length2 == 0
                else max(0.0, min(1.0, ((px - ax) * sx + (py - ay) * sy) / length2))
            )
            best = min(best, math.hypot(ax + t * sx - px, ay + t * sy - py))
        prev = current
    return best


def _near_polygon(lon: float, lat: float, polygon: _Polygon, tolerance_km: float) -> bool:
    margin_lat = tolerance_km / KM_PER_DEGREE
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    margin_lon = min(360.0, margin_lat / cos_lat)
    if not (
        polygon.min_lat - margin_lat <= lat <= polygon.max_lat + margin_lat
        and (
            polygon.min_lon - margin_lon <= lon <= polygon.max_lon + margin_lon
            # Bounding boxes do not wrap; near the antimeridian fall through to the exact test.
            or abs(lon) + margin_lon >= 180
        )
    ):
        return False
    return any(
        _distance_to_ring_km(lon, lat, ring, cos_lat) <= tolerance_km for ring in polygon.rings
    )


def _contains(country: _Country, lon: float, lat: float, tolerance_km: float) -> bool:
    # Loops rather than any() over generators: this runs for every point of an import.
    for polygon in country.polygons:
        if _in_polygon(lon, lat, polygon):
            return True
    if tolerance_km <= 0:
        return False
    for polygon in country.polygons:
        if _near_polygon(lon, lat, polygon, tolerance_km):
            return True
    return False


def has_outline(iso3: str) -> bool:
    return str(iso3 or "").upper() in _index()


def point_in_country(lat, lon, iso3: str, tolerance_km: float = 25) -> bool | None:
    """Whether (lat, lon) lies in the country, or within tolerance_km of its outline.

    None when the country has no outline to test against (small islands, unknown codes).
    The tolerance makes up for outlines simplified to tens of kilometres: a site on the coast or
    just by a border must not be reported as elsewhere.
    """
    country = _index().get(str(iso3 or "").upper())
    if country is None:
        return None
    return _contains(country, float(lon), float(lat), float(tolerance_km))


@cache
def _bounding_box_cells() -> dict[tuple[int, int], tuple[tuple[str, _Country], ...]]:
    """(floor(lat), floor(lon)) -> the countries whose bounding box meets that 1-degree cell.

    A prefilter for countries_at: a country whose box does not meet the cell holding the point
    cannot contain it, so only these few are tested, by the same test as before. Cells are
    closed, and a box is entered in every cell it touches, edges included.
    """
    cells: dict[tuple[int, int], list[tuple[str, _Country]]] = {}
    for iso3, country in _index().items():
        for row in range(math.floor(country.min_lat), math.floor(country.max_lat) + 1):
            for column in range(math.floor(country.min_lon), math.floor(country.max_lon) + 1):
                cells.setdefault((row, column), []).append((iso3, country))
    return {cell: tuple(found) for cell, found in cells.items()}


def countries_at(lat, lon, tolerance_km: float = 0) -> list[str]:
    """Alpha-3 codes of the countries whose outline contains the point, sorted."""
    lon_f, lat_f = float(lon), float(lat)
    margin_lat = max(float(tolerance_km), 0.0) / KM_PER_DEGREE
    found = []
    if tolerance_km <= 0:
        # Without a margin only the countries whose box holds the point can: those of its cell.
        # A point on a cell's edge lies in two cells; a box touching that edge is in both.
        candidates: Iterable[tuple[str, _Country]] = (
            _bounding_box_cells().get((math.floor(lat_f), math.floor(lon_f)), ())
            if math.isfinite(lat_f) and math.isfinite(lon_f)
            else ()
        )
    else:
        candidates = _index().items()
    for iso3, country in candidates:
        if not (country.min_lat - margin_lat <= lat_f <= country.max_lat + margin_lat):
            continue
        if tolerance_km <= 0 and not (country.min_lon <= lon_f <= country.max_lon):
            continue
        if _contains(country, lon_f, lat_f, float(tolerance_km)):
            found.append(iso3)
    return sorted(found)


def country_outline(iso3: str) -> dict | None:
    """The country's outline as a GeoJSON geometry (Polygon or MultiPolygon, lon/lat order)."""
    country = _index().get(str(iso3 or "").upper())
    # A copy, so that a caller decorating it for a map cannot change the cached index.
    return None if country is None else copy.deepcopy(country.geometry)
