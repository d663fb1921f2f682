"""转移接续 inside one deployment: who may ask, decide and withdraw, what moves (the org) and what stays
(number, records, history), per role, through the services and /api/v1/volunteers/transfers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import org_node
from redvest.records.selectors import ranking, transferred_records
from redvest.records.tests.factories import post_record
from redvest.teams.models import Membership
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.errors import TransferDecided, TransferInvalid, TransferPending
from redvest.volunteers.models import TransferStatus, Volunteer, VolunteerTransfer
from redvest.volunteers.selectors import transfer_list, transfers_pending_count
from redvest.volunteers.services import transfer_decide, transfer_request, transfer_withdraw, volunteer_register
from redvest.volunteers.tests.conftest import Ledger
from redvest.volunteers.tests.factories import VolunteerTransferFactory, member_of, person

pytestmark = pytest.mark.django_db
URL = "/api/v1/volunteers/transfers"


@dataclass
class Move:
    """A volunteer of 雉城街道 (长兴县) with a login, moving to 递铺街道 in another county (安吉县)."""

    ledger: Ledger
    volunteer: Volunteer
    self_user: User
    other_county: OrgNode
    target: OrgNode
    receiving_admin: User


@pytest.fixture
def move(ledger: Ledger) -> Move:
    other_county = org_node(name="安吉县", kind=OrgKind.ORG_DEPT, code="330523")
    target = org_node(name="递铺街道", kind=OrgKind.TOWN, parent=other_county)
    tree = ledger.tree
    for node in (tree.county, tree.town_a, tree.town_b, tree.community_a):
        node.refresh_from_db()  # a new root sorts before 长兴县 and renumbers its subtree's paths
    receiving_admin = UserFactory(username="anji_admin")
    RoleAssignmentFactory(user=receiving_admin, org=other_county, role=Role.ORG_ADMIN)
    self_user = UserFactory(username="mover")
    volunteer = member_of(ledger.team_a, user=self_user)
    return Move(ledger, volunteer, self_user, other_county, target, receiving_admin)


def _ask(m: Move, actor: User | None = None) -> VolunteerTransfer:
    return transfer_request(actor=actor or m.ledger.admin_a, volunteer=m.volunteer, to_org=m.target, reason="工作调动")


# ---- services -----------------------------------------------------------------------------------


def test_sending_admin_asks_and_receiving_admin_accepts_keeping_number_and_ending_old_teams(move: Move) -> None:
    number = move.volunteer.number
    transfer = _ask(move)
    assert transfer.status == TransferStatus.PENDING and transfer.from_org == move.ledger.tree.town_a
    transfer_decide(actor=move.receiving_admin, transfer=transfer, accept=True)
    move.volunteer.refresh_from_db()
    transfer.refresh_from_db()
    assert move.volunteer.org == move.target and move.volunteer.number == number
    assert transfer.status == TransferStatus.ACCEPTED and transfer.decided_by == move.receiving_admin
    membership = Membership.objects.get(volunteer=move.volunteer)
    assert membership.left_at is not None and membership.left_reason.startswith("转移接续")
    assert (
        AuditEntry.objects.filter(target_type__endswith="volunteertransfer").count() >= 3
    )  # asked, decided (both sides)
    assert AuditEntry.objects.filter(target_type__endswith=".volunteer", after__org="递铺街道").exists()


def test_volunteer_asks_from_their_own_record(move: Move) -> None:
    transfer = _ask(move, actor=move.self_user)
    assert transfer.requested_by == move.self_user


def test_unrelated_admin_cannot_ask_or_decide(move: Move) -> None:
    with pytest.raises(PermissionDenied):
        _ask(move, actor=move.ledger.admin_b)
    transfer = _ask(move)
    with pytest.raises(PermissionDenied):
        transfer_decide(actor=move.ledger.admin_b, transfer=transfer, accept=True)
    with pytest.raises(PermissionDenied):  # the sending side does not accept for the receiving side
        transfer_decide(actor=move.ledger.admin_a, transfer=transfer, accept=True)


def test_refusal_needs_a_reason_and_leaves_the_volunteer_where_they_were(move: Move) -> None:
    transfer = _ask(move)
    with pytest.raises(TransferInvalid) as caught:
        transfer_decide(actor=move.receiving_admin, transfer=transfer, accept=False, note=" ")
    assert caught.value.errors == {"note": "请填写拒绝理由"}
    transfer_decide(actor=move.receiving_admin, transfer=transfer, accept=False, note="编制已满")
    move.volunteer.refresh_from_db()
    assert move.volunteer.org == move.ledger.tree.town_a
    assert VolunteerTransfer.objects.get().decision_note == "编制已满"


def test_second_pending_request_is_rejected_and_a_decided_one_cannot_change(move: Move) -> None:
    transfer = _ask(move)
    with pytest.raises(TransferPending):
        _ask(move, actor=move.self_user)
    transfer_withdraw(actor=move.ledger.admin_a, transfer=transfer)
    assert VolunteerTransfer.objects.get().status == TransferStatus.WITHDRAWN
    with pytest.raises(TransferDecided):
        transfer_decide(actor=move.receiving_admin, transfer=transfer, accept=True)
    assert _ask(move).status == TransferStatus.PENDING  # a new request after the withdrawal


def test_receiving_admin_cannot_withdraw(move: Move) -> None:
    transfer = _ask(move)
    with pytest.raises(PermissionDenied):
        transfer_withdraw(actor=move.receiving_admin, transfer=transfer)


def test_request_names_bad_fields(move: Move) -> None:
    with pytest.raises(TransferInvalid) as caught:
        transfer_request(actor=move.ledger.admin_a, volunteer=move.volunteer, to_org=move.ledger.tree.town_a, reason="")
    assert caught.value.errors == {"to_org": "转入组织不能是当前所属组织", "reason": "请填写申请原因"}


def test_each_side_sees_its_transfers_and_an_unrelated_admin_none(move: Move) -> None:
    _ask(move)
    assert transfer_list(user=move.ledger.admin_a).count() == 1  # sending side
    assert transfer_list(user=move.ledger.county_admin).count() == 1
    assert transfer_list(user=move.receiving_admin).count() == 1  # receiving side
    assert transfer_list(user=move.self_user).count() == 1  # the volunteer
    assert transfer_list(user=move.ledger.admin_b).count() == 0  # unrelated
    assert transfers_pending_count(user=move.receiving_admin) == 1
    assert transfers_pending_count(user=move.ledger.admin_a) == 0


def test_registering_someone_registered_in_another_subtree_points_to_transfer(move: Move) -> None:
    data = person(7)
    volunteer_register(actor=move.ledger.admin_a, org=move.ledger.tree.town_a, team=move.ledger.team_a, data=data)
    with pytest.raises(ValidationFailed) as caught:
        volunteer_register(
            actor=move.receiving_admin, org=move.target, team=TeamFactory(org=move.target, name="递铺先锋队"), data=data
        )
    message = caught.value.errors["id_number"]
    assert message.startswith("该身份证号已在 雉**道 登记，一人只能登记一次") and "转移接续" in message


# ---- credit stays where it was earned -----------------------------------------------------------


def test_hours_before_the_transfer_stay_with_the_sending_org(move: Move) -> None:
    day = datetime.date(2026, 3, 5)
    post_record(volunteer=move.volunteer, minutes=120, served_on=day)
    transfer_decide(actor=move.receiving_admin, transfer=_ask(move), accept=True)
    move.volunteer.refresh_from_db()
    post_record(volunteer=move.volunteer, minutes=30, served_on=datetime.date(2026, 4, 5))
    assert ranking(user=move.ledger.admin_a, org=move.ledger.tree.town_a, year=2026).get().minutes == 120
    assert ranking(user=move.receiving_admin, org=move.other_county, year=2026).get().minutes == 30
    seen = transferred_records(user=move.receiving_admin, volunteer_id=move.volunteer.pk)
    assert [(p.org_name, p.credit_minutes, p.first_day) for p in seen.transferred] == [("雉城街道", 120, day)]
    assert [p.credit_minutes for p in seen.here] == [30]
    assert seen.credit_minutes == 150  # the person's own total stays whole


# ---- API ----------------------------------------------------------------------------------------


def _client(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_api_sending_admin_creates_and_receiving_admin_accepts(client: Client, move: Move) -> None:
    c = _client(client, move.ledger.admin_a)
    body = {"volunteer": move.volunteer.pk, "to_org": move.target.pk, "reason": "工作调动"}
    response = c.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "pending" and created["to_org_name"] == "递铺街道"
    c = _client(client, move.receiving_admin)
    listed = c.get(URL, {"incoming": True}).json()
    assert [t["id"] for t in listed["items"]] == [created["id"]]
    response = c.post(f"{URL}/{created['id']}/accept", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    move.volunteer.refresh_from_db()
    assert move.volunteer.org == move.target


def test_api_bad_input_is_422_naming_the_field_and_writes_nothing(client: Client, move: Move) -> None:
    c = _client(client, move.ledger.admin_a)
    response = c.post(
        URL, {"volunteer": move.volunteer.pk, "to_org": 999999, "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"] == {"to_org": "转入组织不存在"}
    response = c.post(
        URL, {"volunteer": move.volunteer.pk, "to_org": move.target.pk, "reason": ""}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"] == {"reason": "请填写申请原因"}
    response = c.post(URL, {"volunteer": "abc", "to_org": move.target.pk}, content_type="application/json")
    assert response.status_code == 422 and "volunteer" in response.json()["errors"]
    assert not VolunteerTransfer.objects.exists()


def test_api_refusal_without_reason_is_422(client: Client, move: Move) -> None:
    transfer = _ask(move)
    c = _client(client, move.receiving_admin)
    response = c.post(f"{URL}/{transfer.pk}/refuse", {"note": ""}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"] == {"note": "请填写拒绝理由"}
    response = c.post(f"{URL}/{transfer.pk}/refuse", {"note": "编制已满"}, content_type="application/json")
    assert response.json()["status"] == "refused"


def test_api_unrelated_admin_sees_nothing_and_cannot_act(client: Client, move: Move) -> None:
    transfer = _ask(move)
    c = _client(client, move.ledger.admin_b)
    assert c.get(URL).json()["count"] == 0
    assert c.get(f"{URL}/{transfer.pk}").status_code == 404
    assert c.post(f"{URL}/{transfer.pk}/accept", {}, content_type="application/json").status_code == 404
    body = {"volunteer": move.volunteer.pk, "to_org": move.ledger.tree.town_b.pk, "reason": "调动"}
    assert c.post(URL, body, content_type="application/json").status_code == 422  # not a volunteer they see


def test_api_volunteer_asks_for_themself_and_withdraws(client: Client, move: Move) -> None:
    c = _client(client, move.self_user)
    body = {"volunteer": move.volunteer.pk, "to_org": move.target.pk, "reason": "迁居"}
    created = c.post(URL, body, content_type="application/json").json()
    assert c.post(f"{URL}/{created['id']}/accept", {}, content_type="application/json").status_code == 403
    response = c.post(f"{URL}/{created['id']}/withdraw", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_transfer_list_query_count_does_not_grow(client: Client, move: Move) -> None:
    c = _client(client, move.receiving_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(URL).status_code == 200
        return len(ctx.captured_queries)

    _ask(move)
    one = count()
    for _ in range(9):
        volunteer = member_of(move.ledger.team_a)
        VolunteerTransferFactory(volunteer=volunteer, to_org=move.target)
    assert c.get(URL).json()["count"] == 10
    assert count() == one


def test_transfer_pages_render_for_each_side(client: Client, move: Move) -> None:
    transfer = _ask(move)
    c = _client(client, move.receiving_admin)
    page = c.get("/volunteers/transfers/?incoming=1")
    assert page.status_code == 200 and "接收" in page.content.decode()
    assert c.post(f"/volunteers/transfers/{transfer.pk}/decision/", {"accept": "0", "note": ""}).status_code == 422
    c = _client(client, move.self_user)
    assert f"/volunteers/{move.volunteer.pk}/transfer/" in c.get("/accounts/profile/").content.decode()  # 我的
    form = c.get(f"/volunteers/{move.volunteer.pk}/transfer/", {"q": "递铺"})
    assert "递铺街道" in form.content.decode()
