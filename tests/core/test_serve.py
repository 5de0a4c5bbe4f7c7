"""`genebank serve` refuses an address other machines reach while a demo account keeps the
published demo password."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command

from genebank.accessions.demo import DEMO_PASSWORD
from genebank.core.management.commands.serve import is_loopback
from genebank.home.demo import accounts_with_the_demo_password
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("genebank.example.org", False),
    ],
)
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def demo_account(username, password=DEMO_PASSWORD, **fields):
    user = UserFactory(username=username)
    user.password = make_password(password)
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    return user


@pytest.mark.django_db
def test_serving_to_the_network_with_a_demo_password_is_refused():
    demo_account("admin", is_superuser=True)
    demo_account("curator")
    with pytest.raises(CommandError) as refused:
        call_command("serve", host="0.0.0.0", port=8999)
    message = str(refused.value)
    assert "admin, curator" in message
    assert "genebank createsuperuser" in message
    assert "genebank changepassword" in message


@pytest.mark.django_db
def test_changed_or_switched_off_demo_accounts_pass():
    demo_account("admin", password="a-private-password-1")
    demo_account("curator", is_active=False)
    demo_account("someone", password=DEMO_PASSWORD)  # not a demo account: not checked
    assert accounts_with_the_demo_password() == []
