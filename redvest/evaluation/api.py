"""/api/v1/evaluation: schemes and criteria, rounds (compute, scores, adjustments, review, publish), the
published ranking, the 党建考核 bonus table, volunteer evaluations and publicity consent.
Lists are {"items", "count"} with page/page_size (core.api_pagination)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from redvest.accounts.policy import scope
from redvest.core.api_pagination import Fetched, Rows, each, paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound
from redvest.core.excel import XLSX_CONTENT_TYPE
from redvest.core.pagination import Page
from redvest.evaluation import schemas as s
from redvest.evaluation.models import EvaluationRound, EvaluationScheme, EvaluationScore, Metric
from redvest.evaluation.period import Period, parse_period
from redvest.evaluation.selectors import (
    admin_root,
    published_round,
    ranking_entries,
    round_get,
    round_list,
    round_scores,
    scheme_get,
    scheme_list,
    score_get,
    unreviewed_count,
)
from redvest.evaluation.selectors.bonus import bonus_table, bonus_xlsx
from redvest.evaluation.selectors.volunteers import evaluation_page, volunteer_evaluations, with_names
from redvest.evaluation.services import (
    CriterionData,
    bonus_rule_set,
    consent_record,
    round_create,
    round_publish,
    round_recompute,
    round_review_all,
    scheme_create,
    scheme_set_criteria,
    score_adjust,
    score_review,
)
from redvest.orgs.models import OrgNode
from redvest.records.selectors import volunteer_of
from redvest.volunteers.models import Volunteer

router = Router(tags=["评议与考核"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _criteria(rows: list[s.CriterionIn]) -> list[CriterionData]:
    return [
        CriterionData(metric=c.metric, weight=c.weight, normalisation=c.normalisation, target=c.target) for c in rows
    ]


def _scheme_out(scheme: EvaluationScheme) -> dict[str, Any]:
    labels = dict(Metric.choices)
    return {
        "id": scheme.pk,
        "org": scheme.org_id,
        "org_name": scheme.org.name,
        "name": scheme.name,
        "description": scheme.description,
        "criteria": [
            {
                "metric": c.metric,
                "metric_label": labels.get(c.metric, c.metric),
                "weight": c.weight,
                "normalisation": c.normalisation,
                "target": c.target,
            }
            for c in scheme.criteria.all()
        ],
    }


def _round_out(r: EvaluationRound, *, unreviewed: int | None = None) -> dict[str, Any]:
    return {
        "id": r.pk,
        "org": r.org_id,
        "org_name": r.org.name,
        "scheme": r.scheme_id,
        "year": r.year,
        "quarter": r.quarter,
        "cohort_kind": r.cohort_kind,
        "status": r.status,
        "version": r.version,
        "criteria": r.criteria,
        "computed_at": r.computed_at,
        "published_at": r.published_at,
        "unreviewed": unreviewed,
    }


def _score_out(score: EvaluationScore) -> dict[str, Any]:
    adjusted = score.adjusted  # type: ignore[attr-defined]  # annotated by round_scores
    return {
        "id": score.pk,
        "org": score.org_id,
        "org_name": score.org.name,
        "version": score.version,
        "values": score.values,
        "metric_scores": score.metric_scores,
        "computed": score.computed,
        "adjusted": adjusted,
        "final": score.computed + adjusted,
        "status": score.status,
    }


def _period(q: s.PeriodQuery) -> Period:
    return parse_period(q.year, q.quarter)


# ---- schemes --------------------------------------------------------------------------------------


@router.get("/schemes", response=list[s.SchemeOut], summary="评议方案列表（本级及下级）")
@paginate
def schemes(request: HttpRequest) -> Rows[Any, dict[str, Any]]:
    return each(scheme_list(user=api_user(request)), _scheme_out)


@router.post("/schemes", response={201: s.SchemeOut, **ERRORS}, summary="制定评议方案（权重合计须为100）")
def scheme_new(request: HttpRequest, payload: s.SchemeIn) -> Status[Any]:
    org = OrgNode.objects.filter(pk=payload.org).first()
    if org is None:
        raise NotFound("组织不存在", field="org")
    scheme = scheme_create(
        actor=api_user(request),
        org=org,
        name=payload.name,
        description=payload.description,
        criteria=_criteria(payload.criteria),
    )
    return Status(201, _scheme_out(scheme_get(user=api_user(request), scheme_id=scheme.pk)))


@router.get("/schemes/{scheme_id}", response={200: s.SchemeOut, 404: s.ErrorOut}, summary="评议方案及指标")
def scheme_one(request: HttpRequest, scheme_id: int) -> Any:
    return _scheme_out(scheme_get(user=api_user(request), scheme_id=scheme_id))


@router.put("/schemes/{scheme_id}/criteria", response={200: s.SchemeOut, **ERRORS}, summary="修改评议指标与权重")
def scheme_criteria(request: HttpRequest, scheme_id: int, payload: s.CriteriaIn) -> Any:
    scheme = scheme_get(user=api_user(request), scheme_id=scheme_id, action="change")
    scheme_set_criteria(actor=api_user(request), scheme=scheme, criteria=_criteria(payload.criteria), name=payload.name)
    return _scheme_out(scheme_get(user=api_user(request), scheme_id=scheme_id))


# ---- rounds ---------------------------------------------------------------------------------------


@router.get("/rounds", response=list[s.RoundOut], summary="评议轮次列表")
@paginate
def rounds(request: HttpRequest) -> Rows[Any, dict[str, Any]]:
    return each(round_list(user=api_user(request)), _round_out)


@router.post("/rounds", response={201: s.RoundOut, **ERRORS}, summary="新建季度评议并计算得分")
def round_new(request: HttpRequest, payload: s.RoundIn) -> Status[Any]:
    org = OrgNode.objects.filter(pk=payload.org).first()
    if org is None:
        raise NotFound("组织不存在", field="org")
    r = round_create(
        actor=api_user(request), org=org, year=payload.year, quarter=payload.quarter, cohort_kind=payload.cohort_kind
    )
    r = round_get(user=api_user(request), round_id=r.pk)
    return Status(201, _round_out(r, unreviewed=unreviewed_count(round=r)))


@router.get("/rounds/{round_id}", response={200: s.RoundDetailOut, 404: s.ErrorOut}, summary="评议详情")
def round_one(request: HttpRequest, round_id: int) -> dict[str, Any]:
    r = round_get(user=api_user(request), round_id=round_id)
    return {"round": _round_out(r, unreviewed=unreviewed_count(round=r))}


@router.get("/rounds/{round_id}/scores", response={200: list[s.ScoreOut], 404: s.ErrorOut}, summary="评议得分（分页）")
@paginate
def round_score_list(request: HttpRequest, round_id: int) -> Rows[Any, dict[str, Any]]:
    return each(round_scores(round=round_get(user=api_user(request), round_id=round_id)), _score_out)


@router.post("/rounds/{round_id}/recompute", response={200: s.RoundOut, **ERRORS}, summary="重新计算（保留历史版本）")
def round_again(request: HttpRequest, round_id: int) -> dict[str, Any]:
    r = round_recompute(
        actor=api_user(request), round=round_get(user=api_user(request), round_id=round_id, action="change")
    )
    r = round_get(user=api_user(request), round_id=r.pk)
    return _round_out(r, unreviewed=unreviewed_count(round=r))


@router.post(
    "/rounds/{round_id}/adjustments", response={201: s.AdjustmentOut, **ERRORS}, summary="调整得分（须填写理由）"
)
def adjustment_new(request: HttpRequest, round_id: int, payload: s.AdjustmentIn) -> Status[Any]:
    r = round_get(user=api_user(request), round_id=round_id, action="change")
    score = score_get(round=r, score_id=payload.score)
    a = score_adjust(actor=api_user(request), round=r, score=score, delta=payload.delta, reason=payload.reason)
    return Status(201, {"id": a.pk, "org": a.org_id, "delta": a.delta, "reason": a.reason, "created_at": a.created_at})


@router.post("/rounds/{round_id}/review", response={200: s.ReviewOut, **ERRORS}, summary="审核得分")
def review(request: HttpRequest, round_id: int, payload: s.ReviewIn) -> dict[str, int]:
    r = round_get(user=api_user(request), round_id=round_id, action="change")
    if payload.all:
        changed = round_review_all(actor=api_user(request), round=r)
    else:
        scores = list(round_scores(round=r).filter(pk__in=payload.scores[:1000]))
        changed = score_review(actor=api_user(request), round=r, scores=scores)
    return {"reviewed": changed, "unreviewed": unreviewed_count(round=r)}


@router.post("/rounds/{round_id}/publish", response={200: s.RoundOut, **ERRORS}, summary="晾晒排名（须全部审核）")
def publish(request: HttpRequest, round_id: int) -> dict[str, Any]:
    r = round_publish(
        actor=api_user(request), round=round_get(user=api_user(request), round_id=round_id, action="change")
    )
    return _round_out(round_get(user=api_user(request), round_id=r.pk), unreviewed=0)


@router.get(
    "/ranking",
    response={200: list[s.RankingRowOut], 404: s.ErrorOut},
    auth=None,
    summary="已晾晒的排名（公开，无需登录）",
)
@paginate
def ranking(request: HttpRequest, q: Query[s.RankingQuery]) -> QuerySet[Any]:
    org = OrgNode.objects.filter(pk=q.org).only("path").first()
    found = published_round(path=org.path, year=q.year, quarter=q.quarter) if org else None
    if found is None:
        raise NotFound("该季度尚未晾晒评议结果")
    return ranking_entries(round=found)


# ---- 党建考核 bonus ----------------------------------------------------------------------------------


@router.get("/bonus", response={200: list[s.BonusRowOut], **ERRORS}, summary="组团服务党建考核加分表")
@paginate
def bonus(request: HttpRequest, q: Query[s.PeriodQuery]) -> list[Any]:
    return bonus_table(org=admin_root(user=api_user(request), org_id=q.org), period=_period(q))


@router.get("/bonus.xlsx", response={200: None, **ERRORS}, summary="导出组团服务党建考核加分表（Excel）")
def bonus_export(request: HttpRequest, q: Query[s.PeriodQuery]) -> HttpResponse:
    org = admin_root(user=api_user(request), org_id=q.org)
    period = _period(q)
    data = bonus_xlsx(org=org, period=period, rows=bonus_table(org=org, period=period))
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bonus-{period.year}q{period.quarter}.xlsx"'
    return response


@router.put("/bonus-rules", response={200: s.BonusRuleOut, **ERRORS}, summary="设置组团服务加分规则")
def bonus_rule(request: HttpRequest, payload: s.BonusRuleIn) -> dict[str, Any]:
    org = admin_root(user=api_user(request), org_id=payload.org)
    rule = bonus_rule_set(
        actor=api_user(request),
        org=org,
        organise_points=payload.organise_points,
        join_points=payload.join_points,
        cap_per_period=payload.cap_per_period,
        is_active=payload.is_active,
    )
    return {
        "org": rule.org_id,
        "organise_points": rule.organise_points,
        "join_points": rule.join_points,
        "cap_per_period": rule.cap_per_period,
        "is_active": rule.is_active,
    }


# ---- volunteer evaluation and consent ---------------------------------------------------------------


def _evaluation_out(e: Any) -> dict[str, Any]:
    return {
        "volunteer_id": e.volunteer_id,
        "name": e.name,
        "org_name": e.org_name,
        "attitude": e.attitude,
        "outcome": e.outcome,
        "satisfaction": e.satisfaction,
        "overall": e.overall,
        "grade": e.grade,
        "ratings": e.ratings,
    }


@router.get(
    "/volunteer-evaluations", response={200: list[s.VolunteerEvaluationOut], **ERRORS}, summary="志愿者综合评价（辖区）"
)
@paginate
def volunteer_evaluation_list(request: HttpRequest, q: Query[s.VolunteerEvaluationQuery]) -> Fetched[dict[str, Any]]:
    org = admin_root(user=api_user(request), org_id=q.org)

    def fetch(page: int, size: int) -> Page[Any]:
        items, count, number = evaluation_page(
            period=_period(q), root_path=org.path, page=page, size=size, grade=q.grade
        )
        return Page(items=items, count=count, number=number, size=size)

    return Fetched(fetch, _evaluation_out)


@router.get(
    "/volunteer-evaluations/me", response={200: list[s.VolunteerEvaluationOut], **ERRORS}, summary="我的综合评价"
)
@paginate
def my_evaluation(request: HttpRequest, q: Query[s.PeriodQuery]) -> Rows[Any, dict[str, Any]]:

    volunteer = volunteer_of(user=api_user(request))
    return each(with_names(volunteer_evaluations(period=_period(q), volunteer_id=volunteer.pk)), _evaluation_out)


@router.post("/consent", response={201: s.ConsentOut, **ERRORS}, summary="登记公开展示姓名的同意（本人或管理员）")
def consent(request: HttpRequest, payload: s.ConsentIn) -> Status[Any]:

    if payload.volunteer is None:
        volunteer = volunteer_of(user=api_user(request))
    else:
        found = scope(api_user(request), "volunteer", Volunteer.objects.filter(pk=payload.volunteer)).first()
        if found is None:
            raise NotFound("志愿者不存在", field="volunteer")
        volunteer = found
    row = consent_record(actor=api_user(request), volunteer=volunteer, granted=payload.granted)
    return Status(201, {"volunteer": volunteer.pk, "granted": row.granted, "recorded_at": row.recorded_at})
