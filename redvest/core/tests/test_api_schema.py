"""Property-based API tests: schemathesis generates requests from our OpenAPI; none may be a 500."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from redvest.accounts.services import user_create
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.orgs.tests.factories import OrgTree

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def admin_token(client) -> str:  # type: ignore[no-untyped-def]
    tree = OrgTree()
    user = user_create(username="schema-admin", password="redvest-test-pw", phone="13700000000")
    RoleAssignmentFactory(user=user, role="org_admin", org=tree.county)
    response = client.post(
        "/api/v1/auth/token",
        {"username": "schema-admin", "password": "redvest-test-pw"},
        content_type="application/json",
    )
    return str(response.json()["token"])


@pytest.mark.django_db
@schema.exclude(path_regex=r"(export|template)").parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_500(case, admin_token) -> None:  # type: ignore[no-untyped-def]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {admin_token}"}
    # The real WSGI handler closes connections around each request; the test client avoids that, so do we.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = case.call()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    case.validate_response(response, checks=[not_a_server_error])
