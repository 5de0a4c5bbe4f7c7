"""Reference records (institutes, people, crops, taxa) and users with roles, through their pages."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from genebank.core.models import Cooperator, Membership, Taxon

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["institutes", "cooperators", "crops", "taxa"])
def test_every_role_can_read_records(client_for, viewer, kind):
    assert client_for(viewer).get(reverse("reference_list", args=[kind])).status_code == 200


def test_unknown_kind_is_404(client_for, viewer):
    assert client_for(viewer).get("/records/nonsense/").status_code == 404


def test_curator_adds_a_collector_with_history(client_for, curator):
    c = client_for(curator)
    response = c.post(
        reverse("reference_create", args=["cooperators"]),
        {
            "name": "Fatima Al-Hassan",
            "is_collector": "on",
            "country": "JOR",
            "reason": "New team member",
        },
    )
    assert response.status_code == 302
    person = Cooperator.objects.get(name="Fatima Al-Hassan")
    assert person.history.latest().history_change_reason == "New team member"
    page = c.get(reverse("reference_edit", args=["cooperators", person.pk]))
    assert b"New team member" in page.content


def test_viewer_cannot_add_records(client_for, viewer):
    c = client_for(viewer)
    assert c.get(reverse("reference_create", args=["crops"])).status_code == 403
    assert c.post(reverse("reference_create", args=["crops"]), {"name": "Teff"}).status_code == 403


def test_taxon_spelling_checked(client_for, curator):
    response = client_for(curator).post(
        reverse("reference_create", args=["taxa"]), {"genus": "cicer", "species": "Arietinum"}
    )
    assert response.status_code == 200
    assert {"genus", "species"} <= set(response.context["form"].errors)
    assert not Taxon.objects.exists()


def test_institute_code_format(client_for, curator):
    response = client_for(curator).post(
        reverse("reference_create", args=["institutes"]),
        {"code": "jor15", "name": "X", "accession_digits": 0},
    )
    assert response.status_code == 200 and "code" in response.context["form"].errors


def test_administrator_manages_users(client_for, administrator, genebank):
    c = client_for(administrator)
    assert c.get(reverse("member_list")).status_code == 200
    response = c.post(
        reverse("member_list"),
        {
            "institute": genebank.pk,
            "username": "nour",
            "role": "technician",
            "password": "seeds-2024-ok",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="nour")
    assert membership.role == "technician"
    c.post(reverse("member_edit", args=[membership.pk]), {"role": "curator"})
    membership.refresh_from_db()
    assert membership.role == "curator"
    c.post(reverse("member_edit", args=[membership.pk]), {"deactivate": "1"})
    membership.refresh_from_db()
    # The role ends; the account stays (it may hold roles elsewhere).
    assert membership.is_active is False
    assert get_user_model().objects.get(username="nour").is_active is True


def test_only_administrators_manage_users(client_for, curator):
    assert client_for(curator).get(reverse("member_list")).status_code == 403


def test_administrator_cannot_lock_himself_out(client_for, administrator, genebank):
    own = Membership.objects.get(user=administrator)
    c = client_for(administrator)
    response = c.post(reverse("member_edit", args=[own.pk]), {"role": "viewer"})
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.role == "administrator"
