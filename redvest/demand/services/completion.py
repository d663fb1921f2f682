"""Closing a part: result, photos and time spent. Volunteers' time enters the service-time ledger the one
way the activities capability does it: a 分散服务 activity for the part, one attendance per volunteer
(written by the activities app's `demand_service_record`), each posted by
`records.services.record_post_attendance` (so the same anomaly checks and totals apply)."""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from redvest.accounts.policy import require
from redvest.activities.models import Activity
from redvest.activities.services import DemandService, ProxyStay, demand_service_record
from redvest.audit.services import audit_record
from redvest.core.errors import ValidationFailed
from redvest.core.sms.kinds import REQUEST_COMPLETED
from redvest.demand import geo
from redvest.demand.conf import MAX_MINUTES_PER_PART, MAX_PHOTO_BYTES, MAX_PHOTOS_PER_PART, PHOTO_TYPES, callback_window
from redvest.demand.errors import AlreadyDone, DispatchStateInvalid, ErrandIncomplete
from redvest.demand.models import (
    ACTIVE_DISPATCH_STATUSES,
    Callback,
    Dispatch,
    DispatchPhoto,
    DispatchStatus,
    EventKind,
    RequestStatus,
    ServiceRequest,
)
from redvest.demand.services._common import (
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
from redvest.demand.services.dispatch import _return_to_dispatcher
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.records.services import record_post_attendance
from redvest.teams.models import Membership
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User


@dataclass(frozen=True)
class TimeSpent:
    volunteer_id: int
    minutes: int


def eligible_volunteers(part: Dispatch) -> QuerySet[Volunteer]:
    """Whose time a part may carry: the volunteer it was sent to; the team's current members; for a
    station, registered volunteers of the area the station serves (its parent node's subtree)."""
    registered = Volunteer.objects.filter(status=VolunteerStatus.REGISTERED)
    if part.volunteer_id is not None:
        return registered.filter(pk=part.volunteer_id)
    if part.team_id is not None:
        members = Membership.objects.filter(team_id=part.team_id, left_at__isnull=True).values("volunteer_id")
        return registered.filter(pk__in=members)
    node = part.station.node if part.station else None
    if node is None:
        return registered.none()
    served = node.path[: -OrgNode.steplen] if node.depth > 1 else node.path
    return registered.filter(in_subtree_q("org__path", served))


def _check_time(part: Dispatch, entries: list[TimeSpent], now: datetime.datetime) -> dict[int, Volunteer]:
    errors: dict[str, str] = {}
    since = int((now - part.dispatched_at).total_seconds() // 60)
    ids = [e.volunteer_id for e in entries]
    if len(set(ids)) != len(ids):
        errors["time_spent"] = "同一志愿者只能填写一次用时"
    volunteers = {v.pk: v for v in eligible_volunteers(part).filter(pk__in=ids).select_related("org")}
    for entry in entries:
        volunteer = volunteers.get(entry.volunteer_id)
        if volunteer is None:
            errors["time_spent"] = "只能为本次派单的志愿者（或本队在册队员）填写用时"
        elif not isinstance(entry.minutes, int) or isinstance(entry.minutes, bool) or entry.minutes < 1:
            errors["time_spent"] = f"{volunteer.name}的用时应为正整数（分钟）"
        elif entry.minutes > min(MAX_MINUTES_PER_PART, since):
            errors["time_spent"] = (
                f"{volunteer.name}的用时不能超过{min(MAX_MINUTES_PER_PART, since)}分钟（派单至今的时长）"
            )
    if errors:
        raise ValidationFailed(errors)
    return volunteers


def _check_photos(photos: Sequence[UploadedFile]) -> None:
    if len(photos) > MAX_PHOTOS_PER_PART:
        raise ValidationFailed({"photos": f"最多上传{MAX_PHOTOS_PER_PART}张照片"})
    for photo in photos:
        ext = os.path.splitext(photo.name or "")[1].lower()
        if ext not in PHOTO_TYPES:
            raise ValidationFailed({"photos": f"「{photo.name}」不是 JPG、PNG 或 WebP 图片"})
        if (photo.size or 0) > MAX_PHOTO_BYTES:
            raise ValidationFailed({"photos": f"「{photo.name}」超过5MB"})


def _errand_check(request: ServiceRequest) -> None:
    missing_steps = list(request.errand_steps.filter(done_at__isnull=True).values_list("name", flat=True))
    missing_docs = list(request.errand_documents.filter(received_at__isnull=True).values_list("name", flat=True))
    if missing_steps or missing_docs:
        parts = []
        if missing_steps:
            parts.append(f"未完成步骤：{'、'.join(missing_steps)}")
        if missing_docs:
            parts.append(f"未收齐材料：{'、'.join(missing_docs)}")
        raise ErrandIncomplete(f"红色代办尚不能办结（{'；'.join(parts)}）")


def _activity_point(part: Dispatch, request: ServiceRequest) -> tuple[Decimal, Decimal]:
    if request.latitude is not None and request.longitude is not None:
        return request.latitude, request.longitude
    org = _assignee_org(part)
    located = geo.locate_paths([request.area.path, org.path])
    point = located.get(request.area.path) or located.get(org.path) or (0.0, 0.0)
    return Decimal(f"{point[0]:.6f}"), Decimal(f"{point[1]:.6f}")


def _assignee_org(part: Dispatch) -> Any:
    if part.team is not None:
        return part.team.org
    if part.volunteer is not None:
        return part.volunteer.org
    return part.station.node  # type: ignore[union-attr]  # exactly one assignee (DB constraint)


def _post_time(
    *,
    actor: User,
    part: Dispatch,
    request: ServiceRequest,
    entries: list[TimeSpent],
    volunteers: dict[int, Volunteer],
    now: datetime.datetime,
) -> Activity | None:
    """A closed 分散服务 activity for the part with a proxy attendance per volunteer ending now (the
    activities app's `demand_service_record`), each stay posted to the ledger."""
    if not entries:
        return None
    latitude, longitude = _activity_point(part, request)
    service = DemandService(
        dispatch_id=part.pk,
        title=f"需求服务：{request.item.name}（工单{request.number}）",
        org=_assignee_org(part),
        category=request.item.record_category,
        place=request.address or request.area.name,
        latitude=latitude,
        longitude=longitude,
        dispatched_at=part.dispatched_at,
        description=f"{request.description[:500]}\n办理结果：{part.result[:500]}",
        skills_wanted=list(request.item.required_skills),
        team_id=part.team_id,
    )
    stays = [ProxyStay(volunteer=volunteers[e.volunteer_id], minutes=e.minutes) for e in entries]
    reason = f"需求工单{request.number}办理用时，由{actor.display_name}填报"
    activity, attendances = demand_service_record(actor=actor, service=service, stays=stays, now=now, reason=reason)
    for attendance in attendances:
        record_post_attendance(actor=actor, attendance=attendance)
    return activity


def _resolve(*, actor: User | None, request: ServiceRequest, now: datetime.datetime, note: str) -> None:
    """Every part finished: 已办结, a callback task for the operator, the resident told."""
    request.status = RequestStatus.RESOLVED
    request.resolved_at = now
    request.updated_at = now
    request.needs_redispatch = False
    request.status_notes = note[:300]
    request.result_summary = (
        "\n".join(
            f"{p.assignee_name}：{p.result}"
            for p in request.dispatches.filter(status=DispatchStatus.DONE).select_related(
                "station__node", "team", "volunteer"
            )
        )
        or note
    )
    request.save()
    Callback.objects.get_or_create(
        request=request, round=request.reopened_count, defaults={"due_at": now + callback_window()}
    )
    event_add(request=request, kind=EventKind.RESOLVED, at=now, actor=actor, message=note)
    notify(
        users=dispatchers_for(request),
        title=f"工单{request.number}已办结，待回访",
        body=f"{request.item.name}，请在{callback_window().days}天内完成电话回访",
        url=request_url(request),
    )
    tell_resident(
        request=request,
        title=f"您的诉求已办结：{request.item.name}",
        body="欢迎填写服务反馈单，对本次服务进行评价",
        sms_kind=REQUEST_COMPLETED,
    )
    if request.order_id is not None:
        order_refresh(order_id=request.order_id, now=now)


@transaction.atomic
def dispatch_complete(
    *,
    actor: User,
    dispatch: Dispatch,
    result: str,
    now: datetime.datetime,
    time_spent: list[TimeSpent] | None = None,
    photos: Sequence[UploadedFile] | None = None,
) -> Dispatch:
    """Finish a part: result, photos, each volunteer's minutes (posted as service records). When it
    was the last running part the request is resolved (a 红色代办 only with every step done and every
    document in). Raises PermissionDenied, AlreadyDone (closing twice), DispatchStateInvalid,
    RequestNotOpen, ErrandIncomplete, ValidationFailed; nothing is written on any of them."""
    require(actor, "change", dispatch)
    part = locked_dispatch(dispatch)
    if part.status == DispatchStatus.DONE:
        raise AlreadyDone("该派单已办结，请勿重复提交")
    request = locked_request(part.request)
    require_open(request)
    if part.status not in ACTIVE_DISPATCH_STATUSES:
        raise DispatchStateInvalid(f"该派单{part.get_status_display()}，不能办结")
    result = clean_text(result, field="result", label="办理结果", max_length=2000)
    entries = list(time_spent or [])
    volunteers = _check_time(part, entries, now)
    photos = list(photos or [])
    _check_photos(photos)
    last = not request.dispatches.filter(status__in=ACTIVE_DISPATCH_STATUSES).exclude(pk=part.pk).exists()
    if last and request.is_errand and not request.needs_redispatch:
        _errand_check(request)
    part.status = DispatchStatus.DONE
    part.done_at = now
    part.done_by = actor
    part.result = result
    if part.responded_at is None:
        part.responded_at, part.responded_by = now, actor
    part.activity = _post_time(actor=actor, part=part, request=request, entries=entries, volunteers=volunteers, now=now)
    part.save()
    for photo in photos:
        DispatchPhoto.objects.create(
            dispatch=part, image=photo, original_name=(photo.name or "")[:200], uploaded_by=actor
        )
    total = sum(e.minutes for e in entries)
    event_add(
        request=request,
        kind=EventKind.PART_DONE,
        at=now,
        actor=actor,
        dispatch=part,
        message=f"{part.assignee_name}完成：{result[:100]}" + (f"（计服务时长{total}分钟）" if total else ""),
    )
    request.accepted_at = request.accepted_at or now
    request.responded_at = request.responded_at or now
    audit_record(
        actor=actor, action="update", target=request, org=request.area, after={"part_done": part.pk, "minutes": total}
    )
    if not last:
        request.status = RequestStatus.ACCEPTED
        request.updated_at = now
        request.save()
    elif request.needs_redispatch:
        request.save()
        _return_to_dispatcher(
            request=request, now=now, reason="部分派单被拒或超时，其余已完成，请补派或办结", dispatch=part
        )
    else:
        _resolve(actor=actor, request=request, now=now, note="全部派单已完成")
    return part


@transaction.atomic
def request_resolve(*, actor: User, request: ServiceRequest, note: str, now: datetime.datetime) -> ServiceRequest:
    """The dispatcher closes a request returned after some parts finished (the rest need no re-dispatch).
    Raises PermissionDenied, RequestNotOpen, DispatchStateInvalid (parts still running or none done),
    ErrandIncomplete."""
    require(actor, "change", request)
    note = clean_text(note, field="note", label="办结说明", max_length=300)
    request = locked_request(request)
    require_open(request)
    if request.dispatches.filter(status__in=ACTIVE_DISPATCH_STATUSES).exists():
        raise DispatchStateInvalid("还有进行中的派单，不能直接办结")
    if not request.dispatches.filter(status=DispatchStatus.DONE).exists():
        raise DispatchStateInvalid("尚无已完成的派单，不能办结；请先派单")
    if request.is_errand:
        _errand_check(request)
    audit_record(
        actor=actor,
        action="update",
        target=request,
        org=request.area,
        before={"status": request.status},
        after={"status": RequestStatus.RESOLVED},
        reason=note,
    )
    _resolve(actor=actor, request=request, now=now, note=note)
    return request
