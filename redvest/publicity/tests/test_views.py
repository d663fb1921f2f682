"""Pages: 我的承诺, commitments admin, the public wall (no login, consent masking), exemplars admin and
public pages, training pages, 我的培训, the hours report and its Excel export; constant query counts."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.audit.models import AuditEntry
from redvest.publicity.models import AttendanceMark, Commitment, CommitmentFollowUp, Exemplar, ExemplarStatus
from redvest.publicity.tests.factories import (
    AttendanceMarkFactory,
    CommitmentFactory,
    EnrolmentFactory,
    ExemplarFactory,
    TrainingSessionFactory,
    admin_at,
    png_upload,
    volunteer_login,
)
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def page_ok(response, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content.decode()[:800]
    html: str = response.content.decode()
    assert "!!MISSING" not in html
    return html


def consent(volunteer, granted: bool = True) -> None:  # type: ignore[no-untyped-def]
    from redvest.evaluation.models import PublicityConsent

    PublicityConsent.objects.create(volunteer=volunteer, granted=granted, recorded_at=timezone.now())


# ---- commitments ---------------------------------------------------------------------------------


def test_volunteer_writes_a_commitment_on_my_page(tree):
    me = volunteer_login(tree.community_a)
    client = login(me.user)
    page_ok(client.get(reverse("publicity:my-commitments")))
    body = {
        "year": YEAR,
        "setting": "community",
        "text": "每月参加两次志愿服务",
        "target_kind": "minutes",
        "target_value": 24,
    }
    response = client.post(reverse("publicity:my-commitments"), body)
    assert response.status_code == 302
    c = Commitment.objects.get(volunteer=me)
    assert c.target_value == 24 * 60  # typed in hours, kept in minutes
    html = page_ok(client.get(reverse("publicity:my-commitments")))
    assert "每月参加两次志愿服务" in html and "0.0 / 24.0 小时" in html
    again = page_ok(client.post(reverse("publicity:my-commitments"), body), 409)
    assert "每人每年每个场景只能作一项承诺" in again


def test_volunteer_rewords_an_ongoing_commitment_but_not_a_judged_one(tree):
    me = volunteer_login(tree.community_a)
    c = CommitmentFactory(volunteer=me, text="每月一次")
    client = login(me.user)
    url = reverse("publicity:commitment-edit", args=[c.pk])
    assert "修改承诺" in page_ok(client.get(reverse("publicity:my-commitments")))
    assert "每月一次" in page_ok(client.get(url))
    page_ok(client.post(url, {"text": "", "target_kind": "", "target_value": ""}), 400)
    response = client.post(url, {"text": "每月两次", "target_kind": "minutes", "target_value": "12"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.text, c.target_kind, c.target_value) == ("每月两次", "minutes", 12 * 60)
    assert AuditEntry.objects.filter(action="update", target_id=str(c.pk), before__text="每月一次").exists()

    Commitment.objects.filter(pk=c.pk).update(status="fulfilled")
    html = page_ok(client.post(url, {"text": "再改一次", "target_kind": "", "target_value": ""}), 400)
    assert "承诺已有兑现结论，不能再修改" in html
    other = volunteer_login(tree.community_a)
    page_ok(login(other.user).get(url), 404)


def test_my_commitments_needs_a_volunteer_record(tree):
    html = page_ok(login(admin_at(tree.town_a)).get(reverse("publicity:my-commitments")), 403)
    assert "还不是注册志愿者" in html


def test_admin_enters_a_commitment_and_follows_it_up(tree):
    admin = admin_at(tree.town_a)
    v = VolunteerFactory(org=tree.community_a)
    client = login(admin)
    response = client.post(
        reverse("publicity:commitment-new"),
        {"volunteer_number": v.number, "year": YEAR, "setting": "village", "text": "帮扶困难党员群众"},
    )
    c = Commitment.objects.get(volunteer=v)
    assert response.status_code == 302 and c.created_by == admin
    url = reverse("publicity:commitment-detail", args=[c.pk])
    today = timezone.localdate().isoformat()
    page_ok(client.post(url, {"status": "fulfilled", "note": "", "followed_on": today}), 400)
    assert client.post(url, {"status": "fulfilled", "note": "已帮扶3户", "followed_on": today}).status_code == 302
    html = page_ok(client.get(url))
    assert "已帮扶3户" in html and CommitmentFollowUp.objects.count() == 1


def test_other_towns_admin_cannot_open_the_commitment(tree):
    c = CommitmentFactory(volunteer=VolunteerFactory(org=tree.community_a))
    page_ok(login(admin_at(tree.town_b)).get(reverse("publicity:commitment-detail", args=[c.pk])), 404)


@pytest.mark.parametrize("size", [1, 10])
def test_commitment_list_query_count_is_constant(tree, size, django_assert_num_queries):
    for i in range(size):
        CommitmentFactory(
            volunteer=VolunteerFactory(org=tree.community_a), target_kind="activities", target_value=i + 1
        )
    client = login(admin_at(tree.town_a))
    client.get(reverse("publicity:commitment-list"))
    with django_assert_num_queries(9):
        html = page_ok(client.get(reverse("publicity:commitment-list")))
    assert html.count("/publicity/commitments/") >= size


def test_wall_is_public_filtered_and_masks_names_without_consent(tree):
    shy = VolunteerFactory(org=tree.community_a, name="张三丰")
    proud = VolunteerFactory(org=tree.community_a, name="李四光")
    consent(proud)
    CommitmentFactory(volunteer=shy, text="维护社区和谐稳定")
    CommitmentFactory(volunteer=proud, setting="enterprise", text="服务企业转型升级")
    CommitmentFactory(volunteer=VolunteerFactory(org=tree.town_b), text="别处的承诺")
    html = page_ok(Client().get(reverse("publicity:wall", args=[tree.town_a.pk])))
    assert "张*丰" in html and "张三丰" not in html
    assert "李四光" in html
    assert "别处的承诺" not in html
    only = page_ok(
        Client().get(reverse("publicity:wall", args=[tree.town_a.pk]), {"setting": "enterprise", "year": YEAR})
    )
    assert "服务企业转型升级" in only and "维护社区和谐稳定" not in only
    page_ok(Client().get(reverse("publicity:wall-index")))
    page_ok(Client().get(reverse("publicity:wall", args=[999999])), 404)


@pytest.mark.parametrize("size", [1, 10])
def test_wall_query_count_is_constant(tree, size, django_assert_num_queries):
    for i in range(size):
        CommitmentFactory(
            volunteer=VolunteerFactory(org=tree.community_a), target_kind="minutes", target_value=60 * (i + 1)
        )
    with django_assert_num_queries(6):
        html = page_ok(Client().get(reverse("publicity:wall", args=[tree.county.pk])))
    assert html.count('class="wall-name"') == size


# ---- exemplars -----------------------------------------------------------------------------------


def test_admin_writes_story_with_photos_submits_and_publishes(tree, settings):
    admin = admin_at(tree.town_a)
    v = VolunteerFactory(org=tree.community_a, name="吴根升")
    client = login(admin)
    page_ok(client.get(reverse("publicity:exemplar-new")))
    response = client.post(
        reverse("publicity:exemplar-new"),
        {
            "title": "带头致富的吴根升",
            "org": tree.community_a.pk,
            "body": "农村党员志愿者吴根升带头致富。",
            "volunteer_numbers": v.number,
            "captions": "田间指导\n结对帮扶",
            "photos": [png_upload("a.png"), png_upload("b.png")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    e = Exemplar.objects.get()
    assert [p.caption for p in e.photos.all()] == ["田间指导", "结对帮扶"]
    for action in ("submit", "publish"):
        assert client.post(reverse("publicity:exemplar-action", args=[e.pk, action])).status_code == 302
    e.refresh_from_db()
    assert e.status == ExemplarStatus.PUBLISHED
    public = page_ok(Client().get(reverse("publicity:public-detail", args=[e.pk])))
    assert "吴*升" in public and "吴根升" not in public.replace("带头致富的吴根升", "").replace("吴根升带头", "")
    photo = e.photos.first()
    assert photo is not None
    assert Client().get(reverse("publicity:photo", args=[photo.pk])).status_code == 200


def test_bad_photo_shows_the_message_and_writes_nothing(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = admin_at(tree.town_a)
    v = VolunteerFactory(org=tree.community_a)
    html = page_ok(
        login(admin).post(
            reverse("publicity:exemplar-new"),
            {
                "title": "标题",
                "org": tree.community_a.pk,
                "body": "正文",
                "volunteer_numbers": v.number,
                "photos": [SimpleUploadedFile("x.exe", b"MZ")],
            },
        ),
        400,
    )
    assert "不是 JPG、PNG 或 WebP 图片" in html and not Exemplar.objects.exists()


def test_unpublish_with_reason_over_the_page_and_public_pages_hide_it(tree):
    admin = admin_at(tree.town_a)
    e = ExemplarFactory(org=tree.community_a, status=ExemplarStatus.PUBLISHED, published_at=timezone.now())
    client = login(admin)
    page_ok(client.post(reverse("publicity:exemplar-action", args=[e.pk, "unpublish"]), {"reason": ""}), 400)
    client.post(reverse("publicity:exemplar-action", args=[e.pk, "unpublish"]), {"reason": "事迹需核实"})
    page_ok(Client().get(reverse("publicity:public-detail", args=[e.pk])), 404)
    assert "事迹需核实" in page_ok(client.get(reverse("publicity:exemplar-detail", args=[e.pk])))


def test_draft_is_not_public(tree):
    e = ExemplarFactory(org=tree.community_a)
    page_ok(Client().get(reverse("publicity:public-detail", args=[e.pk])), 404)
    page_ok(login(admin_at(tree.town_b)).get(reverse("publicity:exemplar-detail", args=[e.pk])), 404)


@pytest.mark.parametrize("size", [1, 10])
def test_exemplar_lists_query_counts_are_constant(tree, size, django_assert_num_queries):
    for _ in range(size):
        e = ExemplarFactory(
            org=tree.community_a,
            status=ExemplarStatus.PUBLISHED,
            published_at=timezone.now(),
            people=[VolunteerFactory(org=tree.community_a)],
        )
        e.photos.create(image=png_upload(), caption="现场")
    with django_assert_num_queries(6):
        html = page_ok(Client().get(reverse("publicity:public-list")))
    assert html.count("<h2>") == size
    client = login(admin_at(tree.town_a))
    client.get(reverse("publicity:exemplar-list"))
    with django_assert_num_queries(9):
        page_ok(client.get(reverse("publicity:exemplar-list")))


# ---- training ------------------------------------------------------------------------------------


def test_admin_creates_session_and_volunteer_enrols(tree):
    admin = admin_at(tree.town_a)
    client = login(admin)
    page_ok(client.get(reverse("publicity:session-new")))
    start = timezone.localtime() + timezone.timedelta(days=3)
    body = {
        "title": "应急救护培训",
        "org": tree.town_a.pk,
        "category": "first_aid",
        "trainer": "李老师",
        "place": "党群服务中心",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timezone.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "minutes": 120,
        "capacity": 20,
    }
    response = client.post(reverse("publicity:session-new"), body)
    assert response.status_code == 302, response.content.decode()[:800]
    me = volunteer_login(tree.town_b)
    vclient = login(me.user)
    detail = response["Location"]
    assert "我要报名" in page_ok(vclient.get(detail))
    vclient.post(detail + "enrol/")
    assert "已报名" in page_ok(vclient.get(detail))
    assert "应急救护培训" in page_ok(vclient.get(reverse("publicity:my-training")))


def test_bulk_attendance_and_correction_on_one_page(tree):
    admin = admin_at(tree.town_a)
    s = TrainingSessionFactory(org=tree.town_a, minutes=90)
    a, b = EnrolmentFactory(session=s), EnrolmentFactory(session=s)
    client = login(admin)
    url = reverse("publicity:session-attendance", args=[s.pk])
    client.post(url, {"e": [a.pk, b.pk], f"attended_{a.pk}": "1"})
    assert AttendanceMark.objects.count() == 2
    html = page_ok(client.post(url, {"e": [a.pk, b.pk], f"attended_{a.pk}": "1", f"attended_{b.pk}": "1"}), 400)
    assert "更正原因" in html
    client.post(url, {"e": [a.pk, b.pk], f"attended_{a.pk}": "1", f"attended_{b.pk}": "1", "reason": "补签"})
    assert AttendanceMark.objects.filter(corrects__isnull=False, reason="补签").count() == 1
    detail = page_ok(client.get(reverse("publicity:session-detail", args=[s.pk])))
    assert "更正：补签" in detail
    page_ok(login(admin_at(tree.town_b)).post(url, {"e": [a.pk], f"attended_{a.pk}": "1"}), 404)


@pytest.mark.parametrize("size", [1, 10])
def test_session_list_and_my_training_query_counts_are_constant(tree, size, django_assert_num_queries):
    me = volunteer_login(tree.community_a)
    for _ in range(size):
        AttendanceMarkFactory(enrolment=EnrolmentFactory(session=TrainingSessionFactory(org=tree.town_a), volunteer=me))
    client = login(me.user)
    client.get(reverse("publicity:session-list"))
    with django_assert_num_queries(8):
        page_ok(client.get(reverse("publicity:session-list")))
    with django_assert_num_queries(11):
        page_ok(client.get(reverse("publicity:my-training")))


@pytest.mark.parametrize("size", [1, 10])
def test_hours_report_query_count_is_constant(tree, size, django_assert_num_queries):
    s = TrainingSessionFactory(org=tree.town_a, minutes=60)
    for _ in range(size):
        AttendanceMarkFactory(enrolment=EnrolmentFactory(session=s, volunteer=VolunteerFactory(org=tree.community_a)))
    client = login(admin_at(tree.town_a))
    client.get(reverse("publicity:hours-report"))
    with django_assert_num_queries(11):
        html = page_ok(client.get(reverse("publicity:hours-report"), {"org": tree.town_a.pk}))
    assert html.count('data-label="编号"') == size


def test_hours_report_excel_has_every_volunteer_and_minutes(tree, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from redvest.dashboards.tests.export_helpers import queued_export

    s1 = TrainingSessionFactory(org=tree.town_a, minutes=60)
    s2 = TrainingSessionFactory(org=tree.town_a, minutes=45)
    zhang = VolunteerFactory(org=tree.community_a, name="张三")
    li = VolunteerFactory(org=tree.town_a, name="李四")
    for s in (s1, s2):
        AttendanceMarkFactory(enrolment=EnrolmentFactory(session=s, volunteer=zhang))
    AttendanceMarkFactory(enrolment=EnrolmentFactory(session=s1, volunteer=li))
    AttendanceMarkFactory(enrolment=EnrolmentFactory(session=s2, volunteer=li), attended=False)
    client = login(admin_at(tree.town_a))
    url = f"{reverse('publicity:hours-report')}?org={tree.town_a.pk}"
    export, content = queued_export(client, django_capture_on_commit_callbacks, url)
    assert (export.table, export.row_count, export.total) == ("training_hours", 2, 2)
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert "雉城街道" in str(rows[0][0])
    assert rows[1][:6] == ("序号", "志愿者编号", "姓名", "所属组织", "出席培训（次）", "培训时长（分钟）")
    assert [(r[2], r[3], r[4], r[5], r[6]) for r in rows[2:]] == [
        ("张三", "城东社区", 2, 105, 1.8),
        ("李四", "雉城街道", 1, 60, 1.0),
    ]
    _, csv_content = queued_export(client, django_capture_on_commit_callbacks, url, fmt="csv")
    lines = csv_content.decode("utf-8-sig").splitlines()
    assert "雉城街道" in lines[0] and lines[2].endswith(",张三,城东社区,2,105,1.8")


def test_hours_report_is_for_admins(tree):
    me = volunteer_login(tree.community_a)
    page_ok(login(me.user).get(reverse("publicity:hours-report")), 403)


def test_hours_report_excel_writes_formula_like_names_as_text(tree, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from redvest.dashboards.tests.export_helpers import queued_export

    session = TrainingSessionFactory(org=tree.town_a, minutes=60)
    volunteer = VolunteerFactory(org=tree.town_a, name='=HYPERLINK("http://example.com","点击")\x1f')
    AttendanceMarkFactory(enrolment=EnrolmentFactory(session=session, volunteer=volunteer))
    client = login(admin_at(tree.town_a))
    url = f"{reverse('publicity:hours-report')}?org={tree.town_a.pk}"
    _, content = queued_export(client, django_capture_on_commit_callbacks, url)
    cell = load_workbook(io.BytesIO(content)).active["C3"]
    assert cell.value == '=HYPERLINK("http://example.com","点击")' and cell.data_type == "s"
