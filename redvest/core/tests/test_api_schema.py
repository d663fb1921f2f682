"""Property-based API tests: schemathesis generates requests from our whole OpenAPI (valid and invalid:
nulls, wrong types, values at and beyond each bound); none may be a 500.

The rows are seeded once for the module (a county tree, a submitted quarterly report, an activity,
a reward item, a team and brand, a volunteer, a care recipient, a demand request, an award campaign,
an exemplar) and rolled back at its end; each operation's examples also run in their own rolled-back
transaction. Path ids are drawn from the seeded rows of their kind (or any id), so the fuzzing
reaches the handlers behind the 404s. `make test` runs this on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from redvest.accounts.models import Role
from redvest.accounts.services import user_create
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.activities.tests.factories import ActivityFactory
from redvest.awards.tests.factories import AwardCampaignFactory
from redvest.care.tests.factories import CareRecipientFactory
from redvest.demand.tests.factories import ServiceRequestFactory
from redvest.points.tests.factories import RewardItemFactory
from redvest.publicity.tests.factories import ExemplarFactory
from redvest.reports.models import FigureKey
from redvest.reports.services import FigureInput, report_open, report_submit, report_update
from redvest.reports.tests.factories import ReportTree
from redvest.teams.tests.factories import BrandProjectFactory, TeamFactory
from redvest.volunteers.tests.factories import VolunteerFactory

# Random examples per operation, on top of schemathesis' coverage phase, which already sends each
# parameter's bounds, just beyond them, null and wrong types (about 50 requests an operation, 256
# operations). API_FUZZ_EXAMPLES raises it for a longer hunt.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

SEEDED: dict[str, list[int]] = {}  # path parameter name -> ids of seeded rows


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Mostly a seeded row of the parameter's kind, sometimes the generated id (a missing row)."""
    choices = {
        name: st.sampled_from(SEEDED[name]) | st.just(value) if name in SEEDED else st.just(value)
        for name, value in (path_parameters or {}).items()
    }
    return st.fixed_dictionaries(choices) if choices else st.just(path_parameters)


def _seed() -> dict[str, list[int]]:
    tree = ReportTree()
    admin = user_create(username="schema-admin", password="redvest-test-pw", phone="13700000000")
    RoleAssignmentFactory(user=admin, role=Role.ORG_ADMIN, org=tree.county)
    report = report_open(actor=tree.community_admin, org=tree.party_a, year=2026, quarter=3)
    report_update(
        actor=tree.community_admin,
        report=report,
        highlights="暑期助学",
        figures={FigureKey.ACTIVITIES: FigureInput(6, "线下")},
    )
    report_submit(
        actor=tree.community_admin,
        report=report,
        now=datetime.datetime(2026, 9, 20, 2, tzinfo=datetime.UTC),
    )
    team = TeamFactory(org=tree.community_a)
    brand = BrandProjectFactory(owner=tree.town_a)
    brand.teams.add(team)
    volunteer = VolunteerFactory(org=tree.community_a)
    activity = ActivityFactory(org=tree.town_a)
    item = RewardItemFactory(org=tree.community_a)
    recipient = CareRecipientFactory(org=tree.community_a)
    request = ServiceRequestFactory(area=tree.community_a)
    campaign = AwardCampaignFactory(org=tree.county)
    exemplar = ExemplarFactory(org=tree.community_a)
    nodes = [tree.county.pk, tree.town_a.pk, tree.community_a.pk, tree.party_a.pk]
    return {
        "node_id": nodes,
        "org_id": nodes,
        "report_id": [report.pk],
        "team_id": [team.pk],
        "brand_id": [brand.pk],
        "volunteer_id": [volunteer.pk],
        "activity_id": [activity.pk],
        "item_id": [item.pk],
        "recipient_id": [recipient.pk],
        "request_id": [request.pk],
        "campaign_id": [campaign.pk],
        "exemplar_id": [exemplar.pk],
    }


@pytest.fixture(scope="module")
def admin_token(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The seeded rows live in a module-wide transaction (like TestCase.setUpTestData), rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # a test's wrapper, not the code's own transaction
        outer.__enter__()
        try:
            SEEDED.update(_seed())
            response = Client().post(
                "/api/v1/auth/token",
                {"username": "schema-admin", "password": "redvest-test-pw"},
                content_type="application/json",
            )
            yield str(response.json()["token"])
        finally:
            SEEDED.clear()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
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
