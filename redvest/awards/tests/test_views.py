"""Pages: permissions, messages with 4xx, query counts that do not grow with the rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.awards import services
from redvest.awards.models import AwardCampaign, Nomination, Objection, Stage, Vote
from redvest.awards.tests.factories import DAY, AwardCampaignFactory, Contest, JudgeFactory, VoteFactory
from redvest.core.navigation import entries_for
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def contest() -> Contest:
    return Contest()


def published(contest: Contest) -> list[Nomination]:
    """Three finalists scored and published (公示), the first without name consent."""
    now = timezone.now()
    entries = [
        contest.entry(contest.town_b, volunteer=VolunteerFactory(org=contest.town_b, name="张小明")),
        contest.entry(contest.town_b, volunteer=VolunteerFactory(org=contest.town_b, name="李晓华"), name_consent=True),
        contest.entry(contest.town_b),
    ]
    services.campaign_cut(actor=contest.admin, campaign=contest.campaign, now=now)
    expert = JudgeFactory(campaign=contest.campaign, org=contest.town_a, is_expert=True)
    for entry, score in zip(entries, [95, 85, 75], strict=True):
        services.score_record(actor=expert.user, nomination=entry, score=score, now=now)
    services.campaign_publish(actor=contest.admin, campaign=contest.campaign, now=now)
    return entries


def test_campaign_list_queries_do_not_grow(contest: Contest, django_assert_max_num_queries: Any) -> None:
    client = as_user(contest.admin)
    url = reverse("awards:campaign-list")
    client.get(url)
    with django_assert_max_num_queries(9) as one:
        assert client.get(url).status_code == 200
    for _ in range(9):
        AwardCampaignFactory(org=contest.county)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("年度优秀志愿者评选") >= 10


def test_entry_list_queries_do_not_grow(contest: Contest, django_assert_max_num_queries: Any) -> None:
    client = as_user(contest.admin)
    url = reverse("awards:entry-list", args=[contest.campaign.pk])
    contest.entry()
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        assert client.get(url).status_code == 200
    for _ in range(9):
        VoteFactory(judge=contest.judge_a, nomination=contest.entry())
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count("长期坚持社区志愿服务") == 10


def test_ballot_queries_do_not_grow_and_own_org_entries_are_disabled(
    contest: Contest, django_assert_max_num_queries: Any
) -> None:
    client = as_user(contest.judge_a.user)
    url = reverse("awards:ballot", args=[contest.campaign.pk])
    contest.entry(contest.town_a)
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        assert client.get(url).status_code == 200
    for _ in range(9):
        VoteFactory(judge=contest.judge_a, nomination=contest.entry(contest.town_b))
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count("本单位回避") == 1
    assert "由雉城街道推荐，属本单位，须回避" in body
    assert body.count("✓ 已投票") == 9


def test_vote_by_htmx_returns_the_row_and_the_counter(contest: Contest) -> None:
    contest.campaign.votes_per_judge = 3
    contest.campaign.save()
    entry = contest.entry(contest.town_b)
    client = as_user(contest.judge_a.user)
    url = reverse("awards:vote", args=[entry.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "✓ 已投票" in body and 'hx-swap-oob="true"' in body
    assert 'data-testid="votes-left">2<' in body
    again = client.post(url, HTTP_HX_REQUEST="true")
    assert again.status_code == 409 and "已对该参评对象投过票" in again.content.decode()
    assert Vote.objects.count() == 1


def test_vote_for_own_org_entry_is_refused_with_the_reason(contest: Contest) -> None:
    entry = contest.entry(contest.town_a)
    response = as_user(contest.judge_a.user).post(reverse("awards:vote", args=[entry.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and "须回避" in response.content.decode()
    assert not Vote.objects.exists()


def test_non_judge_gets_404_on_vote(contest: Contest) -> None:
    entry = contest.entry(contest.town_b)
    response = as_user(contest.admin).post(reverse("awards:vote", args=[entry.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_nominate_page_shows_remaining_quota_and_refuses_over_quota(contest: Contest) -> None:
    c = contest.campaign
    c.stage, c.default_quota = Stage.NOMINATION, 1
    c.nomination_opens, c.nomination_closes = timezone.now() - DAY, timezone.now() + DAY
    c.voting_opens, c.voting_closes = timezone.now() + 2 * DAY, timezone.now() + 3 * DAY
    c.save()
    client = as_user(contest.town_a_admin)
    url = reverse("awards:nominate", args=[c.pk])
    body = client.get(url).content.decode()
    assert "雉城街道：剩余名额 <strong>1</strong> / 1" in body
    first, second = VolunteerFactory(org=contest.town_a), VolunteerFactory(org=contest.town_a)
    ok = client.post(url, {"org": contest.town_a.pk, "target": first.number, "materials": "事迹突出"})
    assert ok.status_code == 302
    refused = client.post(url, {"org": contest.town_a.pk, "target": second.number, "materials": "事迹突出"})
    assert refused.status_code == 409 and "推荐名额已用完" in refused.content.decode()
    assert Nomination.objects.count() == 1


def test_campaign_create_page(contest: Contest) -> None:
    client = as_user(contest.admin)
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        reverse("awards:campaign-create"),
        {
            "org": contest.county.pk,
            "name": "2026年度优秀服务队",
            "kind": "team",
            "year": 2026,
            "nomination_opens": now.strftime(fmt),
            "nomination_closes": (now + DAY).strftime(fmt),
            "voting_opens": (now + 2 * DAY).strftime(fmt),
            "voting_closes": (now + 3 * DAY).strftime(fmt),
            "publicity_days": 7,
            "default_quota": 2,
            "finalists": 10,
            "tie_rule": "votes_time",
            "tiers": "一等奖 2\n二等奖 3",
            "team_active": "on",
            "min_team_activities": 3,
        },
    )
    assert response.status_code == 302
    campaign = AwardCampaign.objects.get(name="2026年度优秀服务队")
    assert campaign.rules == [{"code": "team_active", "param": 0}, {"code": "min_team_activities", "param": 3}]
    assert campaign.tiers == [["一等奖", 2], ["二等奖", 3]]
    detail = client.get(reverse("awards:campaign-detail", args=[campaign.pk])).content.decode()
    assert "年度开展活动不少于 3 场" in detail


def test_cut_page_states_the_rule(contest: Contest) -> None:
    contest.entry()
    body = as_user(contest.admin).get(reverse("awards:cut", args=[contest.campaign.pk])).content.decode()
    assert "票数相同按服务业绩" in body and "截止投票并生成入围名单" in body


def test_public_results_need_no_login_and_mask_names_without_consent(contest: Contest) -> None:
    published(contest)
    body = Client().get(reverse("awards:results", args=[contest.campaign.pk])).content.decode()
    assert "张*明" in body and "张小明" not in body
    assert "李晓华" in body
    assert "提出异议" in body


def test_results_pdf_is_a_pdf(contest: Contest) -> None:
    published(contest)
    response = Client().get(reverse("awards:results-pdf", args=[contest.campaign.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_results_of_a_campaign_still_voting_are_not_public(contest: Contest) -> None:
    response = Client().get(reverse("awards:results", args=[contest.campaign.pk]))
    assert response.status_code == 404 and "尚未公示" in response.content.decode()


def test_public_objection_with_phone(contest: Contest) -> None:
    entries = published(contest)
    url = reverse("awards:objection-new", args=[entries[0].pk])
    bad = Client().post(url, {"reason": "有问题"})
    assert bad.status_code == 400 and "请填写联系电话" in bad.content.decode()
    ok = Client().post(url, {"reason": "该同志服务时长存在疑问", "contact_name": "王先生", "phone": "13800138000"})
    assert ok.status_code == 302
    assert Objection.objects.get().phone_masked == "138****8000"


def test_admin_resolves_objection_and_tiers_are_recomputed(contest: Contest) -> None:
    entries = published(contest)
    objection = services.objection_file(
        actor=contest.town_a_admin, nomination=entries[0], reason="事迹材料与事实不符", now=timezone.now()
    )
    client = as_user(contest.admin)
    listing = client.get(reverse("awards:objection-list", args=[contest.campaign.pk])).content.decode()
    assert "事迹材料与事实不符" in listing
    client.post(
        reverse("awards:objection-resolve", args=[objection.pk]), {"decision": "upheld", "resolution": "经核实属实"}
    )
    body = Client().get(reverse("awards:results", args=[contest.campaign.pk])).content.decode()
    assert "经公示异议取消" in body and "公示异议成立：经核实属实" in body


def test_town_admin_cannot_change_a_county_campaign(contest: Contest) -> None:
    client = as_user(contest.town_a_admin)
    assert client.get(reverse("awards:campaign-detail", args=[contest.campaign.pk])).status_code == 200
    response = client.post(reverse("awards:campaign-advance", args=[contest.campaign.pk]))
    assert response.status_code == 404


def test_stranger_cannot_see_the_campaign(contest: Contest) -> None:
    other = RoleAssignmentFactory(role=Role.ORG_ADMIN, org=contest.town_b).user
    assert as_user(other).get(reverse("awards:campaign-detail", args=[contest.campaign.pk])).status_code == 200
    assert as_user(UserFactory()).get(reverse("awards:campaign-detail", args=[contest.campaign.pk])).status_code == 404


def test_judge_sees_campaign_and_entries(contest: Contest) -> None:
    contest.entry()
    client = as_user(contest.judge_b.user)
    assert "去投票" in client.get(reverse("awards:campaign-list")).content.decode()
    assert client.get(reverse("awards:entry-list", args=[contest.campaign.pk])).status_code == 200


def test_nav_entry_for_admins_and_volunteers(contest: Contest) -> None:
    url = reverse("awards:campaign-list")
    assert url in {e.url for e in entries_for(contest.admin)}
    resident = RoleAssignmentFactory(role=Role.RESIDENT, org=contest.town_a).user
    assert url not in {e.url for e in entries_for(resident)}


def test_stage_advance_button(contest: Contest) -> None:
    contest.campaign.stage = Stage.DRAFT
    contest.campaign.save()
    as_user(contest.admin).post(reverse("awards:campaign-advance", args=[contest.campaign.pk]))
    contest.campaign.refresh_from_db()
    assert contest.campaign.stage == Stage.NOMINATION


def test_expert_scoring_page(contest: Contest) -> None:
    entry = contest.entry(contest.town_b)
    services.campaign_cut(actor=contest.admin, campaign=contest.campaign, now=timezone.now())
    expert = JudgeFactory(campaign=contest.campaign, org=contest.town_a, is_expert=True)
    client = as_user(expert.user)
    url = reverse("awards:scoring", args=[contest.campaign.pk])
    assert entry.name in client.get(url).content.decode()
    client.post(url, {"nomination": entry.pk, "score": 91})
    assert "91 分" in client.get(url).content.decode()
    client.post(url, {"nomination": entry.pk, "score": 60})
    follow = client.get(url)
    assert "已为该入围对象评过分" in follow.content.decode()


def test_withdraw_page(contest: Contest) -> None:
    entry = contest.entry(contest.town_a)
    client = as_user(contest.town_a_admin)
    response = client.post(reverse("awards:entry-withdraw", args=[entry.pk]), {"reason": "本人谦让"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "withdrawn"


def test_consent_from_the_evaluation_register_unmasks_the_name(contest: Contest) -> None:
    from redvest.evaluation.tests.factories import PublicityConsentFactory

    entries = published(contest)
    PublicityConsentFactory(volunteer=entries[0].volunteer, granted=True)
    body = Client().get(reverse("awards:results", args=[contest.campaign.pk])).content.decode()
    assert "张小明" in body


def test_cut_page_after_the_decision_lists_the_snapshot(contest: Contest, django_assert_max_num_queries: Any) -> None:
    for _ in range(4):
        contest.entry()
    services.campaign_cut(actor=contest.admin, campaign=contest.campaign, now=timezone.now())
    client = as_user(contest.admin)
    url = reverse("awards:cut", args=[contest.campaign.pk])
    with django_assert_max_num_queries(20):
        body = client.get(url).content.decode()
    assert body.count("入围</span>") == 3 and "名单为当时票数的快照" in body
    judge_view = as_user(contest.judge_b.user).get(url)
    assert judge_view.status_code == 200


def test_admin_adds_a_judge_and_a_quota_from_the_campaign_page(contest: Contest) -> None:
    from redvest.awards.models import Judge, QuotaOverride

    newcomer = UserFactory(username="pingwei")
    client = as_user(contest.admin)
    detail = reverse("awards:campaign-detail", args=[contest.campaign.pk])
    assert "画溪街道" in client.get(detail).content.decode()
    client.post(
        reverse("awards:judge-add", args=[contest.campaign.pk]),
        {"judge-username": "pingwei", "judge-org": contest.town_b.pk, "judge-is_expert": "on"},
    )
    judge = Judge.objects.get(user=newcomer)
    assert (judge.org, judge.is_expert) == (contest.town_b, True)
    client.post(
        reverse("awards:quota-set", args=[contest.campaign.pk]), {"quota-org": contest.town_a.pk, "quota-quota": 5}
    )
    assert QuotaOverride.objects.get(org=contest.town_a).quota == 5
    page = client.get(detail).content.decode()
    assert "pingwei" in page or newcomer.name in page
