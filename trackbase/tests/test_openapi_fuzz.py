"""Every operation in the OpenAPI schema, fed generated and malformed input: never a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def fuzz_headers(admin_user):
    """Admin credentials reach the deepest code paths; other personas are covered by the API tests."""
    from trackbase.conftest import client_for

    return {"Authorization": client_for(admin_user)._credentials["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db(databases=["default", "analytics"])
def test_it_never_answers_with_a_server_error(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=[not_a_server_error])
