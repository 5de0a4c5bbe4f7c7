"""Viability fixtures."""

import pytest
from django.contrib.auth.models import Group

from genebank.core.permissions import DATA_STEWARDS_GROUP
from tests.factories import UserFactory


@pytest.fixture
def data_steward(db):
    """A person of no institute who keeps the shared lists (taxa, crops, viability constants)."""
    user = UserFactory(username="stella")
    user.groups.add(Group.objects.get(name=DATA_STEWARDS_GROUP))
    return user
