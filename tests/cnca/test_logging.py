"""Expected internet noise is logged as one quiet line, not as an ERROR with a traceback."""

import io
import logging

import pytest


@pytest.fixture
def quiet_stream():
    from cnca.logging import OneLineFormatter

    logger = logging.getLogger("django.security.DisallowedHost")
    handler = next(h for h in logger.handlers if isinstance(h.formatter, OneLineFormatter))
    stream = io.StringIO()
    saved = handler.setStream(stream)
    yield stream
    handler.setStream(saved)


@pytest.mark.django_db
def test_a_foreign_host_header_is_one_quiet_line(client, quiet_stream):
    response = client.get("/", headers={"Host": "evil.example.com"})

    assert response.status_code == 400
    logged = quiet_stream.getvalue()
    assert "Invalid HTTP_HOST header: 'evil.example.com'" in logged
    assert "Traceback" not in logged
    assert logged.count("\n") == 1
    # Nothing goes on to the root logger's handlers (the console, error alerting).
    assert logging.getLogger("django.security.DisallowedHost").propagate is False
