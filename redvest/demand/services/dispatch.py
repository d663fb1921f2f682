"""Dispatch: send a request (or parts of it, 组团) to stations, teams or volunteers; accept, decline,
recall and re-dispatch, keeping every earlier part as history; dispatch by rule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from redvest.accounts.policy import can_view_sensitive, require
from redvest.audit.services import audit_record
from redvest.core.errors import NotFound, PermissionDenied, ValidationFailed
from redvest.core.sms.kinds import DISPATCH_NOTICE, REQUEST_ACCEPTED
from redvest.demand.access import can_dispatch_to, dispatch_area_paths
from redvest.demand.conf import accept_timeout
from redvest.demand.errors import DispatchStateInvalid, DuplicateAssignee, NoCandidate, OutsideDispatchArea
from redvest.demand.models import (
    ACTIVE_DISPATCH_STATUSES,
    Dispatch,
    DispatchStatus,
    EventKind,
    RequestStatus,
    ServiceRequest,
)
from redvest.demand.selectors.recommend import recommend
from redvest.demand.services._common import (
    assignee_users,
    clean_text,
    dispatchers_for,
    event_add,
    locked_dispatch,
    locked_request,
    notify,
    order_refresh,
    request_url,
    require_open,
    tell_resident,
)
from redvest.demand.tasks import schedule_stall_check
from redvest.orgs.models import OrgNode, Station
from redvest.teams.models import Team
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User

KINDS = ("station", "team", "volunteer")
KIND_LABELS = {"station": "站点", "team": "服务队", "volunteer": "志愿者"}


@dataclass(frozen=True)
class Target:
    """Whom to send a part to, and (for 组团) what that part is."""

    kind: str
    id: int
    part_label: str = ""
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Resolved:
    target: Target
    obj: Station | Team | Volunteer
    org: OrgNode
    name: str


def _resolve(target: Target) -> _Resolved:
    if target.kind == "station":
        station = Station.objects.select_related("node").filter(pk=target.id).first()
        if station is not None:
            return _Resolved(target, station, station.node, station.node.name)
    elif target.kind == "team":
        team = Team.objects.select_related("org").filter(pk=target.id, is_active=True).first()
        if team is not None:
            return _Resolved(target, team, team.org, team.name)
    elif target.kind == "volunteer":
        volunteer = (
            Volunteer.objects.select_related("org").filter(pk=target.id, status=VolunteerStatus.REGISTERED).first()
        )
        if volunteer is not None:
            return _Resolved(target, volunteer, volunteer.org, volunteer.name)
    else:
        raise ValidationFailed({"targets": "派单对象类型应为站点、服务队或志愿者"})
    raise NotFound("派单对象不存在、已撤销或未注册", field="targets")


def _assignee_filter(resolved: _Resolved) -> dict[str, Any]:
    return {f"{resolved.target.kind}_id": resolved.obj.pk}


def _settle_open_status(request: ServiceRequest, now: datetime.datetime) -> None:
    """Status from the parts while some are active: 处理中 once anyone accepted or finished, else 已派单."""
    parts = list(request.dispatches.values_list("status", flat=True))
    if any(s in ACTIVE_DISPATCH_STATUSES for s in parts):
        accepted = any(s in {DispatchStatus.ACCEPTED, DispatchStatus.DONE} for s in parts)
        request.status = RequestStatus.ACCEPTED if accepted else RequestStatus.DISPATCHED
    request.updated_at = now


def _return_to_dispatcher(
    *, request: ServiceRequest, now: datetime.datetime, reason: str, dispatch: Dispatch | None
) -> None:
    """No part left active: back on the dispatcher's list (退回待派); with parts still running, flag it."""
    if request.dispatches.filter(status__in=ACTIVE_DISPATCH_STATUSES).exists():
        request.needs_redispatch = True
    else:
        request.status = RequestStatus.RETURNED
        request.returned_at = now
    request.status_notes = reason[:300]
    request.updated_at = now
    request.save()
    event_add(request=request, kind=EventKind.RETURNED, at=now, dispatch=dispatch, message=reason)
    notify(
        users=dispatchers_for(request),
        title=f"工单{request.number}退回调度",
        body=f"{request.item.name}：{reason}",
        url=request_url(request),
    )


def _create_parts(
    *,
    actor: User | None,
    request: ServiceRequest,
    targets: list[Target],
    note: str,
    now: datetime.datetime,
    via_rule: bool,
) -> list[Dispatch]:
    if not targets:
        raise ValidationFailed({"targets": "请选择至少一个派单对象"})
    resolved = [_resolve(t) for t in targets]
    seen: set[tuple[str, int]] = set()
    for r in resolved:
        if actor is not None and not can_dispatch_to(actor, r.org):
            raise OutsideDispatchArea(f"「{r.name}」不在您的调度范围内，不能派单")
        key = (r.target.kind, r.obj.pk)
        if (
            key in seen
            or request.dispatches.filter(status__in=ACTIVE_DISPATCH_STATUSES, **_assignee_filter(r)).exists()
        ):
            raise DuplicateAssignee(f"「{r.name}」已有该工单进行中的派单")
        seen.add(key)
    parts = []
    for r in resolved:
        try:
            with transaction.atomic():
                part = Dispatch.objects.create(
                    request=request,
                    part_label=r.target.part_label[:100],
                    via_rule=via_rule,
                    reasons=r.target.reasons[:8],
                    note=note,
                    dispatched_by=actor,
                    dispatched_at=now,
                    accept_due_at=now + accept_timeout(),
                    **{r.target.kind: r.obj},
                )
        except IntegrityError:
            raise DuplicateAssignee(f"「{r.name}」已有该工单进行中的派单") from None
        parts.append(part)
        schedule_stall_check(part)
        label = f"（{part.part_label}）" if part.part_label else ""
        event_add(
            request=request,
            kind=EventKind.DISPATCHED,
            at=now,
            actor=actor,
            dispatch=part,
            message=f"{'按规则' if via_rule else ''}派单给{KIND_LABELS[r.target.kind]}「{r.name}」{label}",
        )
        minutes = int(accept_timeout().total_seconds() // 60)
        notify(
            users=assignee_users(part),
            title=f"新派单：{request.item.name}",
            body=f"工单{request.number}，请在{minutes}分钟内接单。{request.address}",
            url=request_url(request),
            sms_kind=DISPATCH_NOTICE,
            sms_params={"item": request.item.name, "number": request.number, "minutes": minutes},
        )
    if request.dispatched_at is None:
        request.dispatched_at = now
    request.needs_redispatch = False
    request.status_notes = ""
    _settle_open_status(request, now)
    request.save()
    audit_record(
        actor=actor,
        action="update",
        target=request,
        org=request.area,
        after={"dispatched": [f"{p.assignee_kind}:{p.assignee.pk}" for p in parts], "via_rule": via_rule},
    )
    return parts


@transaction.atomic
def dispatch_create(
    *, actor: User, request: ServiceRequest, targets: list[Target], now: datetime.datetime, note: str = ""
) -> list[Dispatch]:
    """Send the request to one or more assignees (several = 组团, each part with its own status).
    Raises PermissionDenied, RequestNotOpen, OutsideDispatchArea (a target outside the actor's
    dispatch area), DuplicateAssignee, NotFound, ValidationFailed; writes nothing on any of them."""
    require(actor, "change", request)
    request = locked_request(request)
    require_open(request)
    note = clean_text(note, field="note", label="派单说明", max_length=300, required=False)
    return _create_parts(actor=actor, request=request, targets=targets, note=note, now=now, via_rule=False)


def _recall(*, actor: User, part: Dispatch, reason: str, now: datetime.datetime) -> None:
    part.status = DispatchStatus.RECALLED
    part.recalled_at = now
    part.recall_reason = reason
    part.save(update_fields=["status", "recalled_at", "recall_reason"])
    event_add(
        request=part.request,
        kind=EventKind.RECALLED,
        at=now,
        actor=actor,
        dispatch=part,
        message=f"撤回{part.assignee_name}：{reason}",
    )
    notify(
        users=assignee_users(part),
        title=f"派单已撤回：工单{part.request.number}",
        body=reason,
        url=request_url(part.request),
    )


@transaction.atomic
def dispatch_recall(*, actor: User, dispatch: Dispatch, reason: str, now: datetime.datetime) -> Dispatch:
    """Take an active part back (it stays in the history as 已撤回改派); with nothing left running the
    request returns to the dispatcher. Raises PermissionDenied, DispatchStateInvalid, RequestNotOpen."""
    require(actor, "change", dispatch.request)
    reason = clean_text(reason, field="reason", label="撤回原因", max_length=300)
    part = locked_dispatch(dispatch)
    request = locked_request(part.request)
    require_open(request)
    if part.status not in ACTIVE_DISPATCH_STATUSES:
        raise DispatchStateInvalid("只能撤回待接单或已接单的派单")
    _recall(actor=actor, part=part, reason=reason, now=now)
    if request.dispatches.filter(status__in=ACTIVE_DISPATCH_STATUSES).exists():
        _settle_open_status(request, now)
        request.save()
    else:
        request.status = RequestStatus.RETURNED
        request.returned_at = now
        request.updated_at = now
        request.save()
    audit_record(
        actor=actor, action="update", target=request, org=request.area, after={"recalled": part.pk}, reason=reason
    )
    return part


@transaction.atomic
def request_redispatch(
    *, actor: User, request: ServiceRequest, targets: list[Target], reason: str, now: datetime.datetime
) -> list[Dispatch]:
    """Re-dispatch: recall every active part and send to new assignees in one step; the old parts stay
    as history. Raises what dispatch_create and dispatch_recall raise."""
    require(actor, "change", request)
    reason = clean_text(reason, field="reason", label="改派原因", max_length=300)
    request = locked_request(request)
    require_open(request)
    for part in (
        request.dispatches.select_for_update(of=("self",))
        .filter(status__in=ACTIVE_DISPATCH_STATUSES)
        .select_related("station__node", "team", "volunteer__user")
    ):
        _recall(actor=actor, part=part, reason=reason, now=now)
    return _create_parts(actor=actor, request=request, targets=targets, note=reason, now=now, via_rule=False)


@transaction.atomic
def dispatch_accept(*, actor: User, dispatch: Dispatch, now: datetime.datetime) -> Dispatch:
    """The assignee takes the part. Raises PermissionDenied, DispatchStateInvalid, RequestNotOpen."""
    require(actor, "change", dispatch)
    part = locked_dispatch(dispatch)
    request = locked_request(part.request)
    require_open(request)
    if part.status != DispatchStatus.PENDING:
        raise DispatchStateInvalid(f"该派单{part.get_status_display()}，不能接单")
    part.status = DispatchStatus.ACCEPTED
    part.responded_at = now
    part.responded_by = actor
    part.save(update_fields=["status", "responded_at", "responded_by"])
    first_accept = request.accepted_at is None
    if first_accept:
        request.accepted_at = now
    _settle_open_status(request, now)
    request.save()
    if first_accept:
        tell_resident(
            request=request,
            title=f"您的诉求已有志愿者接单：{request.item.name}",
            body=f"{part.assignee_name}已接单，将尽快为您服务",
            sms_kind=REQUEST_ACCEPTED,
        )
    event_add(
        request=request,
        kind=EventKind.ACCEPTED,
        at=now,
        actor=actor,
        dispatch=part,
        message=f"{part.assignee_name}接单",
    )
    return part


@transaction.atomic
def dispatch_decline(*, actor: User, dispatch: Dispatch, reason: str, now: datetime.datetime) -> Dispatch:
    """The assignee turns the part down with a reason; the request goes back to the dispatcher (or is
    flagged when other parts still run). Raises PermissionDenied, DispatchStateInvalid, RequestNotOpen."""
    require(actor, "change", dispatch)
    reason = clean_text(reason, field="reason", label="拒单原因", max_length=300)
    part = locked_dispatch(dispatch)
    request = locked_request(part.request)
    require_open(request)
    if part.status not in ACTIVE_DISPATCH_STATUSES or part.arrived_at is not None:
        raise DispatchStateInvalid("已到场或已结束的派单不能拒单")
    part.status = DispatchStatus.DECLINED
    part.responded_at = now
    part.responded_by = actor
    part.decline_reason = reason
    part.save(update_fields=["status", "responded_at", "responded_by", "decline_reason"])
    event_add(
        request=request,
        kind=EventKind.DECLINED,
        at=now,
        actor=actor,
        dispatch=part,
        message=f"{part.assignee_name}拒单：{reason}",
    )
    _return_to_dispatcher(request=request, now=now, reason=f"{part.assignee_name}拒单：{reason}", dispatch=part)
    return part


@transaction.atomic
def dispatch_arrive(*, actor: User, dispatch: Dispatch, now: datetime.datetime) -> Dispatch:
    """On site (or, for a consultation, first contact made): stops the arrival clock. Arriving accepts a
    part still pending. Raises PermissionDenied, DispatchStateInvalid, RequestNotOpen."""
    require(actor, "change", dispatch)
    part = locked_dispatch(dispatch)
    request = locked_request(part.request)
    require_open(request)
    if part.status not in ACTIVE_DISPATCH_STATUSES:
        raise DispatchStateInvalid(f"该派单{part.get_status_display()}，不能登记到场")
    if part.arrived_at is not None:
        raise DispatchStateInvalid("已登记到场，请勿重复操作")
    if part.status == DispatchStatus.PENDING:
        part.status, part.responded_at, part.responded_by = DispatchStatus.ACCEPTED, now, actor
        request.accepted_at = request.accepted_at or now
    part.arrived_at = now
    part.save(update_fields=["status", "responded_at", "responded_by", "arrived_at"])
    if request.responded_at is None:
        request.responded_at = now
    _settle_open_status(request, now)
    request.save()
    late = " （超时）" if now > request.arrival_due_at else ""
    event_add(
        request=request,
        kind=EventKind.ARRIVED,
        at=now,
        actor=actor,
        dispatch=part,
        message=f"{part.assignee_name}到场{late}",
    )
    return part


def auto_dispatch_quietly(*, request: ServiceRequest, now: datetime.datetime) -> bool:
    """The rule at intake: the best candidate of the item's default kind (else the best of any kind).
    False, with a note in the history, when nobody fits; the request then waits for a dispatcher."""
    ranking = recommend(request=request, now=now, limit=1)
    best = ranking.best(request.item.assignee_kind) or next(iter(ranking.all()), None)
    if best is None:
        event_add(request=request, kind=EventKind.RETURNED, at=now, message="规则派单未找到合适对象，待人工派单")
        return False
    _create_parts(
        actor=None,
        request=request,
        targets=[Target(best.kind, best.id, reasons=best.reasons)],
        note="受理后按规则自动派单",
        now=now,
        via_rule=True,
    )
    return True


@transaction.atomic
def request_auto_dispatch(*, actor: User, request: ServiceRequest, now: datetime.datetime) -> Dispatch:
    """按规则派单: the top-ranked candidate within the actor's dispatch area, of the item's default kind
    when there is one. Raises PermissionDenied, RequestNotOpen, NoCandidate."""
    require(actor, "change", request)
    request = locked_request(request)
    require_open(request)
    ranking = recommend(request=request, now=now, within=dispatch_area_paths(actor), limit=3)
    busy = set(
        request.dispatches.filter(status__in=ACTIVE_DISPATCH_STATUSES).values_list(
            "station_id", "team_id", "volunteer_id"
        )
    )
    taken = {(k, i) for row in busy for k, i in zip(KINDS, row, strict=True) if i is not None}
    order = [request.item.assignee_kind] + [k for k in KINDS if k != request.item.assignee_kind]
    for kind in order:
        for candidate in {"station": ranking.stations, "team": ranking.teams, "volunteer": ranking.volunteers}[kind]:
            if (candidate.kind, candidate.id) not in taken:
                target = Target(candidate.kind, candidate.id, reasons=candidate.reasons)
                return _create_parts(
                    actor=actor, request=request, targets=[target], note="按规则派单", now=now, via_rule=True
                )[0]
    raise NoCandidate()


@transaction.atomic
def request_cancel(*, actor: User, request: ServiceRequest, reason: str, now: datetime.datetime) -> ServiceRequest:
    """Withdraw a request (duplicate, resident withdrew): active parts are recalled. Raises
    PermissionDenied, RequestNotOpen, the reason error."""
    require(actor, "change", request)
    reason = clean_text(reason, field="reason", label="撤销原因", max_length=300)
    request = locked_request(request)
    require_open(request)
    for part in (
        request.dispatches.select_for_update(of=("self",))
        .filter(status__in=ACTIVE_DISPATCH_STATUSES)
        .select_related("station__node", "team", "volunteer__user")
    ):
        _recall(actor=actor, part=part, reason=f"工单撤销：{reason}", now=now)
    before = request.status
    request.status = RequestStatus.CANCELLED
    request.cancelled_at = now
    request.status_notes = reason
    request.updated_at = now
    request.save()
    event_add(request=request, kind=EventKind.CANCELLED, at=now, actor=actor, message=reason)
    audit_record(
        actor=actor,
        action="update",
        target=request,
        org=request.area,
        before={"status": before},
        after={"status": request.status},
        reason=reason,
    )
    if request.order_id is not None:
        order_refresh(order_id=request.order_id, now=now)
    return request


@transaction.atomic
def candidate_phone_reveal(*, actor: User, request: ServiceRequest, volunteer_id: int) -> str:
    """A candidate's (volunteer's or team leader's) full phone, to call them before dispatching; only where
    the policy shows full phones (`can_view_sensitive`), each look a `view_sensitive` audit row."""
    volunteer = Volunteer.objects.select_related("org").filter(pk=volunteer_id).first()
    if volunteer is None:
        raise NotFound("志愿者不存在")
    if not can_view_sensitive(actor, volunteer):
        raise PermissionDenied("您无权查看完整的手机号")
    audit_record(
        actor=actor,
        action="view_sensitive",
        target=volunteer,
        org=volunteer.org,
        reason=f"派单联系（工单{request.number}）",
    )
    return volunteer.phone
