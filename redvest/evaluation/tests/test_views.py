"""Pages: permissions, messages, writes through the services, public pages without login, query counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from redvest.evaluation.models import EvaluationRound, EvaluationScheme, PublicityConsent, RankingEntry, ScoreAdjustment
from redvest.evaluation.selectors import round_scores
from redvest.evaluation.services import round_create, round_publish, round_review_all
from redvest.evaluation.tests.conftest import IN_Q1
from redvest.evaluation.tests.factories import PublicityConsentFactory, at
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.teams.tests.factories import org_admin_at, volunteer_login

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def computed(scored) -> EvaluationRound:
    return round_create(actor=scored.admin, org=scored.tree.county, year=2026, quarter=1, cohort_kind=OrgKind.TOWN)


def published(scored) -> EvaluationRound:
    r = computed(scored)
    round_review_all(actor=scored.admin, round=r)
    return round_publish(actor=scored.admin, round=r)


def test_scheme_form_refuses_weights_not_totalling_100(tree, county_admin):
    response = as_user(county_admin).post(
        reverse("evaluation:scheme-list"),
        {"org": tree.county.pk, "name": "县级方案", "weight_activities": "60", "norm_activities": "max"}
        | {
            f"norm_{m}": "max"
            for m in (
                "hours_per_member",
                "satisfaction",
                "reports_on_time",
                "care_on_time",
                "points_per_member",
                "requests_on_time",
            )
        },
    )
    assert response.status_code == 400
    assert "各项指标权重合计须为100%，当前合计60%" in response.content.decode()
    assert not EvaluationScheme.objects.exists()


def test_scheme_form_creates_a_scheme(tree, county_admin):
    norms = {
        f"norm_{m}": "max"
        for m in (
            "hours_per_member",
            "activities",
            "satisfaction",
            "reports_on_time",
            "care_on_time",
            "points_per_member",
            "requests_on_time",
        )
    }
    response = as_user(county_admin).post(
        reverse("evaluation:scheme-list"),
        {"org": tree.county.pk, "name": "县级方案", "weight_activities": "60", "weight_satisfaction": "40"} | norms,
    )
    scheme = EvaluationScheme.objects.get()
    assert response.status_code == 302
    assert sorted(scheme.criteria.values_list("metric", "weight")) == [("activities", 60), ("satisfaction", 40)]


def test_round_can_be_created_adjusted_reviewed_and_published_through_the_pages(scored):
    client = as_user(scored.admin)
    response = client.post(
        reverse("evaluation:round-list"),
        {"org": scored.tree.county.pk, "year": 2026, "quarter": 1, "cohort_kind": "town"},
    )
    r = EvaluationRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:round-detail", args=[r.pk])
    score = round_scores(round=r).first()
    detail = reverse("evaluation:round-detail", args=[r.pk])
    no_reason = client.post(
        reverse("evaluation:round-adjust", args=[r.pk]), {"score": score.pk, "delta": "2", "reason": ""}
    )
    assert no_reason.status_code == 400 and "请填写调整理由" in no_reason.content.decode()
    assert not ScoreAdjustment.objects.exists()
    client.post(
        reverse("evaluation:round-adjust", args=[r.pk]), {"score": score.pk, "delta": "2", "reason": "承办现场会"}
    )
    assert ScoreAdjustment.objects.get().reason == "承办现场会"
    refused = client.post(reverse("evaluation:round-publish", args=[r.pk]))
    assert refused.status_code == 409
    assert "还有2个组织的得分未审核" in refused.content.decode()
    client.post(reverse("evaluation:round-review", args=[r.pk]), {"all": "1"})
    response = client.post(reverse("evaluation:round-publish", args=[r.pk]))
    assert response.status_code == 302
    assert RankingEntry.objects.filter(round=r).count() == 2
    assert client.get(detail).status_code == 200


def test_town_admin_cannot_open_the_county_round(scored):
    r = computed(scored)
    response = as_user(org_admin_at(scored.tree.town_a)).get(reverse("evaluation:round-detail", args=[r.pk]))
    assert response.status_code == 404


def test_volunteer_cannot_use_admin_pages(tree):
    client = as_user(volunteer_login(tree.town_a))
    for name in ("evaluation:round-list", "evaluation:scheme-list", "evaluation:bonus", "evaluation:volunteer-list"):
        assert client.get(reverse(name)).status_code == 403


def test_public_ranking_needs_no_login_but_only_shows_published_rounds(scored):
    r = computed(scored)
    anonymous = Client()
    assert anonymous.get(reverse("evaluation:public-ranking", args=[r.pk])).status_code == 404
    round_review_all(actor=scored.admin, round=r)
    round_publish(actor=scored.admin, round=r)
    page = anonymous.get(reverse("evaluation:public-ranking", args=[r.pk]))
    assert page.status_code == 200
    assert "画溪街道" in page.content.decode()
    assert anonymous.get(reverse("evaluation:public-list")).status_code == 200


def test_public_volunteer_list_masks_names_without_consent(scored):
    from redvest.demand.models import DispatchStatus
    from redvest.demand.tests.factories import DispatchFactory, FeedbackFactory, ServiceRequestFactory
    from redvest.volunteers.tests.factories import VolunteerFactory

    r = published(scored)
    shown = VolunteerFactory(org=scored.tree.town_a, name="王小明")
    hidden = VolunteerFactory(org=scored.tree.town_a, name="李大伟")
    PublicityConsentFactory(volunteer=shown, granted=True)
    for v in (shown, hidden):
        request = ServiceRequestFactory(area=scored.tree.town_a, status="closed")
        DispatchFactory(request=request, volunteer=v, status=DispatchStatus.DONE)
        FeedbackFactory(request=request, created_at=at(IN_Q1))
    html = Client().get(reverse("evaluation:public-volunteers", args=[r.pk])).content.decode()
    assert "王小明" in html and "李*伟" in html and "李大伟" not in html


def test_round_list_and_detail_queries_do_not_grow(scored, django_assert_max_num_queries):
    client = as_user(scored.admin)
    r = computed(scored)
    with django_assert_max_num_queries(14):
        client.get(reverse("evaluation:round-detail", args=[r.pk]))
    for i in range(8):
        org_node(name=f"新街道{i}", kind=OrgKind.TOWN, parent=scored.tree.county)
    r2 = round_create(actor=scored.admin, org=scored.tree.county, year=2026, quarter=2, cohort_kind=OrgKind.TOWN)
    with django_assert_max_num_queries(14):
        client.get(reverse("evaluation:round-detail", args=[r2.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluation:round-list"))
    round_create(actor=scored.admin, org=scored.tree.county, year=2026, quarter=3, cohort_kind=OrgKind.TOWN)
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluation:round-list"))


def test_public_pages_queries_do_not_grow(scored, django_assert_max_num_queries):
    r = published(scored)
    client = Client()
    with django_assert_max_num_queries(4):
        client.get(reverse("evaluation:public-ranking", args=[r.pk]))
    for i in range(8):
        RankingEntry.objects.create(
            round=r,
            org=org_node(name=f"x{i}", kind=OrgKind.TOWN, parent=scored.tree.county),
            org_name=f"x{i}",
            score=1,
            rank=3,
        )
    with django_assert_max_num_queries(4):
        client.get(reverse("evaluation:public-ranking", args=[r.pk]))
    with django_assert_max_num_queries(4):
        client.get(reverse("evaluation:public-list"))


def test_bonus_page_export_and_rule(tree, county_admin, django_assert_max_num_queries):
    client = as_user(county_admin)
    response = client.post(
        reverse("evaluation:bonus") + "?year=2026&quarter=1", {"organise_points": "5", "join_points": "x"}
    )
    assert response.status_code == 400
    client.post(reverse("evaluation:bonus"), {"organise_points": "5", "join_points": "2", "is_active": "on"})
    with django_assert_max_num_queries(12):
        page = client.get(reverse("evaluation:bonus") + "?year=2026&quarter=1")
    assert "牵头5分/参与2分" in page.content.decode()
    export = client.get(reverse("evaluation:bonus-export") + "?year=2026&quarter=1")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_volunteer_evaluation_page_and_my_view(tree, county_admin, django_assert_max_num_queries):
    admin = as_user(county_admin)
    with django_assert_max_num_queries(12):
        response = admin.get(reverse("evaluation:volunteer-list") + "?year=2026&quarter=1")
    assert response.status_code == 200
    user = volunteer_login(tree.town_a)
    client = as_user(user)
    assert "还没有群众评价" in client.get(reverse("evaluation:my-evaluation")).content.decode()
    client.post(reverse("evaluation:my-evaluation"), {"granted": "1"})
    assert PublicityConsent.objects.get().granted is True


def test_volunteer_evaluation_list_queries_do_not_grow(tree, county_admin, django_assert_max_num_queries):
    from redvest.demand.models import DispatchStatus
    from redvest.demand.tests.factories import DispatchFactory, FeedbackFactory, ServiceRequestFactory
    from redvest.volunteers.tests.factories import VolunteerFactory

    def rated_volunteer() -> None:
        request = ServiceRequestFactory(area=tree.town_a, status="closed")
        DispatchFactory(request=request, volunteer=VolunteerFactory(org=tree.town_a), status=DispatchStatus.DONE)
        FeedbackFactory(request=request, created_at=at(IN_Q1))

    admin = as_user(county_admin)
    url = reverse("evaluation:volunteer-list") + "?year=2026&quarter=1"
    rated_volunteer()
    with django_assert_max_num_queries(13):
        assert admin.get(url).context["page"].count == 1
    for _ in range(9):
        rated_volunteer()
    with django_assert_max_num_queries(13):
        assert admin.get(url).context["page"].count == 10


def test_volunteer_list_shows_no_data_for_a_volunteer_with_only_blank_ratings(tree, county_admin):
    from redvest.demand.models import DispatchStatus, SpotCheckStatus
    from redvest.demand.tests.factories import DispatchFactory, ServiceRequestFactory, SpotCheckFactory
    from redvest.volunteers.tests.factories import VolunteerFactory

    volunteer = VolunteerFactory(org=tree.town_a, name="赵无评")
    request = ServiceRequestFactory(area=tree.town_a, status="closed")
    DispatchFactory(request=request, volunteer=volunteer, status=DispatchStatus.DONE)
    SpotCheckFactory(request=request, status=SpotCheckStatus.DONE, verified=True, rating="", checked_at=at(IN_Q1))
    html = as_user(county_admin).get(reverse("evaluation:volunteer-list") + "?year=2026&quarter=1").content.decode()
    row = html[html.index("赵无评") : html.index("</tr>", html.index("赵无评"))]
    assert "无数据" in row and "100.0" not in row and "优秀" not in row
