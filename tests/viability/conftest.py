"""Viability fixtures: a data steward, and a lot of durum wheat to test."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from genebank.core.models import Crop, Taxon
from genebank.core.permissions import DATA_STEWARDS_GROUP
from genebank.inventory import services as inventory
from genebank.inventory.models import SeedLot
from tests.factories import AccessionFactory, UserFactory

RECEIVED = datetime.date(2020, 3, 2)


@pytest.fixture
def data_steward(db):
    """A person of no institute who keeps the shared lists (taxa, crops, viability constants)."""
    user = UserFactory(username="stella")
    user.groups.add(Group.objects.get(name=DATA_STEWARDS_GROUP))
    return user


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lot(genebank, curator):
    """1000 seeds of durum wheat, received on 2 March 2020."""
    crop, _ = Crop.objects.get_or_create(name="Wheat")
    taxon, _ = Taxon.objects.get_or_create(genus="Triticum", species="durum", crop=crop)
    accession = AccessionFactory(institute=genebank, taxon=taxon)
    lot = inventory.receive(accession, 1000, "seeds", "base", curator)
    received = timezone.make_aware(datetime.datetime.combine(RECEIVED, datetime.time(9)))
    SeedLot.objects.filter(pk=lot.pk).update(created_at=received)
    lot.refresh_from_db()
    return lot
