"""My-service totals and star levels; certificates: issue, PDF, verify, revoke."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.activities.models import ServiceCategory
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied
from redvest.records.certificate_pdf import certificate_pdf
from redvest.records.errors import CertificateRevoked, InvalidPeriod, InvalidThresholds, NothingToCertify
from redvest.records.models import Certificate, RecordKind, RecordSource
from redvest.records.selectors import service_summary, star_level, star_thresholds_for
from redvest.records.services import (
    certificate_issue,
    certificate_revoke,
    record_correct,
    star_levels_clear,
    star_levels_set,
)
from redvest.records.templatetags.records_tags import hours
from redvest.records.tests.conftest import World
from redvest.records.tests.factories import StarLevelConfigFactory, post_record


@pytest.mark.parametrize(("minutes", "shown"), [(0, "0.0"), (95, "1.6"), (90, "1.5"), (59, "1.0"), (-30, "-0.5")])
def test_hours_show_one_decimal_from_integer_minutes(minutes: int, shown: str) -> None:
    assert hours(minutes) == shown


@pytest.mark.parametrize(
    ("credit_hours", "stars"), [(0, 0), (99, 0), (100, 1), (299, 1), (300, 2), (600, 3), (1000, 4), (1500, 5)]
)
def test_default_star_levels(credit_hours: int, stars: int) -> None:
    assert star_level(credit_minutes=credit_hours * 60, thresholds_hours=(100, 300, 600, 1000, 1500)).stars == stars


def test_star_thresholds_are_inherited_down_the_tree(w: World) -> None:
    assert star_thresholds_for(org=w.tree.community_a) == (100, 300, 600, 1000, 1500)
    StarLevelConfigFactory(org=w.tree.county, thresholds_hours=[1, 2, 3, 4, 5])
    StarLevelConfigFactory(org=w.tree.town_a, thresholds_hours=[10, 20, 30, 40, 50])
    assert star_thresholds_for(org=w.tree.community_a) == (10, 20, 30, 40, 50)
    assert star_thresholds_for(org=w.tree.town_b) == (1, 2, 3, 4, 5)


def test_org_admin_sets_and_clears_star_levels(w: World) -> None:
    star_levels_set(actor=w.admin_user, org=w.tree.town_a, thresholds_hours=[50, 100, 200, 400, 800])
    assert star_thresholds_for(org=w.tree.community_a) == (50, 100, 200, 400, 800)
    assert AuditEntry.objects.filter(target_type="records.starlevelconfig").count() == 1
    star_levels_clear(actor=w.admin_user, org=w.tree.town_a)
    assert star_thresholds_for(org=w.tree.community_a) == (100, 300, 600, 1000, 1500)


@pytest.mark.parametrize("values", [[1, 2, 3, 4], [5, 4, 3, 2, 1], [0, 1, 2, 3, 4], [10, 10, 20, 30, 40]])
def test_bad_star_thresholds_are_refused(w: World, values: list[int]) -> None:
    with pytest.raises(InvalidThresholds):
        star_levels_set(actor=w.admin_user, org=w.tree.town_a, thresholds_hours=values)


@pytest.mark.parametrize("who", ["leader_user", "other_admin_user", "volunteer_user"])
def test_only_the_org_admin_sets_star_levels(w: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        star_levels_set(actor=getattr(w, who), org=w.tree.town_a, thresholds_hours=[1, 2, 3, 4, 5])


def test_summary_splits_credit_and_honour_by_year_and_category(w: World) -> None:
    StarLevelConfigFactory(org=w.tree.town_a, thresholds_hours=[1, 2, 3, 4, 5])
    record = post_record(volunteer=w.volunteer, minutes=120, activity=w.activity)
    record_correct(actor=w.leader_user, record=record, minutes=100, reason="更正")
    last_year = timezone.localdate().replace(month=6, day=1) - datetime.timedelta(days=365)
    post_record(volunteer=w.volunteer, minutes=60, category=ServiceCategory.HEALTH, served_on=last_year)
    post_record(
        volunteer=w.volunteer,
        minutes=600,
        kind=RecordKind.HONOUR,
        source=RecordSource.HONOUR,
        category=ServiceCategory.EMERGENCY,
    )
    summary = service_summary(volunteer=w.volunteer)
    assert (summary.credit_minutes, summary.honour_minutes) == (160, 600)
    this_year = timezone.localdate().year
    assert [(y.year, y.credit_minutes, y.honour_minutes) for y in summary.years] == [
        (this_year, 100, 600),
        (last_year.year, 60, 0),
    ]
    assert {(c.year, c.category, c.credit_minutes, c.honour_minutes) for c in summary.categories} == {
        (this_year, ServiceCategory.COMMUNITY, 100, 0),
        (this_year, ServiceCategory.EMERGENCY, 0, 600),
        (last_year.year, ServiceCategory.HEALTH, 60, 0),
    }
    assert summary.star.stars == 2  # 160 credit minutes ≥ 2 hours; the 10 honour hours never count
    assert summary.star.next_hours == 3


# ---- certificates ------------------------------------------------------------------------------


def _period() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today - datetime.timedelta(days=30), today


def test_volunteer_issues_own_certificate_with_credit_and_honour_apart(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=125, activity=w.activity)
    post_record(volunteer=w.volunteer, minutes=60, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    start, end = _period()
    c = certificate_issue(actor=w.volunteer_user, volunteer=w.volunteer, period_start=start, period_end=end)
    assert (c.credit_minutes, c.honour_minutes) == (125, 60)
    assert c.number.startswith("ZM") and len(c.verify_token) >= 24
    assert [a["title"] for a in c.activities_snapshot] == [w.activity.title]
    assert c.activities_snapshot[0]["minutes"] == 125
    assert c.issuing_org == w.volunteer.org
    assert AuditEntry.objects.filter(target_type="records.certificate", action="create").exists()


def test_a_corrected_away_activity_leaves_the_certificate(w: World) -> None:
    kept = post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    record_correct(actor=w.leader_user, record=kept, minutes=0, reason="未到场")
    post_record(volunteer=w.volunteer, minutes=30, kind=RecordKind.HONOUR, source=RecordSource.HONOUR)
    start, end = _period()
    c = certificate_issue(actor=w.volunteer_user, volunteer=w.volunteer, period_start=start, period_end=end)
    assert (c.credit_minutes, c.activities_snapshot) == (0, [])


@pytest.mark.parametrize("who", ["other_volunteer_user", "leader_user", "other_admin_user"])
def test_others_cannot_issue_a_certificate_for_a_volunteer(w: World, who: str) -> None:
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    start, end = _period()
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=getattr(w, who), volunteer=w.volunteer, period_start=start, period_end=end)
    assert not Certificate.objects.exists()


def test_org_admin_issues_for_a_volunteer_in_the_subtree(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    start, end = _period()
    c = certificate_issue(actor=w.admin_user, volunteer=w.volunteer, period_start=start, period_end=end)
    assert c.issued_by == w.admin_user


@pytest.mark.parametrize(
    ("offsets", "error"), [((0, -1), InvalidPeriod), ((-5, 1), InvalidPeriod), ((-400, -365), NothingToCertify)]
)
def test_bad_certificate_periods_are_refused(w: World, offsets: tuple[int, int], error: type) -> None:
    post_record(volunteer=w.volunteer, minutes=60, activity=w.activity)
    today = timezone.localdate()
    start, end = (today + datetime.timedelta(days=d) for d in offsets)
    with pytest.raises(error):
        certificate_issue(actor=w.volunteer_user, volunteer=w.volunteer, period_start=start, period_end=end)
    assert not Certificate.objects.exists()


def test_the_certificate_pdf_renders_with_its_number_and_qr(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    start, end = _period()
    c = certificate_issue(actor=w.volunteer_user, volunteer=w.volunteer, period_start=start, period_end=end)
    pdf = certificate_pdf(certificate=c, verify_url=f"https://redvest.example/records/verify/{c.verify_token}/")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000  # embedded CJK glyphs and the QR image


def test_a_control_character_in_the_name_prints_as_if_it_were_not_there(w: World) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    start, end = _period()
    c = certificate_issue(actor=w.volunteer_user, volunteer=w.volunteer, period_start=start, period_end=end)
    url = f"https://redvest.example/records/verify/{c.verify_token}/"
    clean = certificate_pdf(certificate=c, verify_url=url)
    w.volunteer.name = w.volunteer.name[:1] + "\x1b\x0c" + w.volunteer.name[1:]  # a row stored before input checks
    w.volunteer.save(update_fields=["name"])
    c.refresh_from_db()
    assert certificate_pdf(certificate=c, verify_url=url) == clean


def test_the_public_verify_page_confirms_without_personal_data(w: World, client: Client) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    start, end = _period()
    c = certificate_issue(actor=w.volunteer_user, volunteer=w.volunteer, period_start=start, period_end=end)
    response = client.get(reverse("records:certificate-verify", args=[c.verify_token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert c.number in body and "证明真实有效" in body and "1.6 小时" in body
    assert "李*志" in body or "李*" in body
    assert w.volunteer.name not in body and w.volunteer.number not in body
    assert w.volunteer.id_number_masked not in body and w.volunteer.phone_masked not in body
    assert "!!MISSING" not in body


def test_a_revoked_certificate_page_says_so(w: World, client: Client) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    start, end = _period()
    c = certificate_issue(actor=w.volunteer_user, volunteer=w.volunteer, period_start=start, period_end=end)
    certificate_revoke(actor=w.admin_user, certificate=c, reason="时长核查有误")
    body = client.get(reverse("records:certificate-verify", args=[c.verify_token])).content.decode()
    assert "该证明已撤销" in body and "证明真实有效" not in body
    with pytest.raises(CertificateRevoked):
        certificate_revoke(actor=w.admin_user, certificate=c, reason="再次撤销")


@pytest.mark.parametrize("who", ["volunteer_user", "leader_user", "other_admin_user"])
def test_only_an_org_admin_revokes(w: World, who: str) -> None:
    post_record(volunteer=w.volunteer, minutes=95, activity=w.activity)
    start, end = _period()
    c = certificate_issue(actor=w.volunteer_user, volunteer=w.volunteer, period_start=start, period_end=end)
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=getattr(w, who), certificate=c, reason="撤销")
    c.refresh_from_db()
    assert c.revoked_at is None


def test_an_unknown_verify_token_is_404(client: Client, db: None) -> None:
    response = client.get(reverse("records:certificate-verify", args=["no-such-token"]))
    assert response.status_code == 404
    assert "未找到该证明" in response.content.decode()
