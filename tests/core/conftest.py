"""Personas of a second institute and a data steward, for the tests of who may change what."""

import pytest
from django.contrib.auth.models import Group

from genebank.core.models import Role
from genebank.core.permissions import DATA_STEWARDS_GROUP
from tests.factories import UserFactory, member


@pytest.fixture
def other_administrator(other_genebank):
    return member("omar", other_genebank, Role.ADMINISTRATOR)


@pytest.fixture
def other_curator(other_genebank):
    return member("olga", other_genebank, Role.CURATOR)


@pytest.fixture
def data_steward(db):
    """A person of no institute who keeps the shared lists (taxa, crops)."""
    user = UserFactory(username="stella")
    user.groups.add(Group.objects.get(name=DATA_STEWARDS_GROUP))
    return user


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root")
    user.is_superuser = True
    user.save()
    return user
