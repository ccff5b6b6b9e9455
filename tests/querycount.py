"""Counting the queries of a page, for the tests that bound them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of_get(client, url):
    """The number of queries of a second GET of ``url`` (the first warms caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)
