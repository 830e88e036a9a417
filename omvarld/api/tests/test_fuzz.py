"""Schemathesis fuzzes every read endpoint from the OpenAPI description: no server error, and every
response matches the schema it promises."""

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from omvarld.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """The real WSGI handler closes database connections after each request, which would end the
    test's transaction on PostgreSQL; Django's own test client switches this off the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_data(db, django_db_blocker):
    from pathlib import Path

    from omvarld.demo.loader import load_demo

    load_demo(Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml", with_users=False)
    cache.clear()


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_read_endpoints_hold_their_contract(case, fuzz_data):
    case.call_and_validate(
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
    )


@pytest.mark.django_db
@schema.include(method="POST").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_write_endpoints_refuse_without_a_token(case):
    response = case.call()
    # Schemathesis also tries other methods on the same path; those get 405.
    assert response.status_code == (401 if case.method == "POST" else 405)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
