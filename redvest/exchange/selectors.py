"""Reads for the data exchange: batches in the admin's subtree, the rows of each element set to export,
and what was transferred in for a volunteer."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse

from redvest.accounts import policy
from redvest.activities.models import Activity, ActivityKind, ActivityStatus
from redvest.awards.models import DecisionKind, DecisionRow, Stage
from redvest.core.errors import NotFound, PermissionDenied
from redvest.core.subtree import in_subtree_q
from redvest.exchange.models import (
    BatchStatus,
    Direction,
    ExchangeBatch,
    TransferredHonour,
    TransferredService,
    TransferredTraining,
)
from redvest.orgs.models import OrgNode
from redvest.publicity.models import AttendanceMark
from redvest.records.models import Certificate, ServiceRecord
from redvest.teams.models import Membership, MembershipKind, Team
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User

CHUNK = 2000


def exchange_roots(*, user: User) -> QuerySet[OrgNode]:
    """The nodes the user may exchange data for: the roots of the subtrees they administer."""
    return OrgNode.objects.filter(pk__in=policy.home_orgs(user)).order_by("path")


def exchange_orgs(*, user: User) -> QuerySet[OrgNode]:
    """Every node the user administers (the import target and export scope pickers)."""
    return policy.scope(user, "org", OrgNode.objects.all(), "change").order_by("path")


def batch_list(*, user: User, direction: str = "") -> QuerySet[ExchangeBatch]:
    qs = policy.scope(user, "exchange_batch", ExchangeBatch.objects.select_related("org", "created_by"))
    if direction in Direction.values:
        qs = qs.filter(direction=direction)
    return qs.order_by("-id")


def batch_get(*, user: User, pk: int) -> ExchangeBatch:
    batch = batch_list(user=user).filter(pk=pk).first()
    if batch is None:
        raise NotFound("数据交换批次不存在或不在您的管理范围内")
    return batch


def require_exchange(user: User, org: OrgNode) -> None:
    """Exchange packages hold full ID numbers: org admins of the node's subtree (and system admins) only."""
    if not policy.can_administer(user, org):
        raise PermissionDenied("您无权交换该组织的数据")


def last_export_until(*, org: OrgNode) -> datetime.datetime | None:
    """The watermark: where the last finished export of this node stopped."""
    batch = (
        ExchangeBatch.objects.filter(org=org, direction=Direction.EXPORT, status=BatchStatus.DONE, until__isnull=False)
        .order_by("-until")
        .only("until")
        .first()
    )
    return batch.until if batch is not None else None


def deployment_root(org: OrgNode) -> OrgNode:
    return OrgNode.objects.get(path=org.path[: OrgNode.steplen])


def _window(field: str, since: datetime.datetime | None, until: datetime.datetime) -> Q:
    q = Q(**{f"{field}__lte": until})
    if since is not None:
        q &= Q(**{f"{field}__gt": since})
    return q


def export_volunteers(org: OrgNode, since: datetime.datetime | None, until: datetime.datetime) -> QuerySet[Volunteer]:
    return (
        Volunteer.objects.filter(in_subtree_q("org__path", org.path))
        .filter(_window("updated_at", since, until))
        .select_related("org")
        .order_by("id")
    )


def export_teams(org: OrgNode, since: datetime.datetime | None, until: datetime.datetime) -> QuerySet[Team]:
    return (
        Team.objects.filter(in_subtree_q("org__path", org.path))
        .filter(_window("created_at", since, until))
        .select_related("org", "leader")
        .order_by("id")
    )


def export_activities(org: OrgNode, since: datetime.datetime | None, until: datetime.datetime) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(in_subtree_q("org__path", org.path))
        .exclude(kind=ActivityKind.DEMAND)
        .exclude(status=ActivityStatus.DRAFT)
        .filter(_window("created_at", since, until))
        .select_related("org")
        .order_by("id")
    )


def export_records(org: OrgNode, since: datetime.datetime | None, until: datetime.datetime) -> QuerySet[ServiceRecord]:
    return (
        ServiceRecord.objects.filter(in_subtree_q("volunteer__org__path", org.path))
        .filter(_window("created_at", since, until))
        .select_related("volunteer", "activity")
        .order_by("id")
    )


def export_transferred(
    org: OrgNode, since: datetime.datetime | None, until: datetime.datetime
) -> QuerySet[TransferredService]:
    """Time transferred in earlier moves on with the person, under its first source."""
    return (
        TransferredService.objects.filter(in_subtree_q("volunteer__org__path", org.path))
        .filter(_window("created_at", since, until))
        .select_related("volunteer")
        .order_by("id")
    )


def export_honours(org: OrgNode, since: datetime.datetime | None, until: datetime.datetime) -> QuerySet[DecisionRow]:
    """Volunteers placed in a published award (the current tiers decision of a campaign at 结果公布)."""
    return (
        DecisionRow.objects.filter(
            selected=True,
            decision__kind=DecisionKind.TIERS,
            decision__superseded_by__isnull=True,
            decision__campaign__stage=Stage.FINAL,
            nomination__volunteer__isnull=False,
        )
        .filter(in_subtree_q("nomination__volunteer__org__path", org.path))
        .filter(_window("decision__decided_at", since, until))
        .select_related("nomination__volunteer", "decision__campaign__org")
        .order_by("id")
    )


def export_transferred_honours(
    org: OrgNode, since: datetime.datetime | None, until: datetime.datetime, kind: str
) -> QuerySet[TransferredHonour]:
    return (
        TransferredHonour.objects.filter(in_subtree_q("volunteer__org__path", org.path), kind=kind)
        .filter(_window("created_at", since, until))
        .select_related("volunteer")
        .order_by("id")
    )


def export_certificates(
    org: OrgNode, since: datetime.datetime | None, until: datetime.datetime
) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(in_subtree_q("volunteer__org__path", org.path), revoked_at__isnull=True)
        .filter(_window("issued_at", since, until))
        .select_related("volunteer", "issuing_org")
        .order_by("id")
    )


def export_training(
    org: OrgNode, since: datetime.datetime | None, until: datetime.datetime
) -> QuerySet[AttendanceMark]:
    """Trainings attended: the current marks (none corrects them) that say 出席."""
    return (
        AttendanceMark.objects.filter(
            in_subtree_q("volunteer__org__path", org.path), attended=True, corrected_by__isnull=True
        )
        .filter(_window("marked_at", since, until))
        .select_related("volunteer", "session__org")
        .order_by("id")
    )


def export_transferred_training(
    org: OrgNode, since: datetime.datetime | None, until: datetime.datetime
) -> QuerySet[TransferredTraining]:
    return (
        TransferredTraining.objects.filter(in_subtree_q("volunteer__org__path", org.path))
        .filter(_window("created_at", since, until))
        .select_related("volunteer")
        .order_by("id")
    )


def chunked(qs: QuerySet[Any]) -> Iterator[Any]:
    yield from qs.iterator(chunk_size=CHUNK)


@dataclass
class Transferred:
    """What a volunteer brought from other systems: shown as 转入, apart from local hours."""

    services: list[TransferredService]
    honours: list[TransferredHonour]
    trainings: list[TransferredTraining]
    credit_minutes: int
    honour_minutes: int


def transferred_for(*, volunteer: Volunteer) -> Transferred:
    services = list(TransferredService.objects.filter(volunteer=volunteer).order_by("served_on", "id"))
    honours = list(TransferredHonour.objects.filter(volunteer=volunteer).order_by("awarded_on", "id"))
    sums = dict(
        TransferredService.objects.filter(volunteer=volunteer)
        .values_list("kind")
        .annotate(total=Sum("minutes"))
        .values_list("kind", "total")
    )
    trainings = list(TransferredTraining.objects.filter(volunteer=volunteer).order_by("held_on", "id"))
    return Transferred(services, honours, trainings, int(sums.get("credit") or 0), int(sums.get("honour") or 0))


def volunteer_for_transferred(*, user: User, pk: int) -> Volunteer:
    volunteer = policy.scope(user, "volunteer", Volunteer.objects.select_related("org")).filter(pk=pk).first()
    if volunteer is None:
        raise NotFound("志愿者不存在或不在您的管理范围内")
    return volunteer


def org_teams_of(org: OrgNode) -> dict[int, int]:
    """volunteer id -> organisational team id for the subtree, in one query."""
    rows = Membership.objects.filter(
        in_subtree_q("volunteer__org__path", org.path), kind=MembershipKind.ORGANISATIONAL, left_at__isnull=True
    ).values_list("volunteer_id", "team_id")
    return dict(rows)


def org_for_exchange(*, user: User, pk: int) -> OrgNode:
    """A node the user may exchange data for; NotFound when it does not exist, PermissionDenied otherwise."""
    org = OrgNode.objects.filter(pk=pk).first()
    if org is None:
        raise NotFound("组织不存在")
    require_exchange(user, org)
    return org


def transferred_panel(volunteer: Volunteer) -> tuple[str, str] | None:
    """The line on a volunteer's page (volunteers.hooks.detail_panels) when they brought records along."""
    if not (
        TransferredService.objects.filter(volunteer=volunteer).exists()
        or TransferredHonour.objects.filter(volunteer=volunteer).exists()
        or TransferredTraining.objects.filter(volunteer=volunteer).exists()
    ):
        return None
    return ("查看转入记录（其他系统转移接续的服务时长、荣誉、证明与培训，不计入本系统时长）",
            reverse("exchange:transferred", args=[volunteer.pk]))  # fmt: skip
