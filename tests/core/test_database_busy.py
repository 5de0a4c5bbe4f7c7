"""A write that waits too long for another (a long import) is answered with 503 and Retry-After,
not a 500: on SQLite ("database is locked") and on PostgreSQL (lock_timeout)."""

import contextlib
import json
import sqlite3

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse

from genebank.core.middleware import DatabaseBusyMiddleware, database_busy
from genebank.core.models import Crop

MESSAGE = "The database is busy with other work; try again in a moment."


@contextlib.contextmanager
def write_lock_held_elsewhere():
    """Another connection holds the write lock on crops; this one gives up after 0.2 s."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 200")
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        other = psycopg.connect(**connection.get_connection_params())
        other.execute("LOCK TABLE core_crop IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        other.rollback()
        other.close()
        connection.close()  # the next connection has the configured timeouts again


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_kept_waiting_is_a_503_page(client, superuser):
    client.force_login(superuser)
    with write_lock_held_elsewhere():
        response = client.post(reverse("reference_create", args=["crops"]), {"name": "Teff"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert MESSAGE in response.content.decode()
    assert not Crop.objects.filter(name="Teff").exists()
    # Once the other work is done, the same request goes through.
    response = client.post(reverse("reference_create", args=["crops"]), {"name": "Teff"})
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_gets_the_503_as_json(db):
    with write_lock_held_elsewhere(), pytest.raises(OperationalError) as caught:
        Crop.objects.create(name="Teff")
    assert database_busy(caught.value)
    middleware = DatabaseBusyMiddleware(lambda request: None)
    response = middleware.process_exception(
        RequestFactory().post("/api/v1/accessions/"), caught.value
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == {"detail": MESSAGE}


@pytest.mark.django_db
def test_other_database_errors_stay_errors():
    with pytest.raises(DatabaseError) as caught, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert not database_busy(caught.value)
    assert (
        DatabaseBusyMiddleware(lambda r: None).process_exception(
            RequestFactory().get("/"), caught.value
        )
        is None
    )
