"""/api/v1/awards/: campaigns, nominations, votes, the cut, expert scores, results and objections.
Every list is {"items", "count"} with page/page_size; errors are {"code", "message", "errors"}."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from redvest.awards import schemas as s
from redvest.awards import selectors as sel
from redvest.awards import services
from redvest.awards.models import AwardCampaign, DecisionKind
from redvest.awards.ranking import TIER_RULE
from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound
from redvest.orgs.models import OrgNode

if TYPE_CHECKING:
    from redvest.accounts.models import User

router = Router(tags=["年度评选"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _decision(campaign: AwardCampaign, kind: str) -> dict[str, Any]:
    decision = services.current_decision(campaign, kind)
    if decision is None:
        raise NotFound("尚无该决定")
    rows = list(decision.rows.select_related("nomination__org").order_by("rank", "id"))
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "rule": decision.rule,
        "reason": decision.reason,
        "supersedes_id": decision.supersedes_id,
        "decided_at": decision.decided_at,
        "rows": rows,
        "count": len(rows),
    }


@router.get("/campaigns", response=list[s.CampaignOut], summary="评选列表（按权限范围）")
@paginate
def campaigns(request: HttpRequest, stage: str = "") -> QuerySet[Any]:
    return sel.campaign_list(user=api_user(request), stage=stage)


@router.get("/campaigns/{campaign_id}", response={200: s.CampaignOut, **ERRORS}, summary="评选详情")
def campaign(request: HttpRequest, campaign_id: int) -> Any:
    return sel.campaign_get(user=api_user(request), pk=campaign_id)


@router.post("/campaigns", response={201: s.CampaignOut, **ERRORS}, summary="发起评选")
def campaign_create(request: HttpRequest, body: s.CampaignIn) -> Any:
    org = OrgNode.objects.filter(pk=body.org).first()
    if org is None:
        raise NotFound("主办组织不存在")
    data = services.CampaignData(
        **body.dict(exclude={"org", "rules", "tiers"}),
        rules=[r.dict() for r in body.rules],
        tiers=list(body.tiers),
    )
    return Status(201, services.campaign_create(actor=api_user(request), org=org, data=data))


@router.get("/campaigns/{campaign_id}/nominations", response={200: list[s.NominationOut], **ERRORS}, summary="参评名单")
@paginate
def nominations(request: HttpRequest, campaign_id: int, status: str = "") -> QuerySet[Any]:
    user = api_user(request)
    campaign = sel.campaign_get(user=user, pk=campaign_id)
    return sel.nomination_list(user=user, campaign=campaign, status=status)


@router.post(
    "/campaigns/{campaign_id}/nominations", response={201: s.NominationOut, **ERRORS}, summary="推荐参评（限名额）"
)
def nomination_create(request: HttpRequest, campaign_id: int, body: s.NominationIn) -> Any:
    user = api_user(request)
    campaign = sel.campaign_get(user=user, pk=campaign_id)
    org = OrgNode.objects.filter(pk=body.org).first()
    if org is None:
        raise NotFound("推荐单位不存在")
    nomination = services.nomination_create(
        actor=user,
        campaign=campaign,
        org=org,
        target_id=body.target,
        materials=body.materials,
        name_consent=body.name_consent,
        now=timezone.now(),
    )
    return Status(201, nomination)


@router.post("/nominations/{nomination_id}/withdraw", response={200: s.NominationOut, **ERRORS}, summary="撤回推荐")
def nomination_withdraw(request: HttpRequest, nomination_id: int, body: s.WithdrawIn) -> Any:
    user = api_user(request)
    nomination = sel.nomination_get(user=user, pk=nomination_id, action="change")
    return services.nomination_withdraw(actor=user, nomination=nomination, reason=body.reason, now=timezone.now())


@router.post("/votes", response={201: s.VoteOut, **ERRORS}, summary="评委投票（每人每个对象限1票）")
def vote(request: HttpRequest, body: s.VoteIn) -> Any:
    user = api_user(request)
    nomination = sel.nomination_for_judge(user=user, pk=body.nomination)
    cast_vote = services.vote_cast(actor=user, nomination=nomination, now=timezone.now())
    left = sel.ballot_row(user=user, nomination=nomination)[1].left
    return Status(201, s.VoteOut.from_orm(cast_vote).model_copy(update={"votes_left": left}))


@router.get("/campaigns/{campaign_id}/cut", response={200: s.DecisionOut, **ERRORS}, summary="初评入围名单")
def cut(request: HttpRequest, campaign_id: int) -> Any:
    return _decision(sel.campaign_get(user=api_user(request), pk=campaign_id), DecisionKind.CUT)


@router.post("/campaigns/{campaign_id}/cut", response={201: s.DecisionOut, **ERRORS}, summary="截止投票并初评入围")
def cut_create(request: HttpRequest, campaign_id: int) -> Any:
    user = api_user(request)
    campaign = sel.campaign_get(user=user, pk=campaign_id, action="change")
    services.campaign_cut(actor=user, campaign=campaign, now=timezone.now())
    return Status(201, _decision(campaign, DecisionKind.CUT))


@router.post("/scores", response={201: s.ScoreOut, **ERRORS}, summary="终审专家评分（0–100，每人每个对象一次）")
def score(request: HttpRequest, body: s.ScoreIn) -> Any:
    user = api_user(request)
    nomination = sel.nomination_for_judge(user=user, pk=body.nomination)
    return Status(201, services.score_record(actor=user, nomination=nomination, score=body.score, now=timezone.now()))


@router.post("/campaigns/{campaign_id}/publish", response={201: s.DecisionOut, **ERRORS}, summary="评定等次并公示")
def publish(request: HttpRequest, campaign_id: int) -> Any:
    user = api_user(request)
    campaign = sel.campaign_get(user=user, pk=campaign_id, action="change")
    services.campaign_publish(actor=user, campaign=campaign, now=timezone.now())
    return Status(201, _decision(campaign, DecisionKind.TIERS))


@router.get(
    "/campaigns/{campaign_id}/results", response={200: s.ResultsOut, **ERRORS}, auth=None, summary="评选结果（公开）"
)
def results(request: HttpRequest, campaign_id: int) -> Any:
    campaign = sel.public_campaign(pk=campaign_id)
    res = sel.results(campaign=campaign)
    return {
        "campaign": campaign.pk,
        "name": campaign.name,
        "stage": campaign.stage,
        "publicity_ends": campaign.publicity_ends,
        "rule": TIER_RULE,
        "items": [
            {
                "nomination": r.nomination_id,
                "rank": r.rank,
                "tier": r.tier,
                "name": r.name,
                "org_name": r.org_name,
                "score": r.score,
            }
            for r in res.rows
        ],
        "count": len(res.rows),
        "removed": [
            {"nomination": n.pk, "name": n.public_name, "reason": n.status_reason}  # type: ignore[attr-defined]  # public_name set by results()
            for n in res.removed
        ],
    }


@router.post(
    "/nominations/{nomination_id}/objections",
    response={201: s.ObjectionOut, **ERRORS},
    auth=None,
    summary="公示异议（登录用户，或公众留手机号）",
)
def objection_create(request: HttpRequest, nomination_id: int, body: s.ObjectionIn) -> Any:
    user = request.user if request.user.is_authenticated else None
    objection = services.objection_file(
        actor=cast("User | None", user),
        nomination=sel.nomination_public(pk=nomination_id),
        reason=body.reason,
        contact_name=body.contact_name,
        phone=body.phone,
        now=timezone.now(),
    )
    return Status(201, objection)


@router.get(
    "/campaigns/{campaign_id}/objections",
    response={200: list[s.ObjectionOut], **ERRORS},
    summary="公示异议列表（主办单位）",
)
@paginate
def objections(request: HttpRequest, campaign_id: int, status: str = "") -> QuerySet[Any]:
    campaign = sel.campaign_get(user=api_user(request), pk=campaign_id, action="change")
    return sel.objection_list(campaign=campaign, status=status)


@router.post("/objections/{objection_id}/resolve", response={200: s.ObjectionOut, **ERRORS}, summary="处理异议")
def objection_resolve(request: HttpRequest, objection_id: int, body: s.ResolveIn) -> Any:
    user = api_user(request)
    objection = sel.objection_get(user=user, pk=objection_id)
    return services.objection_resolve(
        actor=user, objection=objection, uphold=body.uphold, resolution=body.resolution, now=timezone.now()
    )
