"""Reads over requests and their parts, always through the policy's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)

from redvest.accounts.policy import Action, can, scope
from redvest.core.crypto import blind_index
from redvest.core.errors import NotFound
from redvest.core.validators import normalize_phone
from redvest.demand.access import can_handle_request, can_record_feedback, can_view_resident_phone, dispatch_area_paths
from redvest.demand.models import (
    ACTIVE_DISPATCH_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    Callback,
    CallbackStatus,
    Dispatch,
    DispatchPhoto,
    EventKind,
    Feedback,
    MenuOrder,
    RequestEvent,
    RequestStatus,
    Resident,
    ServiceRequest,
    SpotCheck,
)
from redvest.orgs.models import OrgKind, OrgNode, Station
from redvest.orgs.selectors import in_subtree_q
from redvest.teams.models import Team

if TYPE_CHECKING:
    from redvest.accounts.models import User

ASSIGNEE_RELATED = ("station__node", "team", "volunteer")
LIST_RELATED = ("item", "area", "resident", "escalated_to")


def _requests(user: User, action: Action = "view") -> QuerySet[ServiceRequest]:
    return scope(user, "request", ServiceRequest.objects.all(), action)


def _active_parts() -> Prefetch:
    return Prefetch(
        "dispatches",
        queryset=Dispatch.objects.filter(status__in=ACTIVE_DISPATCH_STATUSES).select_related(*ASSIGNEE_RELATED),
        to_attr="active_parts",
    )


def request_list(
    *,
    user: User,
    status: str = "",
    category: str = "",
    channel: str = "",
    q: str = "",
    area_id: int | None = None,
    overdue: bool = False,
    mine: bool = False,
) -> QuerySet[ServiceRequest]:
    """Requests the user may see, newest first, filtered; each with its running parts. `mine`: those
    the user submitted or that are theirs as a resident."""
    qs = _requests(user).select_related(*LIST_RELATED).prefetch_related(_active_parts())
    if mine:
        qs = qs.filter(_mine_q(user)).annotate(awaiting_rating=ExpressionWrapper(_awaiting_rating(), BooleanField()))
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "to_rate":
        qs = qs.filter(_awaiting_rating())
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if channel:
        qs = qs.filter(channel=channel)
    if q:
        qs = qs.filter(
            Q(number__startswith=q.strip()) | Q(description__icontains=q.strip()) | Q(address__icontains=q.strip())
        )
    if area_id is not None:
        area = OrgNode.objects.filter(pk=area_id).first()
        qs = qs.filter(in_subtree_q("area__path", area.path)) if area else qs.none()
    if overdue:
        qs = qs.filter(Q(arrival_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False))
    return qs.order_by("-created_at", "-id")


def board(*, user: User, overdue: bool = False, category: str = "") -> QuerySet[ServiceRequest]:
    """The dispatcher board: open requests most urgent first, then by the clock that is running
    (arrival until someone is on site, then resolution)."""
    qs = (
        _requests(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related(*LIST_RELATED)
        .prefetch_related(_active_parts())
        .annotate(due=Case(When(responded_at__isnull=True, then=F("arrival_due_at")), default=F("resolution_due_at")))
    )
    if overdue:
        qs = qs.filter(Q(arrival_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False))
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-urgency", "due", "id")


@dataclass(frozen=True)
class DeskCounts:
    """What the hotline desk has waiting (the dispatcher's 待办)."""

    to_dispatch: int
    due_soon: int
    overdue: int
    callbacks: int


SOON = datetime.timedelta(minutes=10)


def desk_counts(*, user: User, now: datetime.datetime) -> DeskCounts:
    """Open requests the user may change: waiting for a dispatch, arriving late within ten minutes,
    already late; and the callbacks due. Two queries."""
    qs = _requests(user, "change").filter(status__in=OPEN_STATUSES)
    watching = Q(responded_at__isnull=True, arrival_breached_at__isnull=True)
    counts = qs.aggregate(
        to_dispatch=Count("pk", filter=Q(status__in=[RequestStatus.PENDING, RequestStatus.RETURNED])),
        due_soon=Count("pk", filter=watching & Q(arrival_due_at__gt=now, arrival_due_at__lte=now + SOON)),
        overdue=Count("pk", filter=Q(arrival_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)),
    )
    return DeskCounts(**counts, callbacks=callback_list(user=user).count())


def _mine_q(user: User) -> Q:
    """The user's own requests: submitted while signed in, or theirs as the resident (proven phone)."""
    return Q(submitted_by_id=user.pk) | Q(resident__user_id=user.pk)


def _awaiting_rating() -> Q:
    """Done, and no feedback yet for the request's current round of handling."""
    rated = Exists(Feedback.objects.filter(request_id=OuterRef("pk"), round=OuterRef("reopened_count")))
    return Q(status__in=DONE_STATUSES) & ~Q(rated)


@dataclass(frozen=True)
class MyCounts:
    tasks: int  # dispatched parts the user handles
    open: int  # their own requests still being handled
    to_rate: int  # their own requests done and not rated yet


def my_open_counts(*, user: User) -> MyCounts:
    """The user's parts to handle, and their own requests still open or waiting for a rating. Two queries."""
    tasks = my_tasks(user=user).count()
    mine = ServiceRequest.objects.filter(_mine_q(user)).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        to_rate=Count("pk", filter=_awaiting_rating()),
    )
    return MyCounts(tasks=tasks, **mine)


def request_get(*, user: User, request_id: int, action: Action = "view") -> ServiceRequest:
    request = (
        _requests(user, action)
        .select_related(*LIST_RELATED, "order", "intake_station__node")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("工单不存在或您无权查看")
    return request


@dataclass
class RequestDetail:
    request: ServiceRequest
    parts: list[Dispatch]
    events: list[RequestEvent]
    callbacks: list[Callback]
    feedbacks: list[Any]
    spot_check: SpotCheck | None
    can_change: bool
    can_handle: bool
    can_see_phone: bool
    can_feedback: bool
    can_paper_feedback: bool = False
    my_parts: set[int] = field(default_factory=set)
    answers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def active_parts(self) -> list[Dispatch]:
        return [p for p in self.parts if p.is_active]

    @property
    def errand_progress(self) -> int:
        steps = list(self.request.errand_steps.all())
        return round(100 * sum(1 for s in steps if s.done_at) / len(steps)) if steps else 0


def request_detail(*, user: User, request_id: int) -> RequestDetail:
    """Everything the request page shows, with what this user may do there (asked of the policy)."""
    request = request_get(user=user, request_id=request_id)
    request = (
        ServiceRequest.objects.select_related(*LIST_RELATED, "order", "intake_station__node", "intake_org")
        .prefetch_related("errand_documents", "errand_steps")
        .get(pk=request.pk)
    )
    parts = list(
        request.dispatches.select_related(*ASSIGNEE_RELATED, "dispatched_by", "done_by")
        .prefetch_related(Prefetch("photos", queryset=DispatchPhoto.objects.order_by("id")))
        .order_by("dispatched_at", "id")
    )
    mine = set(scope(user, "dispatch", request.dispatches.all(), "change").values_list("pk", flat=True))
    evaluated = request.feedbacks.filter(round=request.reopened_count).exists()
    finished = request.status in DONE_STATUSES
    return RequestDetail(
        request=request,
        parts=parts,
        events=list(request.events.select_related("actor").order_by("at", "id")),
        callbacks=list(request.callbacks.select_related("done_by").order_by("round")),
        feedbacks=list(request.feedbacks.select_related("submitted_by").order_by("round")),
        spot_check=SpotCheck.objects.filter(request=request).select_related("checked_by").first(),
        can_change=can(user, "change", request),
        can_handle=can_handle_request(user, request),
        can_see_phone=can_view_resident_phone(user, request),
        can_feedback=finished and not evaluated and can_record_feedback(user, request, on_paper=False),
        can_paper_feedback=finished and not evaluated and can_record_feedback(user, request, on_paper=True),
        my_parts=mine,
        answers=attribute_answers(request),
    )


def attribute_answers(request: ServiceRequest) -> list[tuple[str, str]]:
    """The item's extra questions as asked and answered in words (the stored codes and option keys are
    what the API speaks); an answer to a question the item no longer asks is left out, not shown as a code."""
    stored = request.attributes or {}
    answers: list[tuple[str, str]] = []
    asked = {a.code: a for a in request.item.attributes.all()}
    for code, value in stored.items():
        attr = asked.get(code)
        if attr is None:
            continue
        names = {str(v.get("key")): str(v.get("name")) for v in attr.values if isinstance(v, dict)}
        values = value if isinstance(value, list) else [value]
        answers.append((attr.description, "、".join(names.get(str(v), str(v)) for v in values)))
    return answers


@dataclass
class CallerLookup:
    phone: str
    resident: Resident | None
    past: list[ServiceRequest]


def caller_lookup(*, user: User, phone: str) -> CallerLookup:
    """The caller's phone finds a known resident and their latest requests (those this user may see)."""
    phone = normalize_phone(phone)
    if len(phone) < 11:
        return CallerLookup(phone=phone, resident=None, past=[])
    resident = Resident.objects.select_related("area").filter(phone_hash=blind_index(phone)).first()
    past: list[ServiceRequest] = []
    if resident is not None:
        past = list(_requests(user).filter(resident=resident).select_related("item").order_by("-created_at")[:5])
    return CallerLookup(phone=phone, resident=resident, past=past)


def my_tasks(*, user: User, status: str = "active") -> QuerySet[Dispatch]:
    """Parts sent to the user (as the volunteer, their team's leader or liaison, their station's keeper)."""
    qs = scope(user, "dispatch", Dispatch.objects.all(), "change").select_related(
        "request__item", "request__area", *ASSIGNEE_RELATED
    )
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_DISPATCH_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-dispatched_at", "-id")


def dispatch_get(*, user: User, dispatch_id: int, action: Action = "view") -> Dispatch:
    part = (
        scope(user, "dispatch", Dispatch.objects.all(), action)
        .select_related("request__item", "request__area", "request__resident", *ASSIGNEE_RELATED)
        .filter(pk=dispatch_id)
        .first()
    )
    if part is None:
        raise NotFound("派单不存在或您无权查看")
    return part


def photo_get(*, user: User, photo_id: int) -> DispatchPhoto:
    visible = scope(user, "request", ServiceRequest.objects.all()).values("pk")
    photo = DispatchPhoto.objects.filter(pk=photo_id, dispatch__request__in=visible).first()
    if photo is None:
        raise NotFound("照片不存在或您无权查看")
    return photo


def callback_list(*, user: User, status: str = CallbackStatus.PENDING) -> QuerySet[Callback]:
    """The operator's callback tasks (requests they may change), the earliest due first."""
    qs = Callback.objects.filter(request__in=_requests(user, "change").values("pk")).select_related(
        "request__item", "request__resident", "request__area", "done_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "id") if status == CallbackStatus.PENDING else qs.order_by("-done_at", "-id")


def callback_get(*, user: User, callback_id: int) -> Callback:
    callback = callback_list(user=user, status="").filter(pk=callback_id).first()
    if callback is None:
        raise NotFound("回访任务不存在或您无权处理")
    return callback


def spot_check_list(*, user: User, status: str = "") -> QuerySet[SpotCheck]:
    qs = SpotCheck.objects.filter(request__in=_requests(user, "change").values("pk")).select_related(
        "request__item", "request__area", "drawn_by", "checked_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-drawn_at", "-id")


def spot_check_get(*, user: User, check_id: int) -> SpotCheck:
    check = spot_check_list(user=user).filter(pk=check_id).first()
    if check is None:
        raise NotFound("抽查记录不存在或您无权处理")
    return check


def order_list(*, user: User) -> QuerySet[MenuOrder]:
    visible = _requests(user).filter(order__isnull=False).values("order_id")
    return MenuOrder.objects.filter(pk__in=visible).select_related("community").order_by("-scheduled_start", "-id")


def order_get(*, user: User, order_id: int) -> MenuOrder:
    order = order_list(user=user).filter(pk=order_id).first()
    if order is None:
        raise NotFound("订单不存在或您无权查看")
    return order


def order_lines(*, order: MenuOrder) -> list[ServiceRequest]:
    return list(order.requests.select_related("item", "area").prefetch_related(_active_parts()).order_by("id"))


def area_choices(*, user: User) -> QuerySet[OrgNode]:
    """Towns and communities the user may register and dispatch requests in (pickers)."""
    paths = dispatch_area_paths(user)
    qs = OrgNode.objects.filter(kind__in=[OrgKind.TOWN, OrgKind.COMMUNITY, OrgKind.GRID])
    if paths is not None:
        q = Q()
        for p in paths:
            q |= in_subtree_q("path", p)
        qs = qs.filter(q) if paths else qs.none()
    return qs.order_by("path")


def request_track(*, phone: str, code: str) -> ServiceRequest:
    """A request found by the resident's phone and its six-digit tracking code; NotFound otherwise (the
    same answer whether the phone or the code is wrong)."""
    phone, code = normalize_phone(phone or ""), (code or "").strip()
    missing = NotFound("未找到该诉求，请核对手机号和查询码")
    if not phone or len(code) != 6 or not code.isdigit():
        raise missing
    candidates = (
        ServiceRequest.objects.filter(resident__phone_hash=blind_index(phone))
        .select_related("item", "area")
        .order_by("-created_at", "-id")[:200]
    )
    for candidate in candidates:
        if candidate.tracking_code == code:
            return candidate
    raise missing


RESIDENT_EVENT_LABELS = {
    EventKind.CREATED: "已受理",
    EventKind.DISPATCHED: "已派志愿者",
    EventKind.ARRIVED: "志愿者已到达",
    EventKind.RESOLVED: "已办结",
    EventKind.REOPENED: "重新办理",
    EventKind.CANCELLED: "已撤销",
    EventKind.FEEDBACK: "已评价",
}


@dataclass(frozen=True)
class TrackStep:
    at: Any
    label: str


def request_track_steps(*, request: ServiceRequest) -> list[TrackStep]:
    """The milestones a resident sees on the tracking page: plain words, each once in a row, no staff
    names and no internal notes."""
    steps: list[TrackStep] = []
    events = RequestEvent.objects.filter(request=request, kind__in=list(RESIDENT_EVENT_LABELS)).order_by("at", "id")
    for kind, at in events.values_list("kind", "at"):
        label = RESIDENT_EVENT_LABELS[EventKind(kind)]
        if not steps or steps[-1].label != label:
            steps.append(TrackStep(at=at, label=label))
    return steps


def request_may_rate(*, request: ServiceRequest) -> bool:
    """Whether the resident can still rate this round of handling."""
    return (
        request.status in DONE_STATUSES
        and not Feedback.objects.filter(request=request, round=request.reopened_count).exists()
    )


def public_area_choices() -> QuerySet[OrgNode]:
    """Communities anyone may say they live in (the resident web form)."""
    return OrgNode.objects.filter(kind__in=[OrgKind.TOWN, OrgKind.COMMUNITY]).order_by("path")


def dispatch_root_choices(*, user: User) -> QuerySet[OrgNode]:
    """Nodes a user may run statistics and spot checks over: their dispatch areas and everything below."""
    paths = dispatch_area_paths(user)
    qs = OrgNode.objects.exclude(kind__in=[OrgKind.PARTY_ORG, OrgKind.GRID, OrgKind.POST, OrgKind.SERVICE_POINT])
    if paths is None:
        return qs.filter(depth__lte=2).order_by("path")
    q = Q()
    for p in paths:
        q |= Q(path=p) | (in_subtree_q("path", p) & Q(depth__lte=len(p) // OrgNode.steplen + 1))
    return qs.filter(q).order_by("path") if paths else qs.none()


def walkin_stations(*, user: User) -> QuerySet[Station]:
    """Stations where the user may register walk-ins: those in their dispatch area (a keeper's own)."""
    paths = dispatch_area_paths(user)
    qs = Station.objects.select_related("node")
    if paths is None:
        return qs.order_by("node__path")
    q = Q()
    for p in paths:
        q |= in_subtree_q("node__path", p)
    return qs.filter(q).order_by("node__path") if paths else qs.none()


def team_choices(*, user: User) -> QuerySet[Team]:
    """Active teams the user may dispatch to (组团派单 pickers)."""
    paths = dispatch_area_paths(user)
    qs = Team.objects.filter(is_active=True).select_related("org")
    if paths is None:
        return qs.order_by("org__path", "name")
    q = Q()
    for p in paths:
        q |= in_subtree_q("org__path", p)
    return qs.filter(q).order_by("org__path", "name") if paths else qs.none()


def request_for_api(*, user: User, request_id: int) -> ServiceRequest:
    """One request as the API shows it: parts, running parts and history attached (a fixed few queries)."""
    request = (
        _requests(user)
        .select_related(*LIST_RELATED)
        .prefetch_related("errand_documents", "errand_steps")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("工单不存在或您无权查看")
    parts = list(request.dispatches.select_related(*ASSIGNEE_RELATED).order_by("dispatched_at", "id"))
    request.detail_parts = parts  # type: ignore[attr-defined]  # read by the API's RequestDetailOut
    request.active_parts = [p for p in parts if p.is_active]  # type: ignore[attr-defined]  # as above
    request.detail_events = list(request.events.select_related("actor").order_by("at", "id"))  # type: ignore[attr-defined]  # as above
    return request
