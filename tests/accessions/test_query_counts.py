"""The list and the accession page use the same small number of queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    AccessionFactory,
    AccessionNameFactory,
    CollectingEventFactory,
    CooperatorFactory,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def make(genebank, n, names=1):
    for _ in range(n):
        a = AccessionFactory(institute=genebank)
        for _ in range(names):
            AccessionNameFactory(accession=a)
        event = CollectingEventFactory(accession=a)
        event.collectors.add(CooperatorFactory(), CooperatorFactory())


def test_list_query_count_is_constant(client_for, viewer, genebank):
    c = client_for(viewer)
    make(genebank, 3)
    small = count_queries(c, reverse("accessions:list"))
    make(genebank, 40, names=3)
    large = count_queries(c, reverse("accessions:list"))
    assert small == large
    assert large <= 12


def test_detail_query_count_is_constant(client_for, viewer, genebank):
    c = client_for(viewer)
    a = AccessionFactory(institute=genebank)
    CollectingEventFactory(accession=a)
    few = count_queries(c, reverse("accessions:detail", args=[a.pk]))
    b = AccessionFactory(institute=genebank)
    for _ in range(8):
        AccessionNameFactory(accession=b)
    event = CollectingEventFactory(accession=b)
    event.collectors.add(*[CooperatorFactory() for _ in range(6)])
    many = count_queries(c, reverse("accessions:detail", args=[b.pk]))
    assert few == many
    assert many <= 20
