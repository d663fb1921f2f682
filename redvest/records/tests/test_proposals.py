"""Hours cannot be inflated by one person: adding credit minutes is a proposal with evidence that an org admin
strictly above the activity's organiser node approves; corrections stay within the activity's planned length;
every correction is flagged for review; honour grants are offered to admins only and likely duplicates need
confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.activities.models import ServiceCategory
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied
from redvest.core.models import Notification
from redvest.core.navigation import entries_for
from redvest.records.errors import (
    CorrectionNeedsApproval,
    CorrectionTooLong,
    EvidenceRequired,
    LikelyDuplicateGrant,
    ProposalClosed,
    ProposalPending,
    SelfApproval,
    SelfReview,
)
from redvest.records.models import (
    Anomaly,
    AnomalyKind,
    AnomalyStatus,
    CorrectionProposal,
    ProposalStatus,
    RecordKind,
    RecordSource,
    ServiceRecord,
    ServiceTotal,
)
from redvest.records.services import (
    anomaly_resolve,
    correction_approve,
    correction_propose,
    correction_reject,
    honour_grant,
    record_correct,
)
from redvest.records.tests.conftest import World, ended_activity
from redvest.records.tests.factories import png_upload, post_record
from redvest.records.tests.test_views import assert_constant_queries
from redvest.volunteers.tests.factories import VolunteerFactory

BASE = "/api/v1/records"


def _credit(volunteer: Any, year: int) -> int:
    row = ServiceTotal.objects.filter(volunteer=volunteer, year=year, kind=RecordKind.CREDIT).first()
    return row.minutes if row else 0


@pytest.fixture
def county_admin(w: World) -> User:
    """An org admin strictly above town_a, where the team and its activity hang."""
    user = UserFactory(name="县管理员")
    RoleAssignmentFactory(user=user, role=Role.ORG_ADMIN, org=w.tree.county)
    return user


def _propose(w: World, record: ServiceRecord, minutes: int = 110, **kw: Any) -> CorrectionProposal:
    args: dict[str, Any] = {
        "actor": w.leader_user,
        "record": record,
        "minutes": minutes,
        "reason": "签退漏记",
        "evidence_note": "签到表显示全程在场",
    }
    args.update(kw)
    return correction_propose(**args)


# ---- adding credit: proposal, evidence, approval from above ---------------------------------------


def test_leader_cannot_add_credit_minutes_at_once(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=1, activity=w.activity)
    with pytest.raises(CorrectionNeedsApproval):
        record_correct(actor=w.leader_user, record=record, minutes=110, reason="签退漏记")
    assert ServiceRecord.objects.count() == 1
    assert _credit(w.volunteer, record.served_on.year) == 1


def test_one_to_180_minutes_posts_nothing_until_an_admin_above_approves(w: World, county_admin: User) -> None:
    activity = ended_activity(org=w.tree.town_a, team=w.team, duration_hours=3)
    record = post_record(volunteer=w.volunteer, minutes=1, activity=activity)
    year = record.served_on.year
    proposal = _propose(w, record, minutes=180, evidence=png_upload("签到表.png"), evidence_note="")
    assert proposal.status == ProposalStatus.PENDING and proposal.anchor_org == w.tree.town_a
    assert _credit(w.volunteer, year) == 1 and ServiceRecord.objects.count() == 1
    assert Notification.objects.filter(recipient=county_admin, title="服务时长更正待审批").exists()

    correction_approve(actor=county_admin, proposal=proposal, note="核实签到表")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.APPROVED, county_admin)
    assert proposal.correction is not None and proposal.correction.minutes == 180
    assert ServiceRecord.objects.get(reverses=record).minutes == -1
    assert _credit(w.volunteer, year) == 180
    assert proposal.correction.created_by == county_admin and bool(proposal.correction.evidence)
    flag = Anomaly.objects.get(kind=AnomalyKind.CORRECTION, record=proposal.correction)
    assert flag.status == AnomalyStatus.OPEN and "申请人 负责人" in flag.detail
    assert AuditEntry.objects.filter(target_type="records.correctionproposal", action="update").exists()
    assert Notification.objects.filter(recipient=w.leader_user, title="更正申请已批准").exists()


def test_a_proposal_needs_evidence_a_file_or_a_description(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
    with pytest.raises(EvidenceRequired):
        _propose(w, record, evidence_note="  ")
    assert not CorrectionProposal.objects.exists()
    assert _propose(w, record, evidence_note="", evidence=png_upload()).evidence


def test_the_proposer_cannot_approve_even_as_an_admin_above(w: World) -> None:
    RoleAssignmentFactory(user=w.leader_user, role=Role.ORG_ADMIN, org=w.tree.county)
    proposal = _propose(w, post_record(volunteer=w.volunteer, minutes=30, activity=w.activity))
    with pytest.raises(SelfApproval):
        correction_approve(actor=w.leader_user, proposal=proposal, note="自己批")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING and ServiceRecord.objects.count() == 1


@pytest.mark.parametrize("who", ["admin_user", "other_admin_user", "other_leader_user", "volunteer_user"])
def test_only_an_org_admin_strictly_above_may_decide(w: World, who: str) -> None:
    """admin_user administers town_a itself: they see the proposal but do not decide it."""
    proposal = _propose(w, post_record(volunteer=w.volunteer, minutes=30, activity=w.activity))
    for decide in (correction_approve, correction_reject):
        with pytest.raises(PermissionDenied):
            decide(actor=getattr(w, who), proposal=proposal, note="越权")
    assert ServiceRecord.objects.count() == 1


def test_rejecting_keeps_the_ledger_and_tells_the_proposer(w: World, county_admin: User) -> None:
    record = post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
    proposal = _propose(w, record)
    correction_reject(actor=county_admin, proposal=proposal, note="签到表不支持")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == (ProposalStatus.REJECTED, "签到表不支持")
    assert ServiceRecord.objects.count() == 1 and _credit(w.volunteer, record.served_on.year) == 30
    assert Notification.objects.filter(recipient=w.leader_user, title="更正申请已驳回").exists()
    with pytest.raises(ProposalClosed):
        correction_approve(actor=county_admin, proposal=proposal, note="改判")


def test_a_second_pending_proposal_on_one_record_is_refused(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
    _propose(w, record)
    with pytest.raises(ProposalPending):
        _propose(w, record, minutes=100)


# ---- the planned length, and a review flag for every correction -----------------------------------


@pytest.mark.parametrize("route", ["correct", "propose"])
def test_a_correction_beyond_the_activitys_planned_length_is_refused(w: World, route: str) -> None:
    record = post_record(volunteer=w.volunteer, minutes=1, activity=w.activity)  # the activity runs 120 minutes
    with pytest.raises(CorrectionTooLong) as caught:
        if route == "correct":
            record_correct(actor=w.admin_user, record=record, minutes=180, reason="多记")
        else:
            _propose(w, record, minutes=180)
    assert caught.value.message == "更正后的时长不能超过活动计划时长（开始至结束）120 分钟"
    assert ServiceRecord.objects.count() == 1 and not CorrectionProposal.objects.exists()


def test_reducing_credit_applies_at_once_with_a_review_flag_the_corrector_cannot_clear(w: World) -> None:
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    result = record_correct(actor=w.leader_user, record=record, minutes=60, reason="早退")
    assert _credit(w.volunteer, record.served_on.year) == 60
    flag = Anomaly.objects.get(kind=AnomalyKind.CORRECTION)
    assert flag.record == result.correction and "由 120 分钟更正为 60 分钟" in flag.detail
    with pytest.raises(SelfReview):
        anomaly_resolve(actor=w.leader_user, anomaly=flag, action="clear", note="属实")
    anomaly_resolve(actor=w.admin_user, anomaly=flag, action="clear", note="核实属实")
    flag.refresh_from_db()
    assert flag.status == AnomalyStatus.CLEARED


def test_the_proposer_cannot_clear_the_flag_of_their_approved_correction(w: World, county_admin: User) -> None:
    proposal = _propose(w, post_record(volunteer=w.volunteer, minutes=30, activity=w.activity))
    correction_approve(actor=county_admin, proposal=proposal, note="同意")
    flag = Anomaly.objects.get(kind=AnomalyKind.CORRECTION)
    for person in (w.leader_user, county_admin):
        with pytest.raises(SelfReview):
            anomaly_resolve(actor=person, anomaly=flag, action="clear", note="属实")


# ---- honour hours: likely duplicates ---------------------------------------------------------------


def _honour(actor: User, w: World, reason: str = "抗洪抢险表现突出", **kw: Any) -> ServiceRecord:
    return honour_grant(
        actor=actor,
        volunteer=w.volunteer,
        minutes=600,
        category=ServiceCategory.EMERGENCY,
        served_on=timezone.localdate(),
        reason=reason,
        evidence=png_upload("表彰.png"),
        **kw,
    )


def test_a_second_grant_for_the_same_date_and_deed_by_another_admin_is_refused(w: World, county_admin: User) -> None:
    first = _honour(w.admin_user, w)
    with pytest.raises(LikelyDuplicateGrant) as caught:
        _honour(county_admin, w, reason="抗洪抢险中表现突出")
    assert caught.value.status == 409 and f"记录 #{first.pk}" in caught.value.message
    assert ServiceRecord.objects.filter(kind=RecordKind.HONOUR).count() == 1


def test_a_confirmed_duplicate_is_granted_and_flagged_for_review(w: World, county_admin: User) -> None:
    first = _honour(w.admin_user, w)
    second = _honour(county_admin, w, confirm_duplicate=True)
    flag = Anomaly.objects.get(kind=AnomalyKind.DUPLICATE_HONOUR)
    assert flag.record == second and f"#{first.pk}" in flag.detail


def test_grants_for_another_deed_or_by_the_same_admin_are_not_duplicates(w: World, county_admin: User) -> None:
    _honour(w.admin_user, w)
    _honour(county_admin, w, reason="社区疫苗接种志愿服务")
    _honour(w.admin_user, w, reason="抗洪抢险表现突出，第二阶段")
    assert ServiceRecord.objects.filter(kind=RecordKind.HONOUR).count() == 3
    assert not Anomaly.objects.filter(kind=AnomalyKind.DUPLICATE_HONOUR).exists()


# ---- pages ---------------------------------------------------------------------------------------


def _ok(response: Any) -> str:
    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    return body


def test_a_leader_gets_403_on_the_honour_form_and_no_link_to_it(w: World, client: Client) -> None:
    client.force_login(w.leader_user)
    response = client.get(reverse("records:honour-grant"))
    assert response.status_code == 403 and "只有组织管理员可以授予荣誉时数" in response.content.decode()
    assert reverse("records:honour-grant") not in _ok(client.get(reverse("records:record-list")))
    client.force_login(w.admin_user)
    assert reverse("records:honour-grant") in _ok(client.get(reverse("records:record-list")))
    _ok(client.get(reverse("records:honour-grant")))


def test_the_honour_form_asks_to_confirm_a_likely_duplicate(w: World, client: Client, county_admin: User) -> None:
    first = _honour(w.admin_user, w)
    client.force_login(county_admin)
    data = {
        "volunteer_number": w.volunteer.number,
        "minutes": 600,
        "category": ServiceCategory.EMERGENCY,
        "served_on": timezone.localdate().isoformat(),
        "reason": "抗洪抢险表现突出",
    }
    response = client.post(reverse("records:honour-grant"), {**data, "evidence": png_upload()})
    assert response.status_code == 409 and f"记录 #{first.pk}" in response.content.decode()
    assert "确认不是重复" in response.content.decode()
    response = client.post(
        reverse("records:honour-grant"), {**data, "evidence": png_upload(), "confirm_duplicate": "on"}
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.filter(kind=RecordKind.HONOUR).count() == 2


def test_the_correction_page_turns_an_increase_into_a_proposal(w: World, client: Client) -> None:
    record = post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
    client.force_login(w.leader_user)
    response = client.post(
        reverse("records:record-correct", args=[record.pk]),
        {"minutes": 100, "reason": "签退漏记", "evidence_note": "", "evidence": png_upload()},
    )
    proposal = CorrectionProposal.objects.get(record=record)
    assert response.status_code == 302 and response["Location"] == reverse(
        "records:proposal-detail", args=[proposal.pk]
    )
    assert ServiceRecord.objects.count() == 1
    body = _ok(client.get(reverse("records:proposal-detail", args=[proposal.pk])))
    assert "等待上级组织管理员审批" in body and "提交审批结果" not in body


def test_the_approving_admin_reaches_and_decides_proposals_from_the_pages(
    w: World, client: Client, county_admin: User
) -> None:
    proposal = _propose(w, post_record(volunteer=w.volunteer, minutes=30, activity=w.activity))
    url = reverse("records:proposal-list")
    assert (url, "更正审批") in {(e.url, e.label) for e in entries_for(county_admin)}
    assert (url, "更正审批") not in {(e.url, e.label) for e in entries_for(w.leader_user)}
    client.force_login(county_admin)
    assert reverse("records:proposal-list") in _ok(client.get(reverse("records:review-queue")))
    assert reverse("records:proposal-detail", args=[proposal.pk]) in _ok(client.get(reverse("records:proposal-list")))
    response = client.post(
        reverse("records:proposal-detail", args=[proposal.pk]), {"decision": "approve", "note": "核实"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED


def test_the_proposer_posting_an_approval_gets_403(w: World, client: Client) -> None:
    proposal = _propose(w, post_record(volunteer=w.volunteer, minutes=30, activity=w.activity))
    client.force_login(w.leader_user)
    response = client.post(
        reverse("records:proposal-detail", args=[proposal.pk]), {"decision": "approve", "note": "自己批"}
    )
    assert response.status_code == 403 and "不能审批本人提交的更正申请" in response.content.decode()


def test_proposal_list_keeps_a_constant_query_count(
    w: World, client: Client, county_admin: User, django_assert_num_queries: Any
) -> None:
    client.force_login(county_admin)
    _propose(w, post_record(volunteer=w.volunteer, minutes=30, activity=w.activity))

    def add_rows() -> None:
        for _ in range(9):
            volunteer = VolunteerFactory(org=w.tree.community_a)
            _propose(w, post_record(volunteer=volunteer, minutes=30, activity=w.activity))

    assert_constant_queries(django_assert_num_queries, lambda: client.get(reverse("records:proposal-list")), add_rows)
    assert _ok(client.get(reverse("records:proposal-list"))).count("查看/审批") == 10


# ---- API ------------------------------------------------------------------------------------------


def test_api_proposal_list_keeps_a_constant_query_count(
    w: World, client: Client, county_admin: User, django_assert_num_queries: Any
) -> None:
    client.force_login(county_admin)
    _propose(w, post_record(volunteer=w.volunteer, minutes=30, activity=w.activity))

    def add_rows() -> None:
        for _ in range(9):
            volunteer = VolunteerFactory(org=w.tree.community_a)
            _propose(w, post_record(volunteer=volunteer, minutes=30, activity=w.activity))

    assert_constant_queries(django_assert_num_queries, lambda: client.get(f"{BASE}/correction-proposals"), add_rows)
    assert client.get(f"{BASE}/correction-proposals").json()["count"] == 10


def test_api_propose_then_approve_and_self_approval_is_403(w: World, client: Client, county_admin: User) -> None:
    record = post_record(volunteer=w.volunteer, minutes=30, activity=w.activity)
    client.force_login(w.leader_user)
    refused = client.post(
        f"{BASE}/{record.pk}/corrections", {"minutes": 100, "reason": "漏记"}, content_type="application/json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "correction_needs_approval"
    created = client.post(
        f"{BASE}/{record.pk}/correction-proposals",
        {"minutes": 100, "reason": "漏记", "evidence": png_upload()},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["minutes_before"], body["minutes"], body["has_evidence"]) == ("pending", 30, 100, True)
    own = client.post(
        f"{BASE}/correction-proposals/{body['id']}/approve", {"note": "自己批"}, content_type="application/json"
    )
    assert own.status_code == 403 and own.json()["code"] == "self_approval"
    client.force_login(county_admin)
    approved = client.post(
        f"{BASE}/correction-proposals/{body['id']}/approve", {"note": "核实"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["correction_id"] == ServiceRecord.objects.get(source=RecordSource.CORRECTION).pk


def test_api_reject_and_a_leader_cannot_decide(w: World, client: Client, county_admin: User) -> None:
    proposal = _propose(w, post_record(volunteer=w.volunteer, minutes=30, activity=w.activity))
    client.force_login(w.other_leader_user)
    assert client.get(f"{BASE}/correction-proposals").json()["count"] == 0
    client.force_login(county_admin)
    rejected = client.post(
        f"{BASE}/correction-proposals/{proposal.pk}/reject", {"note": "证据不足"}, content_type="application/json"
    )
    assert rejected.status_code == 200 and rejected.json()["decision_note"] == "证据不足"


def test_api_honour_duplicate_is_409_until_confirmed(w: World, client: Client, county_admin: User) -> None:
    first = _honour(w.admin_user, w)
    client.force_login(county_admin)
    data = {
        "volunteer_number": w.volunteer.number,
        "minutes": 600,
        "category": ServiceCategory.EMERGENCY,
        "served_on": timezone.localdate().isoformat(),
        "reason": "抗洪抢险表现突出",
    }
    refused = client.post(f"{BASE}/honours", {**data, "evidence": png_upload()})
    assert refused.status_code == 409
    assert refused.json()["code"] == "likely_duplicate_grant" and f"#{first.pk}" in refused.json()["message"]
    granted = client.post(f"{BASE}/honours", {**data, "evidence": png_upload(), "confirm_duplicate": "true"})
    assert granted.status_code == 201
