from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import User
from redvest.audit.models import AuditEntry
from redvest.care.models import CareConsent, CareHealthRecord, CarePairing, CareRecipient, CareVisit, RecipientStatus
from redvest.care.services import HealthData, health_save
from redvest.care.tests.factories import CareConsentFactory, CarePairingFactory, CareRecipientFactory, CareWorld
from redvest.core.navigation import entries_for
from redvest.demand.models import ServiceRequest
from redvest.demand.tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ok(response: Any) -> str:
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def queries(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def assert_constant(client: Client, url: str, grow: Callable[[], None]) -> None:
    """The same number of queries with one row and with ten."""
    ok(client.get(url))  # warm the session
    one = queries(lambda: ok(client.get(url)))
    for _ in range(9):
        grow()
    ten = queries(lambda: ok(client.get(url)))
    assert one == ten


def test_recipient_list_masks_phones_and_has_constant_queries(world: CareWorld) -> None:
    client = login(world.admin)
    html = ok(client.get(reverse("care:recipient-list")))
    assert world.recipient.phone_masked in html and world.recipient.phone not in html
    assert world.far_recipient.name not in html
    assert_constant(
        client,
        reverse("care:recipient-list"),
        lambda: CarePairingFactory(recipient=CareRecipientFactory(org=world.community_a), volunteer=world.volunteer),
    )


def test_recipient_list_filters_overdue_and_category(world: CareWorld) -> None:
    late = CareRecipientFactory(org=world.community_a, name="逾期对象", category="disabled")
    CarePairingFactory(
        recipient=late, volunteer=world.volunteer, next_visit_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    client = login(world.admin)
    html = ok(client.get(reverse("care:recipient-list"), {"overdue": "1"}))
    assert "逾期对象" in html and world.recipient.name not in html
    html = ok(client.get(reverse("care:recipient-list"), {"category": "disabled"}))
    assert "逾期对象" in html and world.recipient.name not in html


def test_admin_registers_a_recipient(world: CareWorld) -> None:
    client = login(world.admin)
    response = client.post(
        reverse("care:recipient-new"),
        {
            "org": world.community_a.pk,
            "name": "赵桂兰",
            "gender": "F",
            "birth_year": "1938",
            "phone": "13900001111",
            "category": "lonely_elderly",
            "living_situation": "alone",
        },
    )
    recipient = CareRecipient.objects.get(name="赵桂兰")
    assert response.status_code == 302 and recipient.phone_masked == "139****1111"


def test_detail_shows_health_section_only_to_those_allowed(world: CareWorld) -> None:
    CareConsentFactory(recipient=world.recipient)
    health_save(actor=world.admin, recipient=world.recipient, data=HealthData(conditions="心脏病"))
    url = reverse("care:recipient-detail", args=[world.recipient.pk])
    assert "查看健康信息" in ok(login(world.volunteer_user).get(url))
    dispatcher_html = ok(login(world.dispatcher).get(url))
    assert world.recipient.name in dispatcher_html and "健康与残疾信息" not in dispatcher_html
    assert login(world.stranger).get(url).status_code == 404
    assert login(world.other_admin).get(url).status_code == 404
    # The health data itself: one audited look for the paired volunteer, refused for the dispatcher.
    health = reverse("care:health", args=[world.recipient.pk])
    assert "心脏病" in ok(login(world.volunteer_user).get(health))
    assert AuditEntry.objects.filter(action="view_sensitive", actor=world.volunteer_user).count() == 1
    response = login(world.dispatcher).get(health)
    assert response.status_code == 403 and "心脏病" not in response.content.decode()


def test_health_form_without_consent_shows_the_message_and_writes_nothing(world: CareWorld) -> None:
    client = login(world.admin)
    url = reverse("care:health-edit", args=[world.recipient.pk])
    assert "未取得本人或监护人对健康信息的单独同意" in ok(client.get(url))
    response = client.post(url, {"conditions": "高血压", "disability_type": "", "disability_grade": ""})
    assert response.status_code == 422
    assert "未取得本人或监护人对健康信息的单独同意" in response.content.decode()
    assert not CareHealthRecord.objects.exists()


def test_admin_records_consent_then_health_then_withdraws(world: CareWorld) -> None:
    client = login(world.admin)
    response = client.post(
        reverse("care:consent-new", args=[world.recipient.pk]),
        {"given_by": "guardian", "giver_name": "李明", "method": "written", "given_on": timezone.localdate()},
    )
    assert response.status_code == 302
    consent = CareConsent.objects.get()
    client.post(
        reverse("care:health-edit", args=[world.recipient.pk]),
        {"conditions": "高血压", "disability_type": "physical", "disability_grade": "2"},
    )
    assert CareHealthRecord.objects.count() == 1
    client.post(reverse("care:consent-withdraw", args=[consent.pk]), {"reason": "监护人要求"})
    assert not CareHealthRecord.objects.exists()
    html = ok(client.get(reverse("care:recipient-detail", args=[world.recipient.pk])))
    assert "登记单独同意" in html and "已于" in html


def test_consent_form_names_missing_fields(world: CareWorld) -> None:
    html = ok(login(world.admin).post(reverse("care:consent-new", args=[world.recipient.pk]), {}))
    assert "has-error" in html
    assert not CareConsent.objects.exists()


def test_pairing_form_pairs_a_team(world: CareWorld) -> None:
    recipient = CareRecipientFactory(org=world.community_a)
    client = login(world.admin)
    html = ok(client.get(reverse("care:pairing-new", args=[recipient.pk])))
    assert world.team.name in html and world.volunteer.name in html
    client.post(
        reverse("care:pairing-new", args=[recipient.pk]), {"team": world.team.pk, "started_on": timezone.localdate()}
    )
    assert CarePairing.objects.filter(recipient=recipient, team=world.team).exists()


def test_pairing_form_refuses_both_partners(world: CareWorld) -> None:
    recipient = CareRecipientFactory(org=world.community_a)
    html = ok(
        login(world.admin).post(
            reverse("care:pairing-new", args=[recipient.pk]),
            {"team": world.team.pk, "volunteer": world.volunteer.pk, "started_on": timezone.localdate()},
        )
    )
    assert "二选一" in html and not CarePairing.objects.filter(recipient=recipient).exists()


def test_volunteer_logs_a_visit_and_turns_the_need_into_a_request(world: CareWorld) -> None:
    ServiceItemFactory(code="L201", name="家电维修")
    client = login(world.volunteer_user)
    url = reverse("care:visit-new", args=[world.recipient.pk])
    assert "家电维修" in ok(client.get(url))
    response = client.post(
        url,
        {
            "visited_on": timezone.localdate(),
            "form": "home",
            "duration_minutes": "45",
            "notes": "精神不错",
            "need_found": "电饭锅坏了",
            "need_item_code": "L201",
            "create_request": "on",
        },
        follow=True,
    )
    request = ServiceRequest.objects.get()
    assert f"工单{request.number}" in ok(response)
    assert CareVisit.objects.get().request == request


def test_visit_form_for_someone_else_is_refused(world: CareWorld) -> None:
    response = login(world.stranger).get(reverse("care:visit-new", args=[world.far_recipient.pk]))
    assert response.status_code == 404
    CarePairingFactory(recipient=world.far_recipient, team=world.team)  # the stranger is not in it either
    assert login(world.dispatcher).get(reverse("care:visit-new", args=[world.recipient.pk])).status_code == 403


def test_my_pairings_lists_due_dates_with_constant_queries(world: CareWorld) -> None:
    client = login(world.volunteer_user)
    html = ok(client.get(reverse("care:my-pairings")))
    assert world.recipient.name in html
    assert_constant(
        client,
        reverse("care:my-pairings"),
        lambda: CarePairingFactory(recipient=CareRecipientFactory(org=world.community_a), volunteer=world.volunteer),
    )


def test_overdue_page_has_constant_queries(world: CareWorld) -> None:
    late = timezone.localdate() - datetime.timedelta(days=4)
    CarePairing.objects.filter(pk=world.pairing.pk).update(next_visit_due=late)
    client = login(world.admin)
    html = ok(client.get(reverse("care:overdue")))
    assert "4天" in html
    assert_constant(
        client,
        reverse("care:overdue"),
        lambda: CarePairingFactory(
            recipient=CareRecipientFactory(org=world.community_a), volunteer=world.volunteer, next_visit_due=late
        ),
    )


def test_cadence_page_edit_by_county_admin_only(world: CareWorld) -> None:
    ok(login(world.admin).get(reverse("care:cadence")))
    login(world.admin).post(reverse("care:cadence"), {"category": "laid_off", "days": "60"})
    # The table falls back to the defaults: rows of the data migration may be flushed by browser tests.
    from redvest.care.selectors import cadence_table

    assert cadence_table()["laid_off"] == 90
    login(world.system_admin).post(reverse("care:cadence"), {"category": "laid_off", "days": "60"})
    assert cadence_table()["laid_off"] == 60
    assert login(world.stranger).get(reverse("care:cadence")).status_code == 403


def test_navigation_entries(world: CareWorld) -> None:
    def links(user) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
        return {(e.url, e.label) for e in entries_for(user)}

    assert (reverse("care:recipient-list"), "结对帮扶") in links(world.fresh(world.admin))
    assert (reverse("care:my-pairings"), "我的结对") in links(world.fresh(world.volunteer_user))
    assert (reverse("care:recipient-list"), "结对帮扶") not in links(world.fresh(world.volunteer_user))
    ok(login(world.volunteer_user).get(reverse("portal:home")))


def test_recipient_detail_has_constant_queries_as_visits_grow(world: CareWorld) -> None:
    from redvest.care.tests.factories import CareVisitFactory

    CareConsentFactory(recipient=world.recipient)
    assert_constant(
        login(world.admin),
        reverse("care:recipient-detail", args=[world.recipient.pk]),
        lambda: CareVisitFactory(recipient=world.recipient, pairing=world.pairing, visitor=world.volunteer_user),
    )


def test_full_phone_is_shown_to_the_partner_and_audited(world: CareWorld) -> None:
    html = login(world.volunteer_user).post(reverse("care:recipient-phone", args=[world.recipient.pk])).content.decode()
    assert world.recipient.phone in html
    assert AuditEntry.objects.filter(action="view_sensitive", target_type="care.carerecipient").count() == 1
    assert login(world.dispatcher).post(reverse("care:recipient-phone", args=[world.recipient.pk])).status_code == 403


def test_pairing_choices_put_the_persons_town_first_and_search_by_name(world: CareWorld) -> None:
    from redvest.care.selectors import pairing_volunteer_choices
    from redvest.volunteers.tests.factories import VolunteerFactory

    far = VolunteerFactory(org=world.tree.town_b, name="远方志愿者")
    county_admin = world.fresh(world.system_admin)
    names = [v.name for v in pairing_volunteer_choices(user=county_admin, recipient=world.recipient)]
    assert names.index(world.volunteer.name) < names.index("远方志愿者")
    assert "远方志愿者" not in [
        v.name for v in pairing_volunteer_choices(user=world.fresh(world.admin), recipient=world.recipient)
    ]
    html = ok(login(world.system_admin).get(reverse("care:pairing-new", args=[world.recipient.pk]), {"q": "远方"}))
    assert far.name in html and world.volunteer.name not in html


def test_ending_help_with_a_control_character_in_the_reason_is_refused_and_changes_nothing(world: CareWorld) -> None:
    response = login(world.admin).post(reverse("care:recipient-end", args=[world.recipient.pk]), {"reason": "搬迁\x00"})
    assert response.status_code == 400
    assert "原因含有不可见的控制字符，请删除后重新填写" in response.content.decode()
    world.recipient.refresh_from_db()
    assert world.recipient.status == RecipientStatus.ACTIVE
