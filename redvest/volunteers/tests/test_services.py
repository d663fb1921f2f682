from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.audit.models import AuditEntry
from redvest.core.crypto import blind_index, decrypt
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.core.models import Notification
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.teams.models import Membership, MembershipKind
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.models import NumberSequence, Volunteer, VolunteerStatus, VolunteerStatusChange
from redvest.volunteers.services import (
    ConsentChoices,
    volunteer_register,
    volunteer_reveal,
    volunteer_self_register,
    volunteer_set_status,
    volunteer_update,
)
from redvest.volunteers.services.registry import TRANSFER_HINT
from redvest.volunteers.tests.factories import make_id_number, member_of, person

AGREED = ConsentChoices(processing=True, sensitive=True)

pytestmark = pytest.mark.django_db


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def assert_nothing_written() -> None:
    assert Volunteer.objects.count() == 0
    assert Membership.objects.count() == 0
    assert AuditEntry.objects.filter(target_type="volunteers.volunteer").count() == 0
    assert NumberSequence.objects.count() == 0
    assert not User.objects.filter(volunteer__isnull=False).exists()


def register(ledger: Any, data: Any = None, **kwargs: Any) -> Volunteer:
    kwargs.setdefault("actor", ledger.admin_a)
    kwargs.setdefault("org", ledger.tree.town_a)
    kwargs.setdefault("team", ledger.team_a)
    return volunteer_register(data=data or person(), **kwargs)


# ---- Registration ---------------------------------------------------------------------------------


def test_register_stores_encrypted_hashed_and_masked_columns(ledger: Any) -> None:
    data = person(phone="138 0013 8000")
    volunteer = register(ledger, data)
    volunteer.refresh_from_db()
    assert data.id_number not in volunteer.id_number_encrypted
    assert decrypt(volunteer.id_number_encrypted) == data.id_number
    assert volunteer.id_number_hash == blind_index(data.id_number)
    assert volunteer.id_number_masked == data.id_number[:3] + "*" * 11 + data.id_number[-4:]
    assert decrypt(volunteer.phone_encrypted) == "13800138000"
    assert volunteer.phone_masked == "138****8000"
    assert volunteer.gender == "M" and volunteer.birth_date == datetime.date(1985, 6, 15)
    assert volunteer.status == VolunteerStatus.REGISTERED


def test_register_issues_number_from_nearest_area_code_year_and_sequence(ledger: Any) -> None:
    year = timezone.localdate().year
    first = register(ledger, person(1))
    second = register(ledger, person(2), org=ledger.tree.community_a, team=ledger.team_community)
    assert first.number == f"330522{year}000001"
    assert second.number == f"330522{year}000002"
    assert NumberSequence.objects.get(area_code="330522", year=year).last == 2


def test_register_without_any_area_code_uses_zeros(ledger: Any) -> None:
    root = org_node(name="无代码县", kind=OrgKind.ORG_DEPT)
    team = TeamFactory(org=root)
    RoleAssignmentFactory(user=ledger.admin_b, org=root, role=Role.ORG_ADMIN)
    volunteer = volunteer_register(actor=ledger.admin_b, org=root, team=team, data=person())
    assert volunteer.number == f"000000{timezone.localdate().year}000001"


def test_register_assigns_the_org_team_and_writes_history_and_audit(ledger: Any) -> None:
    volunteer = register(ledger)
    membership = Membership.objects.get(volunteer=volunteer)
    assert membership.team == ledger.team_a and membership.kind == MembershipKind.ORGANISATIONAL
    change = VolunteerStatusChange.objects.get(volunteer=volunteer)
    assert (change.from_status, change.to_status, change.actor) == ("pending", "registered", ledger.admin_a)
    entry = AuditEntry.objects.get(target_type="volunteers.volunteer", target_id=str(volunteer.pk))
    assert entry.action == "create" and entry.actor == ledger.admin_a and entry.org == ledger.tree.town_a
    assert entry.after["id_number_masked"] == volunteer.id_number_masked
    assert "id_number_encrypted" not in entry.after


def test_register_reports_every_field_error_at_once_and_writes_nothing(ledger: Any) -> None:
    bad = person(name="", id_number="330522198506150000", phone="12345", political_status="", service_categories=["x"])
    with pytest.raises(ValidationFailed) as caught:
        register(ledger, bad, team=None)
    errors = caught.value.errors
    assert errors["name"] == "请填写姓名"
    assert errors["id_number"] == "身份证号校验位不正确"
    assert errors["phone"] == "手机号应为11位中国大陆手机号码"
    assert errors["political_status"] == "请选择政治面貌"
    assert errors["service_categories"] == "服务类别无效：x"
    assert errors["team"] == "请选择组织关系所在的服务队"
    assert_nothing_written()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "33052219850615001"}, "id_number", "身份证号应为18位，前17位为数字，最后一位为数字或X"),
        (
            {"id_number": make_id_number(birth=datetime.date(1985, 2, 1), seq=1)[:10] + "0230" + "0011"},
            "id_number",
            "身份证号中的出生日期无效",
        ),
        ({"birth_date": datetime.date(1985, 6, 16)}, "birth_date", "出生日期与身份证号不一致"),
        ({"gender": "F"}, "gender", "性别与身份证号不一致"),
        ({"phone": "2380013800"}, "phone", "手机号应为11位中国大陆手机号码"),
        (
            {"political_status": "anarchist"},
            "political_status",
            "政治面貌无效，应为中共党员、中共预备党员、共青团员或群众",
        ),
        ({"id_type": "passport", "id_number": "E1234567"}, "birth_date", "请填写出生日期"),
        ({"id_type": "passport", "id_number": "!"}, "id_number", "证件号码格式不正确（5至30位字母或数字）"),
        ({"id_type": "alien"}, "id_type", "证件类型无效"),
        ({"name": "名" * 51}, "name", "姓名不能超过50个字"),
        ({"skills": ["很长的技能" * 5]}, "skills", "服务技能最多20项，每项不超过20个字"),
    ],
)
def test_register_refuses_bad_input_with_a_chinese_field_message(
    ledger: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        register(ledger, person(**overrides))
    assert caught.value.errors[field] == message
    assert_nothing_written()


def test_passport_holder_registers_with_gender_and_birth_date(ledger: Any) -> None:
    data = person(id_type="passport", id_number="e1234567", gender="F", birth_date=datetime.date(1990, 1, 2))
    volunteer = register(ledger, data)
    assert decrypt(volunteer.id_number_encrypted) == "E1234567"
    assert volunteer.gender == "F"


def test_second_registration_of_the_same_id_names_the_existing_org_masked(ledger: Any) -> None:
    register(ledger, person(1))
    with pytest.raises(ValidationFailed) as caught:
        volunteer_register(
            actor=ledger.admin_b,
            org=ledger.tree.town_b,
            team=ledger.team_b,
            data=person(1, name="李四", phone="13900000000"),
        )
    assert caught.value.errors["id_number"] == "该身份证号已在 雉**道 登记，一人只能登记一次" + TRANSFER_HINT
    assert Volunteer.objects.count() == 1


def test_lowercase_x_in_id_is_the_same_person(ledger: Any) -> None:
    id_number = next(
        make_id_number(birth=datetime.date(1990, 1, 1), seq=s)
        for s in range(1000)
        if make_id_number(birth=datetime.date(1990, 1, 1), seq=s).endswith("X")
    )
    register(ledger, person(1, id_number=id_number))
    with pytest.raises(ValidationFailed) as caught:
        register(ledger, person(2, id_number=id_number.lower()))
    assert "已在" in caught.value.errors["id_number"]


def test_under_18_needs_guardian_name_phone_and_consent_date(ledger: Any) -> None:
    birth = years_ago(16)
    data = person(birth=birth, id_number=make_id_number(birth=birth, seq=5))
    with pytest.raises(ValidationFailed) as caught:
        register(ledger, data)
    assert caught.value.errors == {
        "guardian_name": "未满18周岁须填写监护人姓名",
        "guardian_phone": "未满18周岁须填写监护人手机号",
        "guardian_consent_date": "未满18周岁须填写监护人同意日期",
    }
    assert_nothing_written()


def test_under_18_with_guardian_consent_registers(ledger: Any) -> None:
    birth = years_ago(16)
    data = person(
        birth=birth,
        id_number=make_id_number(birth=birth, seq=5),
        guardian_name="张父",
        guardian_phone="13900001111",
        guardian_consent_date=timezone.localdate(),
    )
    volunteer = register(ledger, data)
    assert volunteer.guardian_name == "张父"
    assert decrypt(volunteer.guardian_phone_encrypted) == "13900001111"


def test_under_14_also_needs_the_accompanied_only_note(ledger: Any) -> None:
    birth = years_ago(13)
    guardian = {"guardian_name": "张母", "guardian_phone": "13900001111", "guardian_consent_date": timezone.localdate()}
    data = person(birth=birth, id_number=make_id_number(birth=birth, seq=5), **guardian)
    with pytest.raises(ValidationFailed) as caught:
        register(ledger, data)
    assert caught.value.errors == {"guardian_note": "未满14周岁须注明“仅在监护人陪同下参加志愿服务”"}
    data.guardian_note = "仅在监护人陪同下参加志愿服务"
    assert register(ledger, data).guardian_note == "仅在监护人陪同下参加志愿服务"


def test_turning_18_today_needs_no_guardian(ledger: Any) -> None:
    birth = years_ago(18)
    volunteer = register(ledger, person(birth=birth, id_number=make_id_number(birth=birth, seq=5)))
    assert volunteer.guardian_name == ""


def test_guardian_consent_in_the_future_is_refused(ledger: Any) -> None:
    birth = years_ago(16)
    data = person(
        birth=birth,
        id_number=make_id_number(birth=birth, seq=5),
        guardian_name="张父",
        guardian_phone="13900001111",
        guardian_consent_date=timezone.localdate() + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationFailed) as caught:
        register(ledger, data)
    assert caught.value.errors == {"guardian_consent_date": "监护人同意日期应在出生日期之后、且不晚于今天"}


def test_team_outside_the_org_subtree_is_refused(ledger: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        register(ledger, team=ledger.team_b)
    assert caught.value.errors == {"team": "服务队须属于所选组织或您管理的范围"}
    assert_nothing_written()


def test_team_above_the_org_is_allowed_when_the_actor_manages_it(ledger: Any) -> None:
    volunteer = register(ledger, actor=ledger.county_admin, org=ledger.tree.community_a, team=ledger.team_a)
    assert volunteer.org_team == ledger.team_a


def test_inactive_team_is_refused(ledger: Any) -> None:
    ledger.team_a.is_active = False
    ledger.team_a.save()
    with pytest.raises(ValidationFailed) as caught:
        register(ledger)
    assert caught.value.errors == {"team": "该服务队已撤销，不能加入"}


def test_town_admin_cannot_register_in_another_town(ledger: Any) -> None:
    with pytest.raises(PermissionDenied):
        register(ledger, org=ledger.tree.town_b, team=ledger.team_b)
    assert_nothing_written()


def test_register_with_password_creates_a_phone_login(ledger: Any) -> None:
    volunteer = register(ledger, person(phone="13912345678"), password="Vest-2024-pass")
    assert volunteer.user is not None
    assert volunteer.user.username == "13912345678"
    assert volunteer.user.phone == "13912345678"
    assert volunteer.user.check_password("Vest-2024-pass")


# ---- Self-registration ------------------------------------------------------------------------------


def test_self_registration_is_pending_with_a_login_and_notifies_the_org_admins(ledger: Any) -> None:
    volunteer = volunteer_self_register(
        team=ledger.team_community,
        data=person(),
        password="Vest-2024-pass",
        password_confirm="Vest-2024-pass",
        consents=AGREED,
    )
    assert volunteer.status == VolunteerStatus.PENDING
    assert volunteer.org == ledger.tree.community_a
    assert volunteer.user is not None and volunteer.user.check_password("Vest-2024-pass")
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {"county_admin", "admin_a"}
    entry = AuditEntry.objects.get(target_type="volunteers.volunteer")
    assert entry.actor is None


def test_self_registration_checks_password_and_existing_account(ledger: Any) -> None:
    register(ledger, person(1, phone="13912345678"), password="Vest-2024-pass")
    with pytest.raises(ValidationFailed) as caught:
        volunteer_self_register(
            team=ledger.team_a,
            data=person(2, phone="13912345678"),
            password="123",
            password_confirm="124",
            consents=AGREED,
        )
    errors = caught.value.errors
    assert errors["phone"] == "该手机号已注册登录账号，请直接登录"
    assert errors["password_confirm"] == "两次输入的密码不一致"
    assert "密码" in errors["password"]
    assert Volunteer.objects.count() == 1


def test_self_registration_needs_a_team(ledger: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        volunteer_self_register(
            team=None, data=person(), password="Vest-2024-pass", password_confirm="Vest-2024-pass", consents=AGREED
        )
    assert caught.value.errors["team"] == "请选择组织关系所在的服务队"
    assert caught.value.errors["org"] == "请选择所属组织"
    assert_nothing_written()


# ---- Update -----------------------------------------------------------------------------------------


def test_update_revalidates_and_audits_before_and_after(ledger: Any) -> None:
    volunteer = register(ledger, person(1))
    data = person(1, phone="13700001234", work_unit="县人民医院")
    volunteer_update(actor=ledger.admin_a, volunteer=volunteer, data=data)
    volunteer.refresh_from_db()
    assert volunteer.phone == "13700001234" and volunteer.work_unit == "县人民医院"
    entry = AuditEntry.objects.get(target_type="volunteers.volunteer", action="update")
    assert entry.before == {"phone_masked": "138****0001", "work_unit": "", "updated_at": entry.before["updated_at"]}
    assert entry.after["phone_masked"] == "137****1234" and entry.after["work_unit"] == "县人民医院"


def test_update_with_bad_input_changes_nothing(ledger: Any) -> None:
    volunteer = register(ledger, person(1))
    with pytest.raises(ValidationFailed) as caught:
        volunteer_update(actor=ledger.admin_a, volunteer=volunteer, data=person(1, phone="1", name=""))
    assert set(caught.value.errors) == {"phone", "name"}
    volunteer.refresh_from_db()
    assert volunteer.name == "张三1" and volunteer.phone_masked == "138****0001"
    assert not AuditEntry.objects.filter(action="update").exists()


def test_update_to_an_id_already_registered_is_refused(ledger: Any) -> None:
    register(ledger, person(1))
    other = register(ledger, person(2))
    with pytest.raises(ValidationFailed) as caught:
        volunteer_update(actor=ledger.admin_a, volunteer=other, data=person(2, id_number=person(1).id_number))
    assert caught.value.errors == {"id_number": "该身份证号已在 雉**道 登记，一人只能登记一次"}


def test_other_town_admin_cannot_update(ledger: Any) -> None:
    volunteer = register(ledger)
    with pytest.raises(PermissionDenied):
        volunteer_update(actor=ledger.admin_b, volunteer=volunteer, data=person(name="改名"))


# ---- Status -----------------------------------------------------------------------------------------


def test_status_flow_keeps_history_and_deregistering_keeps_the_record(ledger: Any) -> None:
    volunteer = volunteer_self_register(
        team=ledger.team_a, data=person(), password="Vest-2024-pass", password_confirm="Vest-2024-pass", consents=AGREED
    )
    admin = ledger.admin_a
    volunteer_set_status(actor=admin, volunteer=volunteer, status="registered")
    volunteer_set_status(actor=admin, volunteer=volunteer, status="suspended", reason="长期外出")
    volunteer_set_status(actor=admin, volunteer=volunteer, status="registered", reason="返乡")
    volunteer_set_status(actor=admin, volunteer=volunteer, status="deregistered", reason="本人申请")
    volunteer.refresh_from_db()
    assert volunteer.status == "deregistered"
    steps = list(volunteer.status_changes.order_by("id").values_list("from_status", "to_status", "reason"))
    assert steps == [
        ("pending", "registered", ""),
        ("registered", "suspended", "长期外出"),
        ("suspended", "registered", "返乡"),
        ("registered", "deregistered", "本人申请"),
    ]
    assert Membership.objects.filter(volunteer=volunteer).exists()
    assert AuditEntry.objects.filter(target_type="volunteers.volunteer", action="update").count() == 4
    titles = list(Notification.objects.filter(recipient=volunteer.user).values_list("title", flat=True))
    assert "您的志愿者注册已审核通过" in titles and "您的志愿者身份已注销" in titles


def test_deregistering_ends_team_memberships_but_keeps_their_history(ledger: Any) -> None:
    volunteer = member_of(ledger.team_a)
    volunteer_set_status(actor=ledger.admin_a, volunteer=volunteer, status="deregistered", reason="迁出本县")
    memberships = list(Membership.objects.filter(volunteer=volunteer))
    assert memberships, "history is kept"
    assert all(m.left_at is not None for m in memberships)
    assert all("迁出本县" in m.left_reason for m in memberships)


@pytest.mark.parametrize(("start", "target"), [("pending", "suspended"), ("deregistered", "registered")])
def test_status_moves_outside_the_flow_are_refused(ledger: Any, start: str, target: str) -> None:
    volunteer = member_of(ledger.team_a, status=start)
    with pytest.raises(Conflict):
        volunteer_set_status(actor=ledger.admin_a, volunteer=volunteer, status=target, reason="x")
    volunteer.refresh_from_db()
    assert volunteer.status == start
    assert not volunteer.status_changes.exists()


def test_suspending_needs_a_reason(ledger: Any) -> None:
    volunteer = member_of(ledger.team_a)
    with pytest.raises(ValidationFailed) as caught:
        volunteer_set_status(actor=ledger.admin_a, volunteer=volunteer, status="suspended", reason="  ")
    assert caught.value.errors == {"reason": "暂停或注销须填写原因"}


def test_other_town_admin_cannot_change_status(ledger: Any) -> None:
    volunteer = member_of(ledger.team_a, status="pending")
    with pytest.raises(PermissionDenied):
        volunteer_set_status(actor=ledger.admin_b, volunteer=volunteer, status="registered")


# ---- Reveal -----------------------------------------------------------------------------------------


def test_reveal_gives_full_values_and_audits_every_view(ledger: Any) -> None:
    volunteer = register(ledger, person(1))
    for _ in range(2):
        info = volunteer_reveal(actor=ledger.county_admin, volunteer=volunteer)
    assert info.id_number == person(1).id_number and info.phone == "13800000001"
    assert AuditEntry.objects.filter(action="view_sensitive", actor=ledger.county_admin).count() == 2


def test_reveal_is_refused_to_a_team_leader_and_to_another_town(ledger: Any) -> None:
    volunteer = register(ledger, person(1))
    leader_user = register(ledger, person(2), password="Vest-2024-pass").user
    ledger.team_a.leader = Volunteer.objects.get(user=leader_user)
    ledger.team_a.save()
    for actor in (leader_user, ledger.admin_b):
        with pytest.raises(PermissionDenied):
            volunteer_reveal(actor=actor, volunteer=volunteer)
    assert not AuditEntry.objects.filter(action="view_sensitive").exists()
