"""Offline point-in-country checks on the countryinfo outlines."""

import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genebank.core import geo

AMMAN = (31.95, 35.93)
DAMASCUS = (33.51, 36.29)
# Daraa, Syria: about 5 km north of the Jordanian border.
DARAA = (32.62, 36.10)
# Mediterranean, some 90 km off the coast of Israel and Lebanon.
EASTERN_MEDITERRANEAN = (33.0, 34.0)


def test_amman_lies_in_jordan_not_in_syria():
    assert geo.point_in_country(*AMMAN, "JOR") is True
    assert geo.point_in_country(*AMMAN, "SYR") is False
    assert geo.countries_at(*AMMAN) == ["JOR"]


def test_damascus_lies_in_syria():
    assert geo.point_in_country(*DAMASCUS, "SYR") is True
    assert geo.point_in_country(*DAMASCUS, "JOR") is False
    assert geo.countries_at(*DAMASCUS) == ["SYR"]


def test_accepts_decimals_and_lower_case_codes():
    assert geo.point_in_country(Decimal("31.950000"), Decimal("35.930000"), "jor") is True


def test_point_at_sea_is_in_no_country():
    assert geo.countries_at(*EASTERN_MEDITERRANEAN) == []
    assert geo.point_in_country(*EASTERN_MEDITERRANEAN, "ISR") is False
    assert geo.point_in_country(*EASTERN_MEDITERRANEAN, "LBN") is False


def test_tolerance_near_a_border():
    # The simplified outline puts Daraa in Syria, a few km from Jordan: close enough to be a
    # Jordanian site recorded on the border, so not worth a warning by default.
    assert geo.countries_at(*DARAA) == ["SYR"]
    assert geo.point_in_country(*DARAA, "JOR", tolerance_km=0) is False
    assert geo.point_in_country(*DARAA, "JOR") is True
    assert geo.point_in_country(*DARAA, "JOR", tolerance_km=1) is False


def test_tolerance_is_measured_in_kilometres():
    # 0.5 degree of latitude (about 55 km) north of Jordan's northernmost point stays outside.
    outline = geo.country_outline("JOR")
    top_lon, top_lat = max(outline["coordinates"][0], key=lambda p: p[1])
    assert geo.point_in_country(top_lat + 0.5, top_lon, "JOR") is False
    # 0.1 degree (about 11 km) is within the 25 km tolerance.
    assert geo.point_in_country(top_lat + 0.1, top_lon, "JOR") is True
    assert geo.point_in_country(top_lat + 0.1, top_lon, "JOR", tolerance_km=5) is False


def test_hole_in_a_polygon_is_outside():
    # Lesotho is a hole in South Africa's outline.
    maseru_highlands = (-29.5, 28.2)
    assert geo.countries_at(*maseru_highlands) == ["LSO"]
    assert geo.point_in_country(*maseru_highlands, "ZAF", tolerance_km=0) is False
    assert geo.point_in_country(*maseru_highlands, "LSO") is True


def test_multipolygon_country():
    # Indonesia is many islands; Java and Sumatra are both found.
    assert geo.point_in_country(-7.6, 110.2, "IDN") is True
    assert geo.point_in_country(0.5, 101.4, "IDN") is True


def test_across_the_antimeridian():
    assert "RUS" in geo.countries_at(65.0, 179.9)
    assert geo.point_in_country(-17.8, 178.0, "FJI") is True


def test_country_without_outline_gives_none():
    assert geo.point_in_country(43.73, 7.42, "MCO") is None  # Monaco: too small for the data
    assert geo.point_in_country(0, 0, "XXX") is None
    assert geo.point_in_country(0, 0, "") is None
    assert geo.country_outline("XXX") is None
    assert geo.has_outline("JOR") and not geo.has_outline("MCO")


def test_country_outline_is_geojson_geometry():
    outline = geo.country_outline("JOR")
    assert outline["type"] == "Polygon"
    ring = outline["coordinates"][0]
    assert ring[0] == ring[-1]
    assert all(34 < lon < 40 and 29 < lat < 34 for lon, lat in ring)
    assert geo.country_outline("IDN")["type"] == "MultiPolygon"


def test_country_outline_is_a_copy():
    geo.country_outline("JOR")["coordinates"].clear()
    assert geo.country_outline("JOR")["coordinates"]


def test_fast_enough():
    geo.point_in_country(*AMMAN, "JOR")  # load the outlines first
    start = time.perf_counter()
    for _ in range(200):
        geo.point_in_country(*AMMAN, "SYR")
        geo.point_in_country(60.0, 100.0, "RUS")
        geo.countries_at(*AMMAN)
    per_round = (time.perf_counter() - start) / 200
    # Measured around 0.05 ms; a generous bound that only catches a lost bounding-box prefilter.
    assert per_round < 0.005


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False),
    lon=st.floats(min_value=-180, max_value=180, allow_nan=False),
)
def test_strict_containment_agrees_with_countries_at(lat, lon):
    found = geo.countries_at(lat, lon)
    for iso3 in found:
        assert geo.point_in_country(lat, lon, iso3, tolerance_km=0) is True
        # A point inside stays inside with any tolerance.
        assert geo.point_in_country(lat, lon, iso3) is True
    for iso3 in ("JOR", "SYR", "RUS", "BRA"):
        assert geo.point_in_country(lat, lon, iso3, tolerance_km=0) is (iso3 in found)


@pytest.mark.parametrize("iso3", ["JOR", "SYR", "ETH", "PER", "IND", "CHN"])
def test_capital_lies_in_its_country(iso3):
    import json
    from importlib import resources

    for entry in (resources.files("countryinfo") / "data").iterdir():
        if entry.name.endswith(".json"):
            record = json.loads(entry.read_text(encoding="utf-8"))
            if record.get("ISO", {}).get("alpha3") == iso3 and record.get("capital_latlng"):
                lat, lon = record["capital_latlng"]
                assert geo.point_in_country(lat, lon, iso3) is True
                return
    pytest.fail(f"no capital for {iso3}")


def _every_country_containing(lat: float, lon: float) -> list[str]:
    """countries_at without its prefilter: every outline tested."""
    return sorted(iso3 for iso3 in geo._index() if geo.point_in_country(lat, lon, iso3, 0))


# Points where a prefilter by cells could go wrong: on whole degrees (cell edges) and on the
# edges of the countries' bounding boxes.
_BOX_EDGES = sorted(
    {value for c in geo._index().values() for value in (c.min_lat, c.max_lat)}
    | {float(n) for n in range(-90, 91)}
)
_BOX_EDGES_LON = sorted(
    {value for c in geo._index().values() for value in (c.min_lon, c.max_lon)}
    | {float(n) for n in range(-180, 181)}
)


@settings(max_examples=500, deadline=None)
@given(
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False) | st.sampled_from(_BOX_EDGES),
    lon=st.floats(min_value=-180, max_value=180, allow_nan=False) | st.sampled_from(_BOX_EDGES_LON),
)
def test_countries_at_prefilter_gives_the_full_verdict(lat, lon):
    assert geo.countries_at(lat, lon) == _every_country_containing(lat, lon)


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(min_value=28, max_value=42),
    lon=st.floats(min_value=30, max_value=45),
)
def test_countries_at_prefilter_near_the_benchmark_sites(lat, lon):
    # Where the import's generated files put their points: borders and coasts close together.
    assert geo.countries_at(lat, lon) == _every_country_containing(lat, lon)


def test_countries_at_outside_the_globe_or_not_a_number():
    for lat, lon in ((float("nan"), 35.0), (31.9, float("inf")), (1e9, 1e9)):
        assert geo.countries_at(lat, lon) == _every_country_containing(lat, lon) == []
