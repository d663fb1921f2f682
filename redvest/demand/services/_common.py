"""Pieces every demand service shares: the history row, locking, who to tell, text checks, an order's state
after one of its lines moved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse

from redvest.accounts.models import Role, RoleAssignment, User
from redvest.core.errors import DomainError
from redvest.core.services import notification_send, sms_send_later
from redvest.demand.access import dispatcher_assignments_over
from redvest.demand.errors import RequestNotOpen
from redvest.demand.models import (
    DONE_STATUSES,
    Dispatch,
    EventKind,
    MenuOrder,
    OrderStatus,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)

if TYPE_CHECKING:
    import datetime


def event_add(
    *,
    request: ServiceRequest,
    kind: EventKind | str,
    at: datetime.datetime,
    actor: User | None = None,
    dispatch: Dispatch | None = None,
    message: str = "",
) -> RequestEvent:
    """One line of the request's history."""
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        at=at,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        dispatch=dispatch,
        message=message[:300],
    )


def locked_request(request: ServiceRequest) -> ServiceRequest:
    """The request row, locked for the rest of the transaction (state changes, part counts)."""
    return ServiceRequest.objects.select_for_update(of=("self",)).select_related("item", "area").get(pk=request.pk)


def locked_dispatch(dispatch: Dispatch) -> Dispatch:
    return (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("request__item", "request__area", "station__node", "team__org", "volunteer__org")
        .get(pk=dispatch.pk)
    )


def require_open(request: ServiceRequest) -> None:
    if not request.is_open:
        raise RequestNotOpen()


def clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}", field=field, code="required")
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}字", field=field, code="too_long")
    return text


def request_url(request: ServiceRequest) -> str:
    return reverse("demand:request-detail", args=[request.pk])


def dispatchers_for(request: ServiceRequest) -> QuerySet[User]:
    """Dispatchers whose area holds the request (the policy's hotline rule)."""
    return User.objects.filter(pk__in=dispatcher_assignments_over(request.area.path).values("user_id"), is_active=True)


def assignee_users(dispatch: Dispatch) -> list[User]:
    """Who answers for a part: the volunteer; the team's leader and liaison; the station's keepers."""
    if dispatch.volunteer_id is not None:
        user = dispatch.volunteer.user if dispatch.volunteer else None
        return [user] if user is not None else []
    if dispatch.team_id is not None and dispatch.team is not None:
        team = dispatch.team
        ids = [v for v in (team.leader_id, team.liaison_id) if v is not None]
        return list(User.objects.filter(volunteer__pk__in=ids, is_active=True))
    keepers = RoleAssignment.objects.filter(role=Role.STATION_KEEPER, org_id=dispatch.station_id).values("user_id")
    return list(User.objects.filter(pk__in=keepers, is_active=True))


def notify(
    *,
    users: Iterable[User],
    title: str,
    body: str,
    url: str,
    sms_kind: str = "",
    sms_params: dict[str, object] | None = None,
) -> None:
    """In-app inbox and channels, once per person, after the transaction commits (via notification_send);
    with an SMS kind (core.sms.kinds) the SMS channel texts it too."""
    unique = {u.pk: u for u in users if u is not None}
    if unique:
        notification_send(
            recipients=list(unique.values()), title=title, body=body, url=url, sms_kind=sms_kind, sms_params=sms_params
        )


def tell_resident(*, request: ServiceRequest, title: str, body: str, sms_kind: str) -> None:
    """The person who asked: in their inbox (and texted) when they have an account, else texted at the number
    they gave, after commit; nothing when neither (an anonymous walk-in)."""
    resident = request.resident
    if resident is None:
        return
    params: dict[str, object] = {"number": request.number}
    if resident.user is not None:
        notify(
            users=[resident.user],
            title=title,
            body=body,
            url=request_url(request),
            sms_kind=sms_kind,
            sms_params=params,
        )
    elif resident.phone_encrypted:
        sms_send_later(phone=resident.phone, kind=sms_kind, params=params, target=request)


def order_refresh(*, order_id: int, now: datetime.datetime) -> MenuOrder:
    """The order closes when every line is finished (or withdrawn), and opens again if one is reopened."""
    order = MenuOrder.objects.select_for_update(of=("self",)).get(pk=order_id)
    statuses = set(order.requests.values_list("status", flat=True))
    finished = DONE_STATUSES + (RequestStatus.CANCELLED,)
    if statuses and statuses <= set(finished):
        new = OrderStatus.CANCELLED if statuses == {RequestStatus.CANCELLED} else OrderStatus.CLOSED
    else:
        new = OrderStatus.OPEN
    if new != order.status:
        order.status = new
        order.closed_at = now if new != OrderStatus.OPEN else None
        order.save(update_fields=["status", "closed_at"])
    return order
