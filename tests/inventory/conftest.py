"""Fixtures for inventory tests: an accession of the genebank and places to store its seed."""

import pytest

from genebank.core.models import Crop, Taxon
from genebank.inventory import services
from genebank.inventory.models import StorageLocation
from tests.factories import AccessionFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The personas' passwords are hashed at every test; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def wheat(db):
    crop, _ = Crop.objects.get_or_create(name="Wheat")
    taxon, _ = Taxon.objects.get_or_create(genus="Triticum", species="durum", crop=crop)
    return taxon


@pytest.fixture
def make_accession(genebank, wheat):
    """make_accession() -> a new accession of durum wheat at the genebank."""

    def make(**fields):
        return AccessionFactory(institute=genebank, taxon=wheat, **fields)

    return make


@pytest.fixture
def accession(make_accession):
    return make_accession()


@pytest.fixture
def storage(genebank, curator):
    """HQ / Cold room 1 (base, -18 °C) / Shelf A / Box 1 (2 lots); HQ / Cool room (active)."""
    kind = StorageLocation.Kind

    def place(name, code, k, parent=None, **extra):
        return services.create_location(
            institute=genebank, name=name, code=code, kind=k, user=curator, parent=parent, **extra
        )

    site = place("HQ", "HQ", kind.SITE)
    base_room = place(
        "Cold room 1",
        "CR1",
        kind.ROOM,
        site,
        storage_kind="base",
        temperature_min=-21,
        temperature_max=-15,
        humidity_min=12,
        humidity_max=18,
    )
    shelf = place("Shelf A", "CR1-A", kind.SHELF, base_room)
    box = place("Box 1", "CR1-A-1", kind.BOX, shelf, capacity=2)
    active_room = place(
        "Cool room",
        "CR2",
        kind.ROOM,
        site,
        storage_kind="active",
        temperature_min=5,
        temperature_max=10,
    )
    return {"site": site, "base_room": base_room, "shelf": shelf, "box": box, "active": active_room}
