"""Collecting missions (permits, prior informed consent) are for the organising institute's staff."""

import pytest
from django.urls import reverse

from genebank.core.models import Role
from tests.factories import CollectingMissionFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def missions(genebank, other_genebank):
    ours = CollectingMissionFactory(
        institute=genebank, code="JOR-M-OURS", collecting_permit="PERMIT-OURS-77"
    )
    theirs = CollectingMissionFactory(
        institute=other_genebank, code="SYR-M-THEIRS", pic_reference="PIC-THEIRS-42"
    )
    return ours, theirs


def test_the_list_shows_the_missions_of_ones_institutes(client_for, viewer, missions):
    page = client_for(viewer).get(reverse("accessions:mission_list"))
    assert b"JOR-M-OURS" in page.content
    assert b"SYR-M-THEIRS" not in page.content


def test_another_institutes_mission_is_not_found(client_for, viewer, curator, missions):
    ours, theirs = missions
    assert (
        client_for(viewer).get(reverse("accessions:mission_detail", args=[ours.pk])).status_code
        == 200
    )
    for user in (viewer, curator):
        c = client_for(user)
        assert c.get(reverse("accessions:mission_detail", args=[theirs.pk])).status_code == 404
        assert c.get(reverse("accessions:mission_edit", args=[theirs.pk])).status_code == 404


def test_staff_of_both_institutes_and_superusers_see_both(
    client_for, genebank, other_genebank, missions
):
    member("bo", genebank, Role.VIEWER)
    both = member("bo", other_genebank, Role.VIEWER)
    root = UserFactory(username="root", is_superuser=True)
    for user in (both, root):
        page = client_for(user).get(reverse("accessions:mission_list"))
        assert b"JOR-M-OURS" in page.content and b"SYR-M-THEIRS" in page.content
