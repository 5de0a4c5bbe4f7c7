"""Accounts: institute administrators manage roles at their institute, never other accounts;
passwords meet the validators; failed logins and role changes are in the security log."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from genebank.core import services
from genebank.core.models import Membership

pytestmark = pytest.mark.django_db
User = get_user_model()


def fresh(user):
    return User.objects.get(pk=user.pk)


def add(client, institute, **data):
    return client.post(reverse("member_list"), {"institute": institute.pk, **data})


def test_switching_off_a_role_leaves_the_account_and_its_other_roles(
    client_for, administrator, other_administrator, genebank, other_genebank
):
    # The administrator of the other institute gives adam (our administrator) a role there...
    c = client_for(other_administrator)
    response = add(c, other_genebank, username="adam", role="viewer")
    assert response.status_code == 302
    there = Membership.objects.get(user=administrator, institute=other_genebank)
    # ...and switches it off: adam keeps his account and his role here.
    c.post(reverse("member_edit", args=[there.pk]), {"deactivate": "1"})
    there.refresh_from_db()
    assert there.is_active is False
    assert fresh(administrator).is_active is True
    assert client_for(administrator).get(reverse("member_list")).status_code == 200


def test_a_switched_off_role_gives_nothing(client_for, administrator, technician, genebank):
    from genebank.core import permissions

    membership = Membership.objects.get(user=technician)
    services.set_active(membership, active=False, user=administrator)
    assert not permissions.can(fresh(technician), permissions.VIEW, genebank)
    services.set_active(membership, active=True, user=administrator)
    assert permissions.can(fresh(technician), permissions.VIEW, genebank)


def test_an_existing_account_gets_a_role_and_nothing_else(
    client_for, administrator, other_administrator, other_genebank
):
    c = client_for(other_administrator)
    for field, value in [
        ("password", "a-new-password-2024"),
        ("first_name", "Mallory"),
        ("email", "mallory@example.org"),
    ]:
        response = add(c, other_genebank, username="adam", role="viewer", **{field: value})
        assert response.status_code == 200
        assert "already has an account" in str(response.context["form"].errors)
    account = fresh(administrator)
    assert account.check_password("secret-pass-123")
    assert (account.first_name, account.email) == ("", "")
    assert not Membership.objects.filter(user=account, institute=other_genebank).exists()


def test_institute_administrators_do_not_touch_system_administrators(
    client_for, other_administrator, other_genebank, superuser
):
    c = client_for(other_administrator)
    response = add(c, other_genebank, username=superuser.username, role="viewer")
    assert response.status_code == 200
    assert "system administrator" in str(response.context["form"].errors)
    assert not Membership.objects.filter(user=superuser).exists()

    # A role that a system administrator gave them there is not theirs to switch off either.
    membership = Membership.objects.create(user=superuser, institute=other_genebank, role="viewer")
    response = c.post(reverse("member_edit", args=[membership.pk]), {"deactivate": "1"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.is_active and fresh(superuser).is_active


@pytest.mark.parametrize("password", ["12345678", "password", "short1", "vera-vera"])
def test_a_weak_password_is_refused_for_a_new_account(
    client_for, administrator, genebank, password
):
    response = add(
        client_for(administrator), genebank, username="vera-vera", role="viewer", password=password
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="vera-vera").exists()


def test_a_good_password_is_accepted(client_for, administrator, genebank):
    response = add(
        client_for(administrator),
        genebank,
        username="nour",
        role="viewer",
        password="lentil-harvest-1987",
    )
    assert response.status_code == 302
    assert User.objects.get(username="nour").check_password("lentil-harvest-1987")


def test_password_change_page(client_for, viewer):
    c = client_for(viewer)
    page = c.get(reverse("password_change"))
    assert page.status_code == 200
    # Linked from every page's user menu.
    assert reverse("password_change").encode() in c.get(reverse("home")).content

    weak = c.post(
        reverse("password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert weak.status_code == 200 and weak.context["form"].errors["new_password2"]
    assert fresh(viewer).check_password("secret-pass-123")

    wrong_old = c.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "barley-field-2031",
            "new_password2": "barley-field-2031",
        },
    )
    assert wrong_old.status_code == 200 and wrong_old.context["form"].errors["old_password"]

    done = c.post(
        reverse("password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "barley-field-2031",
            "new_password2": "barley-field-2031",
        },
    )
    assert done.status_code == 302
    assert fresh(viewer).check_password("barley-field-2031")
    # Still logged in after the change.
    assert c.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_password_change_page_in_every_language(client_for, viewer, language):
    c = client_for(viewer)
    page = c.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    assert f'lang="{language}"'.encode() in page.content


def test_only_the_owner_changes_a_password(administrator, viewer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.change_own_password(viewer, password="barley-field-2031", user=administrator)


def test_failed_login_is_logged_without_the_password(client, viewer, caplog):
    with caplog.at_level(logging.INFO, logger="genebank.security"):
        client.post(
            reverse("login"),
            {"username": "vera", "password": "guess-Number-7"},
            REMOTE_ADDR="203.0.113.9",
        )
    records = [r for r in caplog.records if r.name == "genebank.security"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert records[0].levelno == logging.WARNING
    assert "vera" in message and "203.0.113.9" in message
    assert "guess-Number-7" not in caplog.text


def test_role_changes_are_logged(client_for, administrator, technician, genebank, caplog):
    membership = Membership.objects.get(user=technician)
    c = client_for(administrator)
    with caplog.at_level(logging.INFO, logger="genebank.security"):
        c.post(reverse("member_edit", args=[membership.pk]), {"role": "curator"})
        c.post(reverse("member_edit", args=[membership.pk]), {"deactivate": "1"})
        add(c, genebank, username="nour", role="viewer", password="lentil-harvest-1987")
    lines = [r.getMessage() for r in caplog.records if r.name == "genebank.security"]
    assert lines == [
        "role changed: adam changed tariq at JOR015 from technician to curator",
        "role switched off: adam switched tariq's role at JOR015 off",
        "role given: adam gave nour the role viewer at JOR015",
    ]


def test_permission_denied_is_one_line_without_traceback(client_for, viewer, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(viewer).get(reverse("member_list"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text
