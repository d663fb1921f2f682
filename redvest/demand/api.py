"""/api/v1/demand: the service menu, intake, dispatch, the board, handling, callbacks, spot checks,
statistics and 点菜 orders. Every list is {"items", "count"} with page/page_size."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.demand import schemas as s
from redvest.demand.access import dispatch_area_paths
from redvest.demand.selectors.menu import item_get, menu_items
from redvest.demand.selectors.recommend import recommend
from redvest.demand.selectors.requests import (
    board,
    callback_get,
    callback_list,
    caller_lookup,
    dispatch_get,
    dispatch_root_choices,
    my_tasks,
    order_get,
    order_lines,
    order_list,
    request_for_api,
    request_get,
    request_list,
    spot_check_get,
    spot_check_list,
    walkin_stations,
)
from redvest.demand.selectors.stats import BY_CHOICES, demand_stats, satisfaction_by
from redvest.demand.services import (
    OrderData,
    OrderLine,
    RequestData,
    Target,
    TimeSpent,
    callback_record,
    callback_unreachable,
    dispatch_accept,
    dispatch_arrive,
    dispatch_complete,
    dispatch_create,
    dispatch_decline,
    dispatch_recall,
    errand_document_receive,
    errand_step_done,
    feedback_submit,
    order_cancel,
    order_create,
    order_dispatch,
    request_auto_dispatch,
    request_cancel,
    request_create,
    request_redispatch,
    request_resolve,
    resident_phone_reveal,
    spot_check_draw,
    spot_check_record,
)
from redvest.orgs.models import Station

router = Router(tags=["需求对接"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _now() -> datetime.datetime:
    return timezone.now()


def _targets(rows: list[s.TargetIn]) -> list[Target]:
    return [Target(t.kind, t.id, part_label=t.part_label) for t in rows]


def _detail(request: HttpRequest, request_id: int) -> Any:
    return request_for_api(user=api_user(request), request_id=request_id)


# ---- Menu -------------------------------------------------------------------------------------


@router.get("/items", response=list[s.ItemOut], summary="服务菜单（五大类服务项目）")
@paginate
def items(request: HttpRequest, filters: Query[s.ItemFilter]) -> QuerySet[Any]:
    return menu_items(category=filters.category, q=filters.q)


@router.get("/items/{code}", response={200: s.ItemOut, 404: s.ErrorOut}, summary="服务项目详情（含附加信息）")
def item(request: HttpRequest, code: str) -> Any:
    return item_get(code=code)


# ---- Intake and requests ----------------------------------------------------------------------


@router.get("/requests", response=list[s.RequestOut], summary="工单列表（按权限范围）")
@paginate
def requests(request: HttpRequest, filters: Query[s.RequestFilter]) -> QuerySet[Any]:
    qs = request_list(
        user=api_user(request),
        status=filters.status,
        category=filters.category,
        channel=filters.channel,
        q=filters.q,
        overdue=filters.overdue,
        mine=filters.mine,
    )
    return qs


@router.post("/requests", response={200: s.RequestDetailOut, 201: s.RequestDetailOut, **ERRORS}, summary="受理诉求")
def request_new(request: HttpRequest, payload: s.RequestIn) -> Status[Any]:
    """96345 热线受理、服务点登记或群众网上诉求。相同 idempotency_key 的重复提交返回同一张工单（200）。"""
    station = None
    if payload.station is not None:
        station = Station.objects.select_related("node").filter(pk=payload.station).first()
        if station is None:
            raise NotFound("登记站点不存在", field="station")
    data = RequestData(
        item_code=payload.item,
        description=payload.description,
        urgency=payload.urgency,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        area_id=payload.area,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        attributes=payload.attributes,
        idempotency_key=payload.idempotency_key or request.headers.get("Idempotency-Key", ""),
    )
    if payload.channel == "walk_in" and station is None:
        raise PermissionDenied("服务点登记须指定登记站点", field="station")
    walk_in_elsewhere = (
        payload.channel == "walk_in"
        and station is not None
        and not walkin_stations(user=api_user(request)).filter(pk=station.pk).exists()
    )
    if walk_in_elsewhere:
        raise PermissionDenied("您不能在该站点登记诉求", field="station")
    intake = request_create(
        actor=api_user(request),
        channel=payload.channel,
        data=data,
        now=_now(),
        station=station if payload.channel == "walk_in" else None,
    )
    return Status(201 if intake.created else 200, _detail(request, intake.request.pk))


@router.get("/requests/{request_id}", response={200: s.RequestDetailOut, 404: s.ErrorOut}, summary="工单详情")
def request_one(request: HttpRequest, request_id: int) -> Any:
    return _detail(request, request_id)


@router.get("/board", response=list[s.RequestOut], summary="调度看板：未办结工单，按紧急程度和时限排序")
@paginate
def board_api(request: HttpRequest, filters: Query[s.BoardFilter]) -> QuerySet[Any]:
    return board(user=api_user(request), overdue=filters.overdue, category=filters.category)


@router.get("/callers", response=s.CallerOut, summary="来电号码查老来电及历史诉求")
def caller(request: HttpRequest, phone: str) -> dict[str, Any]:
    found = caller_lookup(user=api_user(request), phone=phone)
    r = found.resident
    return {
        "known": r is not None,
        "name": r.name if r else "",
        "address": r.address if r else "",
        "area": r.area_id if r else None,
        "latitude": r.latitude if r else None,
        "longitude": r.longitude if r else None,
        "past": found.past,
    }


@router.post(
    "/requests/{request_id}/phone", response={200: s.PhoneOut, **ERRORS}, summary="查看服务对象完整号码（留痕）"
)
def phone(request: HttpRequest, request_id: int) -> dict[str, str]:
    r = request_get(user=api_user(request), request_id=request_id)
    return {"phone": resident_phone_reveal(actor=api_user(request), request=r)}


@router.get(
    "/requests/{request_id}/recommendations",
    response={200: list[s.CandidateOut], **ERRORS},
    summary="推荐派单对象（技能、距离、在办量、可服务时间，附理由）",
)
def recommendations(request: HttpRequest, request_id: int) -> list[Any]:
    r = request_get(user=api_user(request), request_id=request_id, action="change")
    return recommend(request=r, now=_now(), within=dispatch_area_paths(api_user(request))).all()


@router.post(
    "/requests/{request_id}/dispatch", response={201: list[s.PartOut], **ERRORS}, summary="派单（多个对象即组团）"
)
def dispatch(request: HttpRequest, request_id: int, payload: s.DispatchIn) -> Status[Any]:
    r = request_get(user=api_user(request), request_id=request_id)
    return Status(
        201,
        dispatch_create(
            actor=api_user(request), request=r, targets=_targets(payload.targets), note=payload.note, now=_now()
        ),
    )


@router.post(
    "/requests/{request_id}/redispatch", response={201: list[s.PartOut], **ERRORS}, summary="改派（原派单保留为历史）"
)
def redispatch(request: HttpRequest, request_id: int, payload: s.RedispatchIn) -> Status[Any]:
    r = request_get(user=api_user(request), request_id=request_id)
    parts = request_redispatch(
        actor=api_user(request), request=r, targets=_targets(payload.targets), reason=payload.reason, now=_now()
    )
    return Status(201, parts)


@router.post("/requests/{request_id}/auto-dispatch", response={201: s.PartOut, **ERRORS}, summary="按规则派单")
def auto_dispatch(request: HttpRequest, request_id: int) -> Status[Any]:
    r = request_get(user=api_user(request), request_id=request_id)
    return Status(201, request_auto_dispatch(actor=api_user(request), request=r, now=_now()))


@router.post("/requests/{request_id}/cancel", response={200: s.RequestDetailOut, **ERRORS}, summary="撤销工单")
def cancel(request: HttpRequest, request_id: int, payload: s.ReasonIn) -> Any:
    r = request_get(user=api_user(request), request_id=request_id)
    request_cancel(actor=api_user(request), request=r, reason=payload.reason, now=_now())
    return _detail(request, request_id)


@router.post(
    "/requests/{request_id}/resolve",
    response={200: s.RequestDetailOut, **ERRORS},
    summary="调度员办结（退回且已有完成的派单）",
)
def resolve(request: HttpRequest, request_id: int, payload: s.NoteIn) -> Any:
    r = request_get(user=api_user(request), request_id=request_id)
    request_resolve(actor=api_user(request), request=r, note=payload.note, now=_now())
    return _detail(request, request_id)


@router.post("/requests/{request_id}/feedback", response={201: s.FeedbackOut, **ERRORS}, summary="服务反馈单")
def feedback(request: HttpRequest, request_id: int, payload: s.FeedbackIn) -> Status[Any]:
    r = request_get(user=api_user(request), request_id=request_id)
    row = feedback_submit(
        actor=api_user(request),
        request=r,
        rating=payload.rating,
        comment=payload.comment,
        source=payload.source,
        now=_now(),
    )
    return Status(201, row)


@router.post(
    "/requests/{request_id}/errand/documents/{document_id}",
    response={200: s.ErrandDocumentOut, **ERRORS},
    summary="红色代办：材料收到/撤销",
)
def errand_document(request: HttpRequest, request_id: int, document_id: int, payload: s.ReceivedIn) -> Any:
    r = request_get(user=api_user(request), request_id=request_id)
    document = r.errand_documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound("材料不存在")
    return errand_document_receive(actor=api_user(request), document=document, received=payload.received, now=_now())


@router.post(
    "/requests/{request_id}/errand/steps/{step_id}",
    response={200: s.ErrandStepOut, **ERRORS},
    summary="红色代办：完成一步",
)
def errand_step(request: HttpRequest, request_id: int, step_id: int, payload: s.NoteIn) -> Any:
    r = request_get(user=api_user(request), request_id=request_id)
    step = r.errand_steps.filter(pk=step_id).first()
    if step is None:
        raise NotFound("办理步骤不存在")
    return errand_step_done(actor=api_user(request), step=step, note=payload.note, now=_now())


# ---- Dispatch parts ---------------------------------------------------------------------------


@router.get("/dispatches", response=list[s.DispatchOut], summary="我的派单（志愿者、服务队负责人、站点管理员）")
@paginate
def dispatches(request: HttpRequest, filters: Query[s.DispatchFilter]) -> QuerySet[Any]:
    return my_tasks(user=api_user(request), status=filters.status)


def _time_spent(raw: str) -> list[TimeSpent]:
    try:
        rows = TypeAdapter(list[s.TimeSpentIn]).validate_json(raw or "[]")
    except PydanticValidationError:
        raise ValidationFailed({"time_spent": '用时格式应为 [{"volunteer": 志愿者id, "minutes": 分钟}]'}) from None
    return [TimeSpent(row.volunteer, row.minutes) for row in rows]


def _part(request: HttpRequest, dispatch_id: int) -> Any:
    return dispatch_get(user=api_user(request), dispatch_id=dispatch_id, action="change")


@router.post("/dispatches/{dispatch_id}/accept", response={200: s.DispatchOut, **ERRORS}, summary="接单")
def accept(request: HttpRequest, dispatch_id: int) -> Any:
    return dispatch_accept(actor=api_user(request), dispatch=_part(request, dispatch_id), now=_now())


@router.post("/dispatches/{dispatch_id}/decline", response={200: s.DispatchOut, **ERRORS}, summary="拒单（退回调度）")
def decline(request: HttpRequest, dispatch_id: int, payload: s.ReasonIn) -> Any:
    return dispatch_decline(
        actor=api_user(request), dispatch=_part(request, dispatch_id), reason=payload.reason, now=_now()
    )


@router.post("/dispatches/{dispatch_id}/arrive", response={200: s.DispatchOut, **ERRORS}, summary="到场")
def arrive(request: HttpRequest, dispatch_id: int) -> Any:
    return dispatch_arrive(actor=api_user(request), dispatch=_part(request, dispatch_id), now=_now())


@router.post(
    "/dispatches/{dispatch_id}/complete",
    response={200: s.DispatchOut, **ERRORS},
    summary="办结（结果、照片、各志愿者用时）",
)
def complete(
    request: HttpRequest,
    dispatch_id: int,
    payload: Form[s.CompleteIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # ninja: optional file list
) -> Any:
    """multipart/form-data：result、time_spent（每项 volunteer 与 minutes），photos 可多张。"""
    entries = _time_spent(payload.time_spent)
    return dispatch_complete(
        actor=api_user(request),
        dispatch=_part(request, dispatch_id),
        result=payload.result,
        time_spent=entries,
        photos=photos or [],
        now=_now(),
    )


@router.post("/dispatches/{dispatch_id}/recall", response={200: s.DispatchOut, **ERRORS}, summary="撤回派单")
def recall(request: HttpRequest, dispatch_id: int, payload: s.ReasonIn) -> Any:
    part = dispatch_get(user=api_user(request), dispatch_id=dispatch_id)
    return dispatch_recall(actor=api_user(request), dispatch=part, reason=payload.reason, now=_now())


# ---- Callbacks and spot checks ----------------------------------------------------------------


@router.get("/callbacks", response=list[s.CallbackOut], summary="电话回访任务")
@paginate
def callbacks(request: HttpRequest, filters: Query[s.CallbackFilter]) -> QuerySet[Any]:
    return callback_list(user=api_user(request), status=filters.status)


@router.post(
    "/callbacks/{callback_id}", response={200: s.CallbackOut, **ERRORS}, summary="登记回访结果（不满意则重新办理）"
)
def callback(request: HttpRequest, callback_id: int, payload: s.RatingIn) -> Any:
    row = callback_get(user=api_user(request), callback_id=callback_id)
    return callback_record(
        actor=api_user(request), callback=row, rating=payload.rating, comment=payload.comment, now=_now()
    )


@router.post("/callbacks/{callback_id}/unreachable", response={200: s.CallbackOut, **ERRORS}, summary="回访未接通")
def unreachable(request: HttpRequest, callback_id: int) -> Any:
    row = callback_get(user=api_user(request), callback_id=callback_id)
    return callback_unreachable(actor=api_user(request), callback=row, now=_now())


@router.get("/spot-checks", response=list[s.SpotCheckOut], summary="抽查")
@paginate
def spot_checks(request: HttpRequest, filters: Query[s.SpotCheckFilter]) -> QuerySet[Any]:
    return spot_check_list(user=api_user(request), status=filters.status)


def _root(request: HttpRequest, root_id: int | None) -> Any:
    roots = dispatch_root_choices(user=api_user(request))
    root = roots.filter(pk=root_id).first() if root_id else roots.first()
    if root is None:
        raise PermissionDenied("该范围不在您的调度范围内")
    return root


def _day(value: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=timezone.get_current_timezone())


@router.post("/spot-checks/draw", response={201: list[s.SpotCheckOut], **ERRORS}, summary="随机抽取已办结工单")
def draw(request: HttpRequest, payload: s.DrawIn) -> Status[Any]:
    checks = spot_check_draw(
        actor=api_user(request),
        root=_root(request, payload.root),
        start=_day(payload.start),
        end=_day(payload.end + datetime.timedelta(days=1)),
        count=payload.count,
        now=_now(),
    )
    return Status(201, spot_check_list(user=api_user(request)).filter(pk__in=[c.pk for c in checks]))


@router.post("/spot-checks/{check_id}", response={200: s.SpotCheckOut, **ERRORS}, summary="登记抽查结果")
def spot_check(request: HttpRequest, check_id: int, payload: s.SpotRecordIn) -> Any:
    row = spot_check_get(user=api_user(request), check_id=check_id)
    return spot_check_record(
        actor=api_user(request),
        check=row,
        verified=payload.verified,
        rating=payload.rating,
        note=payload.note,
        now=_now(),
    )


# ---- Statistics -------------------------------------------------------------------------------


def _period(request: HttpRequest, q: s.PeriodQuery) -> tuple[Any, datetime.datetime, datetime.datetime]:
    today = timezone.localdate()
    start = q.start or today - datetime.timedelta(days=29)
    end = (q.end or today) + datetime.timedelta(days=1)
    return _root(request, q.root), _day(start), _day(end)


@router.get(
    "/stats",
    response={200: s.StatsOut, 403: s.ErrorOut},
    summary="统计：类别、状态、区域；响应/办结用时P50/P90；及时率；满意率",
)
def stats(request: HttpRequest, q: Query[s.PeriodQuery]) -> dict[str, Any]:
    root, start, end = _period(request, q)
    st = demand_stats(user=api_user(request), root=root, start=start, end=end)

    def counts(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
        return [{"label": label, "count": n} for label, n in rows]

    return {
        "root": root.pk,
        "root_name": root.name,
        "start": start,
        "end": end,
        "total": st.total,
        "by_category": counts(st.by_category),
        "by_status": counts(st.by_status),
        "by_area": counts(st.by_area),
        "response_p50_minutes": st.response_p50,
        "response_p90_minutes": st.response_p90,
        "resolution_p50_minutes": st.resolution_p50,
        "resolution_p90_minutes": st.resolution_p90,
        "arrival_on_time_rate": st.arrival_on_time,
        "resolution_on_time_rate": st.resolution_on_time,
        "satisfaction_rate": st.satisfaction,
        "rated": st.rated,
        "overdue": st.overdue,
    }


@router.get(
    "/satisfaction",
    response={200: list[s.SatisfactionOut], 403: s.ErrorOut},
    summary="满意度（按服务项目、服务队或站点）",
)
def satisfaction(request: HttpRequest, q: Query[s.SatisfactionQuery]) -> list[dict[str, Any]]:
    root, start, end = _period(request, q)
    by = q.by if q.by in BY_CHOICES else "item"
    rows = satisfaction_by(user=api_user(request), root=root, start=start, end=end, by=by)
    return [
        {
            "name": r.name,
            "satisfied": r.satisfied,
            "basic": r.basic,
            "unsatisfied": r.unsatisfied,
            "total": r.total,
            "rate": r.rate,
        }
        for r in rows
    ]


# ---- 点菜 orders --------------------------------------------------------------------------------


@router.get("/orders", response=list[s.OrderOut], summary="点菜订单")
@paginate
def orders(request: HttpRequest) -> QuerySet[Any]:
    return order_list(user=api_user(request))


def _order(request: HttpRequest, order_id: int) -> Any:
    order = order_get(user=api_user(request), order_id=order_id)
    order.lines = order_lines(order=order)  # type: ignore[attr-defined]  # read by OrderOut.resolve_lines
    return order


@router.post("/orders", response={201: s.OrderOut, **ERRORS}, summary="点菜下单（每项服务一张工单）")
def order_new(request: HttpRequest, payload: s.OrderIn) -> Status[Any]:
    data = OrderData(
        title=payload.title,
        community_id=payload.community,
        place=payload.place,
        scheduled_start=payload.scheduled_start,
        scheduled_end=payload.scheduled_end,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        lines=[OrderLine(line.item, line.note) for line in payload.lines],
        latitude=payload.latitude,
        longitude=payload.longitude,
        note=payload.note,
    )
    order = order_create(actor=api_user(request), data=data, now=_now())
    return Status(201, _order(request, order.pk))


@router.get(
    "/orders/{order_id}", response={200: s.OrderOut, 404: s.ErrorOut}, summary="点菜订单详情（各服务项及承办队伍）"
)
def order_one(request: HttpRequest, order_id: int) -> Any:
    return _order(request, order_id)


@router.post("/orders/{order_id}/dispatch", response={200: s.OrderOut, **ERRORS}, summary="组团派单")
def order_dispatch_api(request: HttpRequest, order_id: int, payload: s.OrderDispatchIn) -> Any:
    order = order_get(user=api_user(request), order_id=order_id)
    assignments = {a.request: _targets(a.targets) for a in payload.assignments}
    order_dispatch(actor=api_user(request), order=order, assignments=assignments, now=_now())
    return _order(request, order_id)


@router.post("/orders/{order_id}/cancel", response={200: s.OrderOut, **ERRORS}, summary="撤销订单")
def order_cancel_api(request: HttpRequest, order_id: int, payload: s.ReasonIn) -> Any:
    order = order_get(user=api_user(request), order_id=order_id)
    order_cancel(actor=api_user(request), order=order, reason=payload.reason, now=_now())
    return _order(request, order_id)
