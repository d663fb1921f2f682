"""转移接续: a person moving in through the data exchange keeps their volunteer number when it is free."""

from __future__ import annotations

import pytest

from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.teams.tests.factories import org_admin_at
from redvest.volunteers.models import VolunteerStatus
from redvest.volunteers.services import volunteer_transfer_in
from redvest.volunteers.tests.factories import VolunteerFactory, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():  # type: ignore[no-untyped-def]
    return org_node(name="安吉县", kind=OrgKind.ORG_DEPT, code="330523")


def test_number_is_kept_when_free(county) -> None:  # type: ignore[no-untyped-def]
    volunteer = volunteer_transfer_in(
        actor=org_admin_at(county), org=county, data=person(1), number="3305222020000007", source="长兴县"
    )
    assert volunteer.number == "3305222020000007"
    assert volunteer.status == VolunteerStatus.REGISTERED
    assert volunteer.status_changes.get().reason == "转移接续：长兴县"


def test_a_taken_number_gets_a_new_one(county) -> None:  # type: ignore[no-untyped-def]
    VolunteerFactory(org=county, number="3305222020000007")
    volunteer = volunteer_transfer_in(
        actor=org_admin_at(county), org=county, data=person(2), number="3305222020000007", source="长兴县"
    )
    assert volunteer.number != "3305222020000007"
    assert volunteer.number.startswith("330523")


def test_a_registered_id_number_is_refused(county) -> None:  # type: ignore[no-untyped-def]
    admin = org_admin_at(county)
    volunteer_transfer_in(actor=admin, org=county, data=person(3), number="A1", source="长兴县")
    with pytest.raises(ValidationFailed) as exc:
        volunteer_transfer_in(actor=admin, org=county, data=person(3), number="A2", source="长兴县")
    assert "id_number" in exc.value.errors


def test_only_admins_of_the_node_transfer_in(county) -> None:  # type: ignore[no-untyped-def]
    town = org_node(name="递铺街道", kind=OrgKind.TOWN, parent=county)
    with pytest.raises(PermissionDenied):
        volunteer_transfer_in(actor=org_admin_at(town), org=county, data=person(4), number="A3", source="长兴县")
