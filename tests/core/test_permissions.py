"""Roles per institute: the capability table and its enforcement."""

import pytest

from genebank.core import permissions
from genebank.core.annex1 import annex1_crop
from genebank.core.models import Role
from tests.factories import member


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, capability, allowed",
    [
        (Role.VIEWER, permissions.VIEW, True),
        (Role.VIEWER, permissions.REGISTER, False),
        (Role.TECHNICIAN, permissions.REGISTER, True),
        (Role.TECHNICIAN, permissions.DEACCESSION, False),
        (Role.CURATOR, permissions.DEACCESSION, True),
        (Role.CURATOR, permissions.MANAGE_USERS, False),
        (Role.DISTRIBUTION_OFFICER, permissions.EDIT, False),
        (Role.ADMINISTRATOR, permissions.MANAGE_USERS, True),
    ],
)
def test_capabilities(genebank, other_genebank, role, capability, allowed):
    user = member(f"u-{role}", genebank, role)
    assert permissions.can(user, capability, genebank) is allowed
    # a role at one institute gives nothing at another
    assert permissions.can(user, capability, other_genebank) is False


@pytest.mark.django_db
def test_anonymous_can_do_nothing(genebank):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can(AnonymousUser(), permissions.VIEW, genebank)


@pytest.mark.parametrize(
    "genus, species, crop",
    [
        ("Hordeum", "vulgare", "Barley"),
        ("Triticum", "durum", "Wheat"),
        ("Lens", "culinaris", "Lentil"),
        ("Phoenix", "dactylifera", None),
        ("Olea", "europaea", None),
        ("Zea", "perennis", None),
        ("Zea", "mays", "Maize"),
        ("Manihot", "glaziovii", None),
        ("Solanum", "tuberosum", "Potato"),
        ("Pennisetum", "glaucum", "Pearl millet"),
    ],
)
def test_annex1(genus, species, crop):
    assert annex1_crop(genus, species) == crop
