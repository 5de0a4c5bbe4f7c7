"""`/accessions/next-number/?institute=...`: a number, or a message with a client error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("institute", ["abc", "", "1.5", "99999", "99999999999999999999999"])
def test_not_a_known_institute_is_400_with_a_message(client_for, technician, genebank, institute):
    response = client_for(technician).get(
        reverse("accessions:next_number"), {"institute": institute}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "No such institute."


def test_no_institute_at_all_is_400(client_for, technician, genebank):
    assert client_for(technician).get(reverse("accessions:next_number")).status_code == 400


def test_an_institute_where_the_user_may_not_register_is_403(
    client_for, viewer, technician, genebank, other_genebank
):
    url = reverse("accessions:next_number")
    response = client_for(technician).get(url, {"institute": other_genebank.pk})
    assert response.status_code == 403 and response.json()["error"]
    # A viewer may see the genebank's accessions but not register one.
    assert client_for(viewer).get(url, {"institute": genebank.pk}).status_code == 403


def test_the_number_for_an_institute_where_the_user_registers(client_for, technician, genebank):
    response = client_for(technician).get(
        reverse("accessions:next_number"), {"institute": genebank.pk}
    )
    assert response.json() == {"number": "JO-000001"}
