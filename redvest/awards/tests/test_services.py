"""Every rule of the awards, through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from redvest.audit.models import AuditEntry
from redvest.awards import services
from redvest.awards.errors import (
    AlreadyScored,
    AlreadyVoted,
    NotAJudge,
    OwnOrganisation,
    QuotaExceeded,
    StageClosed,
    VotesUsedUp,
)
from redvest.awards.models import (
    AwardKind,
    Decision,
    DecisionKind,
    EntryType,
    Nomination,
    NominationStatus,
    ObjectionStatus,
    QuotaOverride,
    Stage,
    TieRule,
    Vote,
    VoteKind,
)
from redvest.awards.selectors import ballot, public_name, results
from redvest.awards.tests.factories import (
    DAY,
    Contest,
    ExpertScoreFactory,
    JudgeFactory,
    NominationFactory,
    VoteFactory,
)
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.records.tests.factories import post_record
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.models import VolunteerStatus
from redvest.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest() -> Contest:
    return Contest()


@pytest.fixture
def now() -> datetime.datetime:
    return timezone.now()


def open_nominations(contest: Contest, **changes: Any) -> None:
    c = contest.campaign
    c.stage = Stage.NOMINATION
    c.nomination_opens = timezone.now() - DAY
    c.nomination_closes = timezone.now() + DAY
    c.voting_opens = timezone.now() + 2 * DAY
    c.voting_closes = timezone.now() + 9 * DAY
    for k, v in changes.items():
        setattr(c, k, v)
    c.save()


def nominate(contest: Contest, volunteer: Any, now: datetime.datetime, **kw: Any) -> Nomination:
    return services.nomination_create(
        actor=kw.pop("actor", contest.town_a_admin),
        campaign=contest.campaign,
        org=kw.pop("org", contest.town_a),
        target_id=volunteer.pk,
        materials=kw.pop("materials", "多年坚持为社区老人服务"),
        now=now,
        **kw,
    )


# ---- Campaigns ---------------------------------------------------------------------------------


def campaign_data(**kw: Any) -> services.CampaignData:
    now = timezone.now()
    values: dict[str, Any] = {
        "name": "2026年度优秀志愿者",
        "kind": AwardKind.VOLUNTEER,
        "year": 2026,
        "nomination_opens": now,
        "nomination_closes": now + 10 * DAY,
        "voting_opens": now + 11 * DAY,
        "voting_closes": now + 15 * DAY,
        "rules": [{"code": "min_credit_hours", "param": 20}],
    }
    values.update(kw)
    return services.CampaignData(**values)


def test_campaign_create_implies_the_entry_type_and_is_audited(contest: Contest) -> None:
    campaign = services.campaign_create(actor=contest.admin, org=contest.county, data=campaign_data())
    assert campaign.entry_type == EntryType.VOLUNTEER
    assert campaign.stage == Stage.DRAFT
    assert AuditEntry.objects.filter(target_type="awards.awardcampaign", target_id=str(campaign.pk)).exists()


def test_custom_campaign_needs_an_entry_type(contest: Contest) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.campaign_create(actor=contest.admin, org=contest.county, data=campaign_data(kind=AwardKind.CUSTOM))
    assert "entry_type" in err.value.errors
    custom = services.campaign_create(
        actor=contest.admin,
        org=contest.county,
        data=campaign_data(kind=AwardKind.CUSTOM, entry_type=EntryType.TEAM, rules=[{"code": "team_active"}]),
    )
    assert custom.entry_type == EntryType.TEAM


def test_campaign_refuses_rules_that_do_not_fit_and_bad_dates(contest: Contest) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.campaign_create(
            actor=contest.admin,
            org=contest.county,
            data=campaign_data(rules=[{"code": "min_team_activities", "param": 3}], voting_opens=timezone.now()),
        )
    assert set(err.value.errors) == {"rules", "voting_opens"}


def test_town_admin_cannot_run_a_county_campaign(contest: Contest) -> None:
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=contest.town_a_admin, org=contest.county, data=campaign_data())


def test_stages_advance_by_hand_only_where_no_decision_is_needed(contest: Contest, now: datetime.datetime) -> None:
    contest.campaign.stage = Stage.DRAFT
    contest.campaign.save()
    assert services.campaign_advance(actor=contest.admin, campaign=contest.campaign, now=now).stage == Stage.NOMINATION
    assert services.campaign_advance(actor=contest.admin, campaign=contest.campaign, now=now).stage == Stage.VOTING
    with pytest.raises(StageClosed):
        services.campaign_advance(actor=contest.admin, campaign=contest.campaign, now=now)


# ---- Nominations: quota, eligibility, withdrawal ---------------------------------------------------


def test_nomination_within_quota_with_files(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest)
    volunteer = VolunteerFactory(org=contest.community_a)
    upload = SimpleUploadedFile("事迹.pdf", b"%PDF-1.4 materials", content_type="application/pdf")
    n = nominate(contest, volunteer, now, files=[upload], name_consent=True)
    assert (n.org, n.name, n.files.count(), n.name_consent) == (contest.town_a, volunteer.name, 1, True)


def test_over_quota_is_refused_and_writes_nothing(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest, default_quota=2)
    for _ in range(2):
        nominate(contest, VolunteerFactory(org=contest.town_a), now)
    before = (Nomination.objects.count(), AuditEntry.objects.count())
    with pytest.raises(QuotaExceeded) as err:
        nominate(contest, VolunteerFactory(org=contest.town_a), now)
    assert "名额已用完" in err.value.message and "共2个" in err.value.message
    assert (Nomination.objects.count(), AuditEntry.objects.count()) == before


def test_per_org_quota_override(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest, default_quota=1)
    services.quota_set(actor=contest.admin, campaign=contest.campaign, org=contest.town_a, quota=2)
    nominate(contest, VolunteerFactory(org=contest.town_a), now)
    nominate(contest, VolunteerFactory(org=contest.town_a), now)
    with pytest.raises(QuotaExceeded):
        nominate(contest, VolunteerFactory(org=contest.town_a), now)
    assert QuotaOverride.objects.get().quota == 2


def test_withdrawn_nomination_frees_its_quota(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest, default_quota=1)
    n = nominate(contest, VolunteerFactory(org=contest.town_a), now)
    services.nomination_withdraw(actor=contest.town_a_admin, nomination=n, reason="本人谦让", now=now)
    assert Nomination.objects.get(pk=n.pk).status == NominationStatus.WITHDRAWN
    nominate(contest, VolunteerFactory(org=contest.town_a), now)


def test_ineligible_volunteer_is_refused_with_the_reason(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest, rules=[{"code": "min_credit_hours", "param": 20}, {"code": "registered", "param": 0}])
    short = VolunteerFactory(org=contest.town_a, status=VolunteerStatus.SUSPENDED)
    post_record(volunteer=short, minutes=600)
    with pytest.raises(ValidationFailed) as err:
        nominate(contest, short, now)
    message = err.value.errors["target"]
    assert "不足 20 小时" in message and "10.0 小时" in message and "暂停" in message
    assert not Nomination.objects.exists()


def test_eligible_volunteer_with_enough_hours_is_accepted(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest, rules=[{"code": "min_credit_hours", "param": 20}])
    volunteer = VolunteerFactory(org=contest.town_a)
    post_record(volunteer=volunteer, minutes=20 * 60)
    assert nominate(contest, volunteer, now).status == NominationStatus.ACTIVE


def test_eligibility_rules_are_evaluated_in_bulk(contest: Contest, django_assert_num_queries: Any) -> None:
    from redvest.awards.rules import ineligible_reasons

    contest.campaign.rules = [{"code": "min_credit_hours", "param": 1}, {"code": "party_member", "param": 0}]
    people = [VolunteerFactory(org=contest.town_a) for _ in range(5)]
    post_record(volunteer=people[0], minutes=90)
    with django_assert_num_queries(2):
        reasons = ineligible_reasons(contest.campaign, [p.pk for p in people])
    assert set(reasons) == {p.pk for p in people[1:]}


def test_team_campaign_counts_team_activities(contest: Contest, now: datetime.datetime) -> None:
    from redvest.activities.tests.factories import ActivityFactory

    open_nominations(
        contest,
        kind=AwardKind.TEAM,
        entry_type=EntryType.TEAM,
        rules=[{"code": "min_team_activities", "param": 2}],
    )
    team = TeamFactory(org=contest.town_a)
    ActivityFactory(org=contest.town_a).teams.add(team)
    with pytest.raises(ValidationFailed) as err:
        nominate(contest, team, now)
    assert "开展活动 1 场，不足 2 场" in err.value.errors["target"]
    ActivityFactory(org=contest.town_a).teams.add(team)
    assert nominate(contest, team, now).team == team


def test_target_outside_the_nominating_org_is_refused(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest)
    with pytest.raises(ValidationFailed) as err:
        nominate(contest, VolunteerFactory(org=contest.town_b), now)
    assert "不属于" in err.value.errors["target"]


def test_nominating_for_an_org_one_does_not_administer_is_refused(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest)
    with pytest.raises(PermissionDenied):
        nominate(contest, VolunteerFactory(org=contest.town_b), now, org=contest.town_b)


def test_same_target_twice_is_refused(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest)
    volunteer = VolunteerFactory(org=contest.town_a)
    nominate(contest, volunteer, now)
    with pytest.raises(ValidationFailed):
        nominate(contest, volunteer, now)


def test_nominations_only_inside_the_window(contest: Contest, now: datetime.datetime) -> None:
    open_nominations(contest, nomination_closes=now - datetime.timedelta(minutes=1))
    with pytest.raises(StageClosed, match="推荐已截止"):
        nominate(contest, VolunteerFactory(org=contest.town_a), now)
    contest.campaign.stage = Stage.VOTING
    contest.campaign.save()
    with pytest.raises(StageClosed):
        nominate(contest, VolunteerFactory(org=contest.town_a), now)


def test_withdrawal_after_voting_closed_is_refused(contest: Contest, now: datetime.datetime) -> None:
    entry = contest.entry(contest.town_a)
    with pytest.raises(StageClosed):
        services.nomination_withdraw(
            actor=contest.town_a_admin, nomination=entry, reason="x", now=contest.campaign.voting_closes
        )
    services.nomination_withdraw(actor=contest.town_a_admin, nomination=entry, reason="本人要求", now=now)


# ---- Votes -------------------------------------------------------------------------------------


def test_vote_is_recorded_and_audited(contest: Contest, now: datetime.datetime) -> None:
    entry = contest.entry(contest.town_b)
    vote = services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=now)
    audit = AuditEntry.objects.get(target_type="awards.vote", target_id=str(vote.pk))
    assert audit.actor == contest.judge_a.user
    assert audit.after == {"judge": contest.judge_a.pk, "nomination": entry.pk, "kind": "vote"}


def test_second_vote_for_the_same_entry_is_refused(contest: Contest, now: datetime.datetime) -> None:
    entry = contest.entry(contest.town_b)
    services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=now)
    with pytest.raises(AlreadyVoted) as err:
        services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=now)
    assert err.value.message == "已对该参评对象投过票"
    assert err.value.status == 409
    assert Vote.objects.count() == 1


def test_database_refuses_a_second_vote_even_when_the_check_is_skipped(
    contest: Contest, now: datetime.datetime
) -> None:
    """The race: two requests both pass the service check; the partial unique constraint stops one."""
    vote = VoteFactory(judge=contest.judge_a, nomination=contest.entry(contest.town_b))
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(campaign=vote.campaign, judge=vote.judge, nomination=vote.nomination, cast_at=now)


def test_constraint_violation_inside_the_service_becomes_the_same_message(
    contest: Contest, now: datetime.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = contest.entry(contest.town_b)
    VoteFactory(judge=contest.judge_a, nomination=entry)
    real_filter = Vote.objects.filter

    def blind_filter(*args: Any, **kwargs: Any) -> Any:  # the check of the racing request saw nothing yet
        qs = real_filter(*args, **kwargs)
        return qs.none() if kwargs.get("kind") == VoteKind.VOTE and "nomination" in kwargs else qs

    monkeypatch.setattr(Vote.objects, "filter", blind_filter)
    with pytest.raises(AlreadyVoted, match="已对该参评对象投过票"):
        services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=now)
    assert real_filter(judge=contest.judge_a).count() == 1


def test_judge_cannot_vote_for_own_organisation_or_below(contest: Contest, now: datetime.datetime) -> None:
    own = contest.entry(contest.town_a)
    below = contest.entry(contest.community_a)
    for entry in (own, below):
        with pytest.raises(OwnOrganisation) as err:
            services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=now)
        assert "本单位" in err.value.message and err.value.status == 403
    assert not Vote.objects.exists()
    assert not AuditEntry.objects.filter(target_type="awards.vote").exists()


def test_judge_may_vote_for_a_parent_org_entry(contest: Contest, now: datetime.datetime) -> None:
    judge = JudgeFactory(campaign=contest.campaign, org=contest.community_a)
    assert services.vote_cast(actor=judge.user, nomination=contest.entry(contest.town_a), now=now).pk


def test_votes_only_while_voting_is_open(contest: Contest, now: datetime.datetime) -> None:
    entry = contest.entry(contest.town_b)
    with pytest.raises(StageClosed, match="投票已截止"):
        services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=contest.campaign.voting_closes)
    with pytest.raises(StageClosed, match="投票尚未开始"):
        services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=contest.campaign.voting_opens - DAY)
    contest.campaign.stage = Stage.NOMINATION
    contest.campaign.save()
    with pytest.raises(StageClosed, match="不在投票阶段"):
        services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=now)


def test_non_judge_cannot_vote(contest: Contest, now: datetime.datetime) -> None:
    with pytest.raises(NotAJudge):
        services.vote_cast(actor=contest.admin, nomination=contest.entry(), now=now)


def test_vote_limit_per_judge(contest: Contest, now: datetime.datetime) -> None:
    contest.campaign.votes_per_judge = 2
    contest.campaign.save()
    entries = [contest.entry(contest.town_b) for _ in range(3)]
    for entry in entries[:2]:
        services.vote_cast(actor=contest.judge_a.user, nomination=entry, now=now)
    with pytest.raises(VotesUsedUp, match="共2票"):
        services.vote_cast(actor=contest.judge_a.user, nomination=entries[2], now=now)
    assert ballot(user=contest.judge_a.user, campaign=contest.campaign).left == 0


def test_retraction_is_a_new_row_and_gives_the_vote_back(contest: Contest, now: datetime.datetime) -> None:
    contest.campaign.votes_per_judge = 1
    contest.campaign.allow_retraction = True
    contest.campaign.save()
    first, second = contest.entry(contest.town_b), contest.entry(contest.town_b)
    vote = services.vote_cast(actor=contest.judge_a.user, nomination=first, now=now)
    retraction = services.vote_retract(actor=contest.judge_a.user, vote=vote, reason="投错", now=now)
    assert (retraction.kind, retraction.retracts_id) == (VoteKind.RETRACTION, vote.pk)
    assert Vote.objects.get(pk=vote.pk).kind == VoteKind.VOTE  # the vote itself is untouched
    services.vote_cast(actor=contest.judge_a.user, nomination=second, now=now)
    assert services.tally(contest.campaign) == {first.pk: 0, second.pk: 1}


def test_retraction_refused_when_the_campaign_does_not_allow_it(contest: Contest, now: datetime.datetime) -> None:
    vote = services.vote_cast(actor=contest.judge_a.user, nomination=contest.entry(contest.town_b), now=now)
    with pytest.raises(StageClosed, match="不允许撤回"):
        services.vote_retract(actor=contest.judge_a.user, vote=vote, reason="", now=now)


def test_judge_at_the_campaign_org_is_refused(contest: Contest) -> None:
    from redvest.accounts.tests.factories import UserFactory

    with pytest.raises(ValidationFailed) as err:
        services.judge_add(actor=contest.admin, campaign=contest.campaign, user=UserFactory(), org=contest.county)
    assert "org" in err.value.errors


# ---- Cut, scores, tiers, publicity ----------------------------------------------------------------


def votes_for(contest: Contest, entry: Nomination, n: int) -> None:
    for _ in range(n):
        VoteFactory(judge=JudgeFactory(campaign=contest.campaign, org=contest.town_b), nomination=entry)


def test_cut_records_the_ranking_and_moves_to_review(contest: Contest, now: datetime.datetime) -> None:
    contest.campaign.tie_rule = TieRule.VOTES_TIME
    contest.campaign.save()
    entries = [contest.entry(contest.town_a, nominated_at=now - DAY * (10 - i)) for i in range(5)]
    for entry, n in zip(entries, [1, 4, 2, 2, 0], strict=True):
        votes_for(contest, entry, n)
    decision = services.campaign_cut(actor=contest.admin, campaign=contest.campaign, now=now)
    rows = list(decision.rows.order_by("rank"))
    assert [(r.nomination_id, r.votes, r.selected) for r in rows] == [
        (entries[1].pk, 4, True),
        (entries[2].pk, 2, True),  # nominated before entries[3]
        (entries[3].pk, 2, True),
        (entries[0].pk, 1, False),
        (entries[4].pk, 0, False),
    ]
    contest.campaign.refresh_from_db()
    assert contest.campaign.stage == Stage.REVIEW
    assert AuditEntry.objects.filter(target_type="awards.decision", target_id=str(decision.pk)).exists()
    with pytest.raises(StageClosed):
        services.vote_cast(actor=contest.judge_b.user, nomination=entries[0], now=now)


def test_cut_tie_broken_by_credit_hours(contest: Contest, now: datetime.datetime) -> None:
    contest.campaign.finalists = 1
    contest.campaign.tiers = [["一等奖", 1]]
    contest.campaign.save()
    busy, idle = contest.entry(contest.town_a), contest.entry(contest.town_a, nominated_at=now - 9 * DAY)
    post_record(volunteer=busy.volunteer, minutes=900)
    votes_for(contest, busy, 2)
    votes_for(contest, idle, 2)
    decision = services.campaign_cut(actor=contest.admin, campaign=contest.campaign, now=now)
    top = decision.rows.get(selected=True)
    assert (top.nomination_id, top.metric) == (busy.pk, 900)


def reviewing(contest: Contest, now: datetime.datetime, scores: dict[int, list[int]]) -> list[Nomination]:
    """Three finalists with the given expert scores (by finalist index); experts at town_b."""
    entries = [contest.entry(contest.town_a, nominated_at=now - DAY * (9 - i)) for i in range(3)]
    services.campaign_cut(actor=contest.admin, campaign=contest.campaign, now=now)
    experts = [JudgeFactory(campaign=contest.campaign, org=contest.town_b, is_expert=True) for _ in range(6)]
    for i, values in scores.items():
        for expert, value in zip(experts, values, strict=False):
            services.score_record(actor=expert.user, nomination=entries[i], score=value, now=now)
    return entries


def test_expert_scores_once_and_not_own_org(contest: Contest, now: datetime.datetime) -> None:
    entries = reviewing(contest, now, {})
    expert = JudgeFactory(campaign=contest.campaign, org=contest.town_b, is_expert=True)
    services.score_record(actor=expert.user, nomination=entries[0], score=88, now=now)
    with pytest.raises(AlreadyScored):
        services.score_record(actor=expert.user, nomination=entries[0], score=90, now=now)
    own = JudgeFactory(campaign=contest.campaign, org=contest.town_a, is_expert=True)
    with pytest.raises(OwnOrganisation):
        services.score_record(actor=own.user, nomination=entries[1], score=70, now=now)
    with pytest.raises(ValidationFailed):
        services.score_record(actor=expert.user, nomination=entries[1], score=101, now=now)
    with pytest.raises(PermissionDenied, match="终审专家"):
        services.score_record(actor=contest.judge_b.user, nomination=entries[1], score=70, now=now)


def test_publish_needs_every_finalist_scored(contest: Contest, now: datetime.datetime) -> None:
    reviewing(contest, now, {0: [80], 1: [70]})
    with pytest.raises(ValidationFailed, match="尚无专家评分"):
        services.campaign_publish(actor=contest.admin, campaign=contest.campaign, now=now)
    assert not Decision.objects.filter(kind=DecisionKind.TIERS).exists()


def test_publish_assigns_tiers_by_trimmed_mean_and_opens_publicity(contest: Contest, now: datetime.datetime) -> None:
    entries = reviewing(contest, now, {0: [100, 60, 70, 70, 70], 1: [80, 80], 2: [79, 99]})
    decision = services.campaign_publish(actor=contest.admin, campaign=contest.campaign, now=now)
    rows = {r.nomination_id: r for r in decision.rows.all()}
    assert rows[entries[0].pk].score == Decimal("70.00")  # 100 and 60 dropped
    assert rows[entries[2].pk].tier == "一等奖" and rows[entries[2].pk].score == Decimal("89.00")
    assert rows[entries[1].pk].tier == "二等奖"
    assert rows[entries[0].pk].tier == "三等奖"
    contest.campaign.refresh_from_db()
    assert contest.campaign.stage == Stage.PUBLICITY
    assert contest.campaign.publicity_ends == now + datetime.timedelta(days=7)


def test_upheld_objection_removes_the_entry_and_recomputes_tiers(contest: Contest, now: datetime.datetime) -> None:
    contest.campaign.tiers = [["一等奖", 1], ["二等奖", 1]]
    contest.campaign.save()
    entries = reviewing(contest, now, {0: [90], 1: [80], 2: [70]})
    published = services.campaign_publish(actor=contest.admin, campaign=contest.campaign, now=now)
    objection = services.objection_file(
        actor=None,
        nomination=entries[0],
        reason="服务时长存在虚报情况",
        contact_name="王先生",
        phone="13800138000",
        now=now,
    )
    assert objection.phone_masked == "138****8000"
    services.objection_resolve(actor=contest.admin, objection=objection, uphold=True, resolution="经核实属实", now=now)
    entries[0].refresh_from_db()
    assert entries[0].status == NominationStatus.REMOVED and "经核实属实" in entries[0].status_reason
    current = services.current_decision(contest.campaign, DecisionKind.TIERS)
    assert current is not None and current.supersedes_id == published.pk
    assert [(r.nomination_id, r.tier) for r in current.rows.order_by("rank")] == [
        (entries[1].pk, "一等奖"),
        (entries[2].pk, "二等奖"),
    ]
    assert AuditEntry.objects.filter(target_type="awards.objection", action="update").exists()
    assert [r.nomination_id for r in results(campaign=contest.campaign).rows] == [entries[1].pk, entries[2].pk]


def test_rejected_objection_changes_nothing(contest: Contest, now: datetime.datetime) -> None:
    entries = reviewing(contest, now, {0: [90], 1: [80], 2: [70]})
    published = services.campaign_publish(actor=contest.admin, campaign=contest.campaign, now=now)
    objection = services.objection_file(
        actor=contest.town_a_admin, nomination=entries[1], reason="材料与事实不符", now=now
    )
    objection = services.objection_resolve(
        actor=contest.admin, objection=objection, uphold=False, resolution="经核实不属实", now=now
    )
    assert services.current_decision(contest.campaign, DecisionKind.TIERS) == published
    assert objection.status == ObjectionStatus.REJECTED


def test_public_objection_needs_a_phone_and_the_period(contest: Contest, now: datetime.datetime) -> None:
    entries = reviewing(contest, now, {0: [90], 1: [80], 2: [70]})
    services.campaign_publish(actor=contest.admin, campaign=contest.campaign, now=now)
    with pytest.raises(ValidationFailed) as err:
        services.objection_file(actor=None, nomination=entries[0], reason="有问题", now=now)
    assert set(err.value.errors) == {"phone", "contact_name", "reason"}
    with pytest.raises(StageClosed):
        services.objection_file(
            actor=contest.admin, nomination=entries[0], reason="材料与事实不符", now=now + datetime.timedelta(days=8)
        )


def test_results_become_final_after_the_period_without_open_objections(
    contest: Contest, now: datetime.datetime
) -> None:
    entries = reviewing(contest, now, {0: [90], 1: [80], 2: [70]})
    services.campaign_publish(actor=contest.admin, campaign=contest.campaign, now=now)
    services.objection_file(actor=contest.admin, nomination=entries[0], reason="材料与事实不符", now=now)
    later = now + datetime.timedelta(days=8)
    assert services.campaigns_finalize_due(now=later) == 0
    with pytest.raises(StageClosed, match="未处理的异议"):
        services.campaign_advance(actor=contest.admin, campaign=contest.campaign, now=later)
    objection = contest.campaign.objections.get()
    services.objection_resolve(actor=contest.admin, objection=objection, uphold=False, resolution="不属实", now=later)
    assert services.campaigns_finalize_due(now=later) == 1
    contest.campaign.refresh_from_db()
    assert contest.campaign.stage == Stage.FINAL


def test_volunteer_names_masked_without_consent(contest: Contest) -> None:
    volunteer = VolunteerFactory(org=contest.town_a, name="张小明")
    assert public_name(NominationFactory(campaign=contest.campaign, volunteer=volunteer)) == "张*明"
    consented = NominationFactory(
        campaign=contest.campaign, volunteer=VolunteerFactory(name="李华", org=contest.town_a), name_consent=True
    )
    assert public_name(consented) == "李华"


def test_expert_score_factory_builds_a_scored_finalist() -> None:
    assert ExpertScoreFactory().score == 80


def test_close_award_publicity_command(contest: Contest, now: datetime.datetime) -> None:
    from io import StringIO

    from django.core.management import call_command

    reviewing(contest, now, {0: [90], 1: [80], 2: [70]})
    services.campaign_publish(actor=contest.admin, campaign=contest.campaign, now=now - datetime.timedelta(days=8))
    out = StringIO()
    call_command("close_award_publicity", stdout=out)
    assert "1 个" in out.getvalue()
    contest.campaign.refresh_from_db()
    assert contest.campaign.stage == Stage.FINAL
