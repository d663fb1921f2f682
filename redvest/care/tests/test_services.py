from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.audit.models import AuditEntry
from redvest.care import selectors, services
from redvest.care.errors import ConsentRequired
from redvest.care.models import (
    CareCategory,
    CareConsent,
    CareHealthRecord,
    CarePairing,
    CareRecipient,
    CareReminder,
    CareVisit,
    PairingStatus,
    ReminderKind,
    VisitCadence,
)
from redvest.care.services import HealthData, RecipientData, VisitData
from redvest.care.tests.factories import (
    CareConsentFactory,
    CarePairingFactory,
    CareRecipientFactory,
    CareVisitFactory,
    CareWorld,
)
from redvest.core.crypto import blind_index
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.core.models import Notification
from redvest.demand.models import RequestChannel, ServiceRequest
from redvest.demand.tests.factories import ResidentFactory, ServiceItemFactory
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 4)


def _recipient_data(world: CareWorld, **kw: object) -> RecipientData:
    values: dict[str, object] = {
        "org_id": world.community_a.pk,
        "name": "王秀英",
        "gender": "F",
        "category": CareCategory.EMPTY_NEST,
        "birth_year": 1941,
        "phone": "13912345678",
        "address": "城东路12号",
        "other_categories": [CareCategory.DISABLED],
    }
    values.update(kw)
    return RecipientData(**values)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ registry


def test_recipient_phone_is_encrypted_masked_and_linked_to_a_known_resident(world: CareWorld) -> None:
    resident = ResidentFactory(raw_phone="13912345678")
    recipient = services.recipient_create(actor=world.admin, data=_recipient_data(world))
    stored = CareRecipient.objects.get(pk=recipient.pk)
    assert "13912345678" not in stored.phone_encrypted
    assert stored.phone == "13912345678"
    assert stored.phone_masked == "139****5678"
    assert stored.phone_hash == blind_index("13912345678")
    assert stored.resident_id == resident.pk
    assert stored.categories == [CareCategory.EMPTY_NEST, CareCategory.DISABLED]
    assert AuditEntry.objects.filter(target_type="care.carerecipient", action="create").exists()


def test_recipient_outside_the_admins_subtree_is_refused_and_nothing_written(world: CareWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.recipient_create(actor=world.admin, data=_recipient_data(world, org_id=world.community_b.pk))
    assert "org" in exc.value.errors
    assert not CareRecipient.objects.filter(name="王秀英").exists()


def test_recipient_bad_input_names_every_field(world: CareWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.recipient_create(
            actor=world.admin, data=_recipient_data(world, name="", gender="X", category="nope", phone="123")
        )
    assert {"name", "gender", "category", "phone"} <= set(exc.value.errors)


def test_recipient_must_hang_off_a_community(world: CareWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.recipient_create(actor=world.admin, data=_recipient_data(world, org_id=world.tree.town_a.pk))
    assert exc.value.errors["org"] == "帮扶对象应登记在村社区（或网格）"


def test_ending_a_recipient_ends_its_active_pairings(world: CareWorld) -> None:
    services.recipient_end(actor=world.admin, recipient=world.recipient, reason="迁居外地")
    assert set(CarePairing.objects.filter(recipient=world.recipient).values_list("status", flat=True)) == {"ended"}
    with pytest.raises(Conflict):
        services.recipient_end(actor=world.admin, recipient=world.recipient, reason="迁居外地")


# ----------------------------------------------------------------------------------- consent, health


def test_health_data_without_consent_is_refused_and_nothing_written(world: CareWorld) -> None:
    with pytest.raises(ConsentRequired) as exc:
        services.health_save(actor=world.admin, recipient=world.recipient, data=HealthData(conditions="高血压"))
    assert exc.value.message.startswith("未取得本人或监护人对健康信息的单独同意")
    assert exc.value.status == 422
    assert not CareHealthRecord.objects.exists()
    assert not AuditEntry.objects.filter(target_type="care.carehealthrecord").exists()


def test_health_data_under_consent_is_encrypted_and_readable_by_admin_with_audit(world: CareWorld) -> None:
    services.consent_record(
        actor=world.admin,
        recipient=world.recipient,
        given_by="guardian",
        giver_name="李明",
        method="written",
        given_on=timezone.localdate(),
    )
    services.health_save(
        actor=world.admin,
        recipient=world.recipient,
        data=HealthData(conditions="高血压", disability_type="physical", disability_grade=2, medication="降压药"),
    )
    assert "高血压" not in CareHealthRecord.objects.get().data_encrypted
    health = services.health_reveal(actor=world.fresh(world.admin), recipient=world.recipient)
    assert health is not None and health.conditions == "高血压" and health.disability_grade == 2
    assert AuditEntry.objects.filter(action="view_sensitive", target_type="care.carerecipient").count() == 1


def test_withdrawing_consent_wipes_health_data_and_refuses_new_writes(world: CareWorld) -> None:
    consent = CareConsentFactory(recipient=world.recipient)
    services.health_save(actor=world.admin, recipient=world.recipient, data=HealthData(conditions="糖尿病"))
    services.consent_withdraw(actor=world.admin, consent=consent, reason="本人要求")
    assert services.health_reveal(actor=world.fresh(world.admin), recipient=world.recipient) is None
    assert not CareHealthRecord.objects.exists()
    with pytest.raises(ConsentRequired):
        services.health_save(actor=world.admin, recipient=world.recipient, data=HealthData(conditions="糖尿病"))
    with pytest.raises(Conflict):
        services.consent_withdraw(actor=world.admin, consent=consent)


def test_a_second_consent_in_force_is_refused(world: CareWorld) -> None:
    CareConsentFactory(recipient=world.recipient)
    with pytest.raises(Conflict):
        services.consent_record(
            actor=world.admin,
            recipient=world.recipient,
            given_by="self",
            giver_name="本人",
            method="oral",
            given_on=timezone.localdate(),
        )


def test_consent_bad_input_names_the_fields_and_writes_nothing(world: CareWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.consent_record(
            actor=world.admin, recipient=world.recipient, given_by="x", giver_name="", method="fax", given_on=None
        )
    assert {"given_by", "giver_name", "method", "given_on"} <= set(exc.value.errors)
    assert not CareConsent.objects.exists()


def test_consent_by_someone_outside_the_subtree_is_refused(world: CareWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=world.other_admin,
            recipient=world.recipient,
            given_by="self",
            giver_name="本人",
            method="oral",
            given_on=timezone.localdate(),
        )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("system_admin", True),
        ("admin", True),
        ("volunteer_user", True),
        ("leader", True),
        ("other_admin", False),
        ("dispatcher", False),
        ("keeper", False),
        ("stranger", False),
    ],
)
def test_health_visibility_per_role(world: CareWorld, who: str, allowed: bool) -> None:
    CareConsentFactory(recipient=world.recipient)
    services.health_save(actor=world.admin, recipient=world.recipient, data=HealthData(conditions="失明"))
    user = world.fresh(getattr(world, who))
    if allowed:
        assert services.health_reveal(actor=user, recipient=world.recipient) == HealthData(conditions="失明")
    else:
        with pytest.raises(PermissionDenied):
            services.health_reveal(actor=user, recipient=world.recipient)


def test_an_ended_pairing_no_longer_opens_health_data(world: CareWorld) -> None:
    services.pairing_end(actor=world.admin, pairing=world.pairing, reason="志愿者调离")
    from redvest.care.access import can_view_care_health

    assert not can_view_care_health(world.fresh(world.volunteer_user), world.recipient)
    assert can_view_care_health(world.fresh(world.leader), world.recipient)


# ------------------------------------------------------------------------------------------ pairings


def test_a_pairing_row_holds_exactly_one_of_volunteer_or_team(world: CareWorld) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CarePairingFactory(recipient=world.far_recipient)
    with pytest.raises(IntegrityError), transaction.atomic():
        CarePairingFactory(recipient=world.far_recipient, volunteer=world.volunteer, team=world.team)


def test_pairing_one_to_many_and_first_due_from_the_cadence(world: CareWorld) -> None:
    recipient = CareRecipientFactory(org=world.community_a, category=CareCategory.EMPTY_NEST)
    start = timezone.localdate()
    first = services.pairing_create(actor=world.admin, recipient=recipient, volunteer=world.volunteer, started_on=start)
    second = services.pairing_create(actor=world.admin, recipient=recipient, team=world.team, started_on=start)
    assert first.next_visit_due == second.next_visit_due == start + datetime.timedelta(days=14)
    with pytest.raises(Conflict):
        services.pairing_create(actor=world.admin, recipient=recipient, volunteer=world.volunteer)


def test_pairing_needs_exactly_one_partner_within_the_admins_subtree(world: CareWorld) -> None:
    with pytest.raises(ValidationFailed):
        services.pairing_create(actor=world.admin, recipient=world.recipient)
    far_volunteer = VolunteerFactory(org=world.community_b)
    with pytest.raises(PermissionDenied):
        services.pairing_create(actor=world.admin, recipient=world.recipient, volunteer=far_volunteer)
    far_team = TeamFactory(org=world.tree.town_b)
    with pytest.raises(PermissionDenied):
        services.pairing_create(actor=world.admin, recipient=world.recipient, team=far_team)
    assert CarePairing.objects.count() == 2


def test_ending_a_pairing_needs_a_reason_and_happens_once(world: CareWorld) -> None:
    with pytest.raises(ValidationFailed):
        services.pairing_end(actor=world.admin, pairing=world.pairing, reason=" ")
    services.pairing_end(actor=world.admin, pairing=world.pairing, reason="志愿者调离")
    with pytest.raises(Conflict):
        services.pairing_end(actor=world.admin, pairing=world.pairing, reason="志愿者调离")


# ------------------------------------------------------------------------------------ cadence, visits


def test_a_visit_meets_the_due_date_and_sets_the_next_from_the_category_cadence(
    world: CareWorld, now: datetime.datetime
) -> None:
    day = timezone.localdate() - datetime.timedelta(days=1)
    due = world.pairing.next_visit_due
    visit = services.visit_log(
        actor=world.volunteer_user, recipient=world.recipient, data=VisitData(visited_on=day, notes="身体尚可"), now=now
    )
    world.pairing.refresh_from_db()
    assert visit.pairing_id == world.pairing.pk and visit.due_on == due and visit.on_time
    assert world.pairing.last_visited_on == day
    assert world.pairing.next_visit_due == day + datetime.timedelta(days=7)  # 孤寡老人 weekly


def test_a_recipient_override_and_a_cadence_change_move_the_next_due_date(
    world: CareWorld, now: datetime.datetime
) -> None:
    day = timezone.localdate()
    services.visit_log(actor=world.volunteer_user, recipient=world.recipient, data=VisitData(visited_on=day), now=now)
    services.cadence_set(actor=world.system_admin, category=CareCategory.LONELY_ELDERLY, days=10)
    world.pairing.refresh_from_db()
    assert world.pairing.next_visit_due == day + datetime.timedelta(days=10)
    assert VisitCadence.objects.get(category=CareCategory.LONELY_ELDERLY).days == 10
    services.recipient_update(
        actor=world.admin,
        recipient=world.recipient,
        data=RecipientData(
            org_id=world.community_a.pk,
            name=world.recipient.name,
            gender="F",
            category=CareCategory.LONELY_ELDERLY,
            cadence_days=3,
        ),
    )
    world.pairing.refresh_from_db()
    assert world.pairing.next_visit_due == day + datetime.timedelta(days=3)


def test_only_county_admins_change_the_cadence(world: CareWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.cadence_set(actor=world.admin, category=CareCategory.LAID_OFF, days=60)
    with pytest.raises(ValidationFailed):
        services.cadence_set(actor=world.system_admin, category=CareCategory.LAID_OFF, days=0)


def test_logging_a_visit_for_someone_you_are_not_paired_with_is_refused(
    world: CareWorld, now: datetime.datetime
) -> None:
    for user in (world.stranger, world.dispatcher, world.other_admin):
        with pytest.raises(PermissionDenied):
            services.visit_log(
                actor=world.fresh(user), recipient=world.recipient, data=VisitData(visited_on=None), now=now
            )
    assert not CareVisit.objects.exists()


def test_an_admin_may_log_a_visit_outside_any_pairing(world: CareWorld, now: datetime.datetime) -> None:
    visit = services.visit_log(
        actor=world.admin, recipient=world.recipient, data=VisitData(visited_on=timezone.localdate()), now=now
    )
    assert visit.pairing is None and visit.due_on is None


def test_a_leader_logs_the_visit_for_the_team_pairing(world: CareWorld, now: datetime.datetime) -> None:
    visit = services.visit_log(
        actor=world.leader, recipient=world.recipient, data=VisitData(visited_on=timezone.localdate()), now=now
    )
    assert visit.pairing_id == world.team_pairing.pk


def test_a_future_visit_date_is_refused(world: CareWorld, now: datetime.datetime) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.visit_log(
            actor=world.volunteer_user,
            recipient=world.recipient,
            data=VisitData(visited_on=timezone.localdate() + datetime.timedelta(days=1), form="fax"),
            now=now,
        )
    assert {"visited_on", "form"} <= set(exc.value.errors)


def test_a_need_found_becomes_a_request_in_the_same_step(world: CareWorld, now: datetime.datetime) -> None:
    item = ServiceItemFactory(code="L101")
    visit = services.visit_log(
        actor=world.volunteer_user,
        recipient=world.recipient,
        data=VisitData(
            visited_on=timezone.localdate(), need_found="屋顶漏水需要维修", need_item_code="L101", create_request=True
        ),
        now=now,
    )
    request = ServiceRequest.objects.get()
    assert visit.request_id == request.pk
    assert request.item == item and request.area_id == world.community_a.pk
    assert request.channel == RequestChannel.WEB and "屋顶漏水需要维修" in request.description
    assert world.recipient.name in request.description


def test_an_admins_need_is_a_walk_in_with_the_recipient_as_caller(world: CareWorld, now: datetime.datetime) -> None:
    ServiceItemFactory(code="L101")
    visit = services.visit_log(
        actor=world.admin,
        recipient=world.recipient,
        data=VisitData(
            visited_on=timezone.localdate(), need_found="需要助餐", need_item_code="L101", create_request=True
        ),
        now=now,
    )
    request = ServiceRequest.objects.select_related("resident").get(pk=visit.request_id)
    assert request.channel == RequestChannel.WALK_IN
    assert request.resident is not None and request.resident.phone == world.recipient.phone


def test_an_invalid_request_rolls_back_the_whole_visit(world: CareWorld, now: datetime.datetime) -> None:
    due = world.pairing.next_visit_due
    with pytest.raises(ValidationFailed) as exc:
        services.visit_log(
            actor=world.volunteer_user,
            recipient=world.recipient,
            data=VisitData(
                visited_on=timezone.localdate(), need_found="需要助浴", need_item_code="NOPE", create_request=True
            ),
            now=now,
        )
    assert "need_item_code" in exc.value.errors
    assert not CareVisit.objects.exists() and not ServiceRequest.objects.exists()
    world.pairing.refresh_from_db()
    assert world.pairing.next_visit_due == due and world.pairing.last_visited_on is None
    assert not AuditEntry.objects.filter(target_type="care.carevisit").exists()


def test_turning_a_need_into_a_request_needs_the_need_and_an_item(world: CareWorld, now: datetime.datetime) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.visit_log(
            actor=world.volunteer_user,
            recipient=world.recipient,
            data=VisitData(visited_on=timezone.localdate(), create_request=True),
            now=now,
        )
    assert {"need_found", "need_item_code"} <= set(exc.value.errors)


# ------------------------------------------------------------------------------- overdue, reminders


def test_overdue_list_is_scoped_and_sorted_by_days_overdue(world: CareWorld) -> None:
    today = timezone.localdate()
    world.pairing.next_visit_due = today - datetime.timedelta(days=3)
    world.pairing.save()
    world.team_pairing.next_visit_due = today - datetime.timedelta(days=10)
    world.team_pairing.save()
    far = CarePairingFactory(
        recipient=world.far_recipient,
        volunteer=VolunteerFactory(org=world.community_b),
        next_visit_due=today - datetime.timedelta(days=20),
    )
    rows = list(selectors.overdue_pairings(user=world.fresh(world.admin)))
    assert rows == [world.team_pairing, world.pairing]
    assert [p.days_overdue(today) for p in rows] == [10, 3]
    assert list(selectors.overdue_pairings(user=world.fresh(world.admin), sort="least")) == [
        world.pairing,
        world.team_pairing,
    ]
    assert list(selectors.overdue_pairings(user=world.fresh(world.other_admin))) == [far]
    assert list(selectors.overdue_pairings(user=world.fresh(world.volunteer_user))) == [world.pairing]


def _due(world: CareWorld, due: datetime.date) -> None:
    CarePairing.objects.filter(pk=world.pairing.pk).update(next_visit_due=due)
    CarePairing.objects.filter(pk=world.team_pairing.pk).update(next_visit_due=due + datetime.timedelta(days=60))


def test_reminder_before_due_goes_to_the_partner_once(world: CareWorld) -> None:
    _due(world, TODAY + datetime.timedelta(days=2))
    first = services.care_remind(today=TODAY)
    again = services.care_remind(today=TODAY)
    next_day = services.care_remind(today=TODAY + datetime.timedelta(days=1))
    assert (first.upcoming, first.overdue, first.notified) == (1, 0, 1)
    assert again.upcoming == next_day.upcoming == 0
    assert Notification.objects.filter(recipient=world.volunteer_user).count() == 1
    assert CareReminder.objects.get().kind == ReminderKind.UPCOMING


def test_overdue_reminder_goes_to_partners_and_org_admins_once_per_due_date(world: CareWorld) -> None:
    _due(world, TODAY - datetime.timedelta(days=1))
    result = services.care_remind(today=TODAY)
    assert (result.upcoming, result.overdue) == (0, 1)
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        world.volunteer_user.pk,
        world.admin.pk,
    }
    assert services.care_remind(today=TODAY + datetime.timedelta(days=5)).overdue == 0
    assert Notification.objects.count() == 2
    # A visit sets a new due date; when that one passes, a new reminder goes out.
    _due(world, TODAY + datetime.timedelta(days=6))
    assert services.care_remind(today=TODAY + datetime.timedelta(days=10)).overdue == 1
    assert CareReminder.objects.count() == 2


def test_team_pairing_reminders_go_to_the_leader(world: CareWorld) -> None:
    CarePairing.objects.filter(pk=world.pairing.pk).update(status=PairingStatus.ENDED, ended_on=timezone.localdate())
    CarePairing.objects.filter(pk=world.team_pairing.pk).update(next_visit_due=TODAY)
    services.care_remind(today=TODAY)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [world.leader.pk]


def test_care_remind_command_runs_the_reminders(world: CareWorld) -> None:
    from django.core.management import call_command

    _due(world, timezone.localdate())
    call_command("care_remind", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CareReminder.objects.count() == 1


# ------------------------------------------------------------------------------------ visit_stats


def test_visit_stats_counts_visits_due_dates_on_time_and_overdue(world: CareWorld) -> None:
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
    today = datetime.date(2026, 3, 20)
    r = world.recipient
    CareVisitFactory(recipient=r, pairing=world.pairing, visited_on=datetime.date(2026, 1, 5), due_on=TODAY)
    CareVisitFactory(
        recipient=r, pairing=world.pairing, visited_on=datetime.date(2026, 2, 10), due_on=datetime.date(2026, 2, 1)
    )
    CareVisitFactory(recipient=r, visited_on=datetime.date(2026, 2, 11))  # no pairing: no due date
    CareVisitFactory(
        recipient=r, pairing=world.pairing, visited_on=datetime.date(2025, 12, 30), due_on=datetime.date(2026, 1, 2)
    )
    CarePairing.objects.filter(pk=world.pairing.pk).update(next_visit_due=datetime.date(2026, 3, 10))
    CarePairing.objects.filter(pk=world.team_pairing.pk).update(next_visit_due=datetime.date(2026, 3, 25))
    CareVisitFactory(recipient=world.far_recipient, visited_on=datetime.date(2026, 2, 1))
    stats = selectors.visit_stats(world.tree.town_a.path, start, end, today=today)
    # visits 1/5, 2/10, 2/11 in the period; due dates met: 3/4 (on time), 2/1 (late), 1/2 (on time);
    # missed: 3/10 (passed); 3/25 still ahead is not counted.
    assert stats == selectors.VisitStats(visits=3, due=4, on_time=2, overdue_pairings=1)
    assert selectors.visit_stats(world.tree.town_b.path, start, end, today=today).visits == 1
