"""Point expiry, where an org's policy sets it (none by default)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, Sum

from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.points.models import AccountKind, PointsAccount, PointsEarnedYear, PointsEntry, PointsPolicy, TxnKind
from redvest.points.selectors.config import policy_for
from redvest.points.services.ledger import accounts_lock, bank_account, ledger_post


def _recent_inflow(*, account: PointsAccount, volunteer_id: int, cutoff_year: int) -> int:
    """Points that arrived after the cutoff year: net earnings of later years and transfers received since."""
    earned = (
        PointsEarnedYear.objects.filter(volunteer_id=volunteer_id, year__gt=cutoff_year).aggregate(n=Sum("points"))["n"]
        or 0
    )
    since = datetime.date(cutoff_year + 1, 1, 1)
    received = (
        PointsEntry.objects.filter(
            account=account, delta__gt=0, transaction__kind=TxnKind.TRANSFER, transaction__created_at__date__gte=since
        ).aggregate(n=Sum("delta"))["n"]
        or 0
    )
    return int(earned) + int(received)


def points_expire(*, today: datetime.date) -> int:
    """Expire, per volunteer under an expiry policy, what is left of points earned in years that have
    run out (spending uses the oldest points first): the balance beyond what arrived since. Each
    volunteer in their own transaction; running twice expires nothing more. Returns the points expired."""
    orgs = OrgNode.objects.filter(pk__in=PointsPolicy.objects.filter(expiry_years__gt=0).values("org_id")).values_list(
        "path", flat=True
    )
    if not orgs:
        return 0
    under = Q()
    for path in orgs:
        under |= in_subtree_q("volunteer__org__path", path)
    total = 0
    candidates = PointsAccount.objects.filter(under, kind=AccountKind.VOLUNTEER, balance__gt=0).select_related(
        "volunteer__org"
    )
    for account_id in candidates.values_list("pk", flat=True):
        total += _expire_one(account_id=account_id, today=today)
    return total


@transaction.atomic
def _expire_one(*, account_id: int, today: datetime.date) -> int:
    account = PointsAccount.objects.select_related("volunteer__org").get(pk=account_id)
    volunteer = account.volunteer
    if volunteer is None:
        return 0
    policy = policy_for(org=volunteer.org)
    if policy.expiry_years <= 0 or policy.expiry_org_id is None:
        return 0
    cutoff_year = today.year - policy.expiry_years
    issuer = bank_account(org=OrgNode.objects.get(pk=policy.expiry_org_id))
    locked = accounts_lock(ids=[account.pk, issuer.pk])
    stale = locked[account.pk].balance - _recent_inflow(
        account=account, volunteer_id=volunteer.pk, cutoff_year=cutoff_year
    )
    if stale <= 0:
        return 0
    ledger_post(
        kind=TxnKind.EXPIRY,
        legs=[(account, -stale), (issuer, stale)],
        actor=None,
        memo=f"{cutoff_year}年及以前获得的积分已过有效期",
    )
    return stale
