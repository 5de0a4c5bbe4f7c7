"""Shared fixtures: a holding genebank and one persona per role (alice the curator, ...)."""

import pytest
from django.utils import translation

from genebank.core.models import Role
from tests.factories import InstituteFactory, member


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in French or Arabic leaves its language active in the thread: reset it after."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """Queued jobs run at once, in the test's thread and transaction; the tests of the queue
    itself run real workers (tests/core/test_jobs.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def genebank(db):
    return InstituteFactory(
        code="JOR015", name="National Agricultural Research Center", acronym="NARC"
    )


@pytest.fixture
def other_genebank(db):
    return InstituteFactory(
        code="SYR002", name="Other genebank", acronym="OTH", accession_prefix="IG "
    )


@pytest.fixture
def viewer(genebank):
    return member("vera", genebank, Role.VIEWER)


@pytest.fixture
def technician(genebank):
    return member("tariq", genebank, Role.TECHNICIAN)


@pytest.fixture
def curator(genebank):
    return member("alice", genebank, Role.CURATOR)


@pytest.fixture
def distribution_officer(genebank):
    return member("dina", genebank, Role.DISTRIBUTION_OFFICER)


@pytest.fixture
def administrator(genebank):
    return member("adam", genebank, Role.ADMINISTRATOR)


@pytest.fixture
def client_for(client):
    """client_for(user) logs the test client in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
