"""Closing the loop: the operator's callback (不满意 reopens), the feedback form, random spot checks."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from redvest.accounts.policy import require, scope
from redvest.audit.services import audit_record
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.demand.access import can_record_feedback
from redvest.demand.errors import AlreadyEvaluated
from redvest.demand.models import (
    DONE_STATUSES,
    Callback,
    CallbackStatus,
    EventKind,
    Feedback,
    FeedbackSource,
    Rating,
    RequestStatus,
    ServiceRequest,
    SpotCheck,
    SpotCheckStatus,
)
from redvest.demand.selectors.requests import request_track
from redvest.demand.services._common import (
    clean_text,
    dispatchers_for,
    event_add,
    locked_request,
    notify,
    order_refresh,
    request_url,
)
from redvest.orgs.selectors import in_subtree_q

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

MAX_DRAW = 50


def _rating(value: str) -> str:
    if value not in Rating.values:
        raise ValidationFailed({"rating": "请选择满意、基本满意或不满意"})
    return value


def _reopen(*, actor: User, request: ServiceRequest, reason: str, now: datetime.datetime) -> None:
    """不满意: back to the dispatcher for another round, with a fresh resolution clock."""
    request.status = RequestStatus.RETURNED
    request.reopened_count += 1
    request.resolved_at = None
    request.returned_at = now
    request.resolution_due_at = max(
        now + datetime.timedelta(minutes=request.item.resolution_minutes), request.arrival_due_at
    )
    request.resolution_breached_at = None
    request.needs_redispatch = False
    request.status_notes = reason[:300]
    request.updated_at = now
    request.save()
    event_add(request=request, kind=EventKind.REOPENED, at=now, actor=actor, message=reason)
    notify(
        users=dispatchers_for(request),
        title=f"回访不满意，工单{request.number}重新办理",
        body=reason,
        url=request_url(request),
    )


@transaction.atomic
def callback_record(*, actor: User, callback: Callback, rating: str, comment: str, now: datetime.datetime) -> Callback:
    """The operator's callback result. 满意/基本满意 archive the request; 不满意 (with the reason) reopens it.
    Raises PermissionDenied, AlreadyEvaluated (recorded twice), ValidationFailed, Conflict."""
    require(actor, "change", callback.request)
    callback = Callback.objects.select_for_update(of=("self",)).get(pk=callback.pk)
    if callback.status == CallbackStatus.DONE:
        raise AlreadyEvaluated("该工单本轮已回访，请勿重复登记")
    rating = _rating(rating)
    comment = clean_text(
        comment,
        field="comment",
        label="不满意原因" if rating == Rating.UNSATISFIED else "群众意见",
        max_length=500,
        required=rating == Rating.UNSATISFIED,
    )
    request = locked_request(callback.request)
    if request.status != RequestStatus.RESOLVED:
        raise Conflict("工单当前不在待回访状态")
    callback.status = CallbackStatus.DONE
    callback.rating = rating
    callback.comment = comment
    callback.done_by = actor
    callback.done_at = now
    callback.save()
    event_add(
        request=request,
        kind=EventKind.CALLBACK,
        at=now,
        actor=actor,
        message=f"回访：{Rating(rating).label}。{comment}",
    )
    audit_record(actor=actor, action="update", target=request, org=request.area, after={"callback": rating})
    if rating == Rating.UNSATISFIED:
        _reopen(actor=actor, request=request, reason=f"回访不满意：{comment}", now=now)
    else:
        request.status = RequestStatus.CLOSED
        request.closed_at = now
        request.updated_at = now
        request.save()
        event_add(request=request, kind=EventKind.CLOSED, at=now, actor=actor, message="回访完成，归档")
    if request.order_id is not None:
        order_refresh(order_id=request.order_id, now=now)
    return callback


@transaction.atomic
def callback_unreachable(*, actor: User, callback: Callback, now: datetime.datetime) -> Callback:
    """A call nobody answered: counted, the task stays open. Raises PermissionDenied, AlreadyEvaluated."""
    require(actor, "change", callback.request)
    callback = Callback.objects.select_for_update(of=("self",)).get(pk=callback.pk)
    if callback.status == CallbackStatus.DONE:
        raise AlreadyEvaluated("该工单本轮已回访")
    callback.attempts += 1
    callback.last_attempt_at = now
    callback.save(update_fields=["attempts", "last_attempt_at"])
    event_add(
        request=callback.request,
        kind=EventKind.CALLBACK,
        at=now,
        actor=actor,
        message=f"回访未接通（第{callback.attempts}次）",
    )
    return callback


@transaction.atomic
def feedback_submit(
    *, actor: User, request: ServiceRequest, rating: str, comment: str, source: str, now: datetime.datetime
) -> Feedback:
    """The feedback form, once per round of handling, after the request is resolved: the resident for
    their own request, or staff typing in a paper form. Raises PermissionDenied, Conflict (not yet
    resolved), AlreadyEvaluated, ValidationFailed."""
    if source not in FeedbackSource.values:
        raise ValidationFailed({"source": "反馈来源无效"})
    if not can_record_feedback(actor, request, on_paper=source == FeedbackSource.PAPER):
        raise PermissionDenied("只能评价本人提交的诉求")
    return _feedback_create(actor=actor, request=request, rating=rating, comment=comment, source=source, now=now)


@transaction.atomic
def feedback_submit_tracked(*, phone: str, code: str, rating: str, comment: str, now: datetime.datetime) -> Feedback:
    """The resident without an account rates their request: the phone and the tracking code prove it is
    theirs. Raises NotFound, Conflict, AlreadyEvaluated, ValidationFailed."""
    request = request_track(phone=phone, code=code)
    return _feedback_create(
        actor=None, request=request, rating=rating, comment=comment, source=FeedbackSource.RESIDENT, now=now
    )


def _feedback_create(
    *, actor: User | None, request: ServiceRequest, rating: str, comment: str, source: str, now: datetime.datetime
) -> Feedback:
    request = locked_request(request)
    if request.status not in DONE_STATUSES:
        raise Conflict("诉求办结后才能填写服务反馈")
    rating = _rating(rating)
    comment = clean_text(comment, field="comment", label="意见建议", max_length=500, required=False)
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                request=request,
                round=request.reopened_count,
                rating=rating,
                comment=comment,
                source=source,
                submitted_by=actor,
                created_at=now,
            )
    except IntegrityError:
        raise AlreadyEvaluated() from None
    event_add(
        request=request, kind=EventKind.FEEDBACK, at=now, actor=actor, message=f"{Rating(rating).label}。{comment}"
    )
    if rating == Rating.UNSATISFIED:
        notify(
            users=dispatchers_for(request),
            title=f"服务反馈不满意：工单{request.number}",
            body=comment or request.item.name,
            url=request_url(request),
        )
    return feedback


@transaction.atomic
def spot_check_draw(
    *, actor: User, root: OrgNode, start: datetime.datetime, end: datetime.datetime, count: int, now: datetime.datetime
) -> list[SpotCheck]:
    """Draw finished requests at random (resolved in [start, end), under `root`, that the actor may
    change and that were not drawn before). Raises ValidationFailed when the count is out of range or
    nothing is left to draw."""
    if not 1 <= count <= MAX_DRAW:
        raise ValidationFailed({"count": f"每次抽查 1 到 {MAX_DRAW} 件"})
    if end <= start:
        raise ValidationFailed({"end": "结束日期须晚于开始日期"})
    pool = scope(
        actor,
        "request",
        ServiceRequest.objects.filter(
            in_subtree_q("area__path", root.path),
            status__in=DONE_STATUSES,
            resolved_at__gte=start,
            resolved_at__lt=end,
            spot_check__isnull=True,
        ),
        "change",
    )
    ids = list(pool.values_list("pk", flat=True))
    if not ids:
        raise ValidationFailed({"count": "该范围和期间内没有可抽查的已办结工单"})
    chosen = random.SystemRandom().sample(ids, min(count, len(ids)))
    checks = SpotCheck.objects.bulk_create([SpotCheck(request_id=pk, drawn_by=actor, drawn_at=now) for pk in chosen])
    for pk in chosen:
        event_add(
            request=ServiceRequest(pk=pk), kind=EventKind.SPOT_CHECK, at=now, actor=actor, message="被随机抽中，待抽查"
        )
    return checks


@transaction.atomic
def spot_check_record(
    *, actor: User, check: SpotCheck, verified: bool, rating: str, note: str, now: datetime.datetime
) -> SpotCheck:
    """The spot check's own result: was the service real, how satisfied the resident is. Raises
    PermissionDenied, AlreadyEvaluated, ValidationFailed."""
    require(actor, "change", check.request)
    check = (
        SpotCheck.objects.select_for_update(of=("self",))
        .select_related("request__area", "request__item")
        .get(pk=check.pk)
    )
    if check.status == SpotCheckStatus.DONE:
        raise AlreadyEvaluated("该抽查已登记结果")
    rating = _rating(rating)
    note = clean_text(note, field="note", label="抽查情况", max_length=500, required=not verified)
    check.status = SpotCheckStatus.DONE
    check.verified = verified
    check.rating = rating
    check.note = note
    check.checked_by = actor
    check.checked_at = now
    check.save()
    request = check.request
    event_add(
        request=request,
        kind=EventKind.SPOT_CHECK,
        at=now,
        actor=actor,
        message=f"抽查：{'服务属实' if verified else '服务不属实'}，{Rating(rating).label}。{note}",
    )
    audit_record(
        actor=actor, action="update", target=request, org=request.area, after={"spot_check": verified, "rating": rating}
    )
    if not verified or rating == Rating.UNSATISFIED:
        notify(
            users=dispatchers_for(request),
            title=f"抽查发现问题：工单{request.number}",
            body=note or Rating(rating).label,
            url=request_url(request),
        )
    return check
