"""Recompute every points balance from its entries and report any difference (exit status 1 if any)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Q, Sum

from redvest.points.models import MemberYearTotal, PioneerEntry, PointsAccount, PointsEarnedYear, PointsEntry


class Command(BaseCommand):
    help = "核对积分账：按流水重算每个账户余额，并检查每笔交易借贷平衡；有差异时以状态码 1 退出"

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        sums = {
            row["account_id"]: (int(row["total"]), row["last"])
            for row in PointsEntry.objects.order_by().values("account_id").annotate(total=Sum("delta"), last=Max("id"))
        }
        last_ids = [last for _total, last in sums.values()]
        last_after = dict(PointsEntry.objects.filter(pk__in=last_ids).values_list("account_id", "balance_after"))
        for pk, name, balance in PointsAccount.objects.values_list("pk", "name", "balance").order_by("pk"):
            total, _last = sums.get(pk, (0, None))
            if balance != total:
                problems.append(f"账户 #{pk} {name}：余额 {balance}，按流水应为 {total}，差 {balance - total}")
            elif pk in last_after and last_after[pk] != balance:
                problems.append(f"账户 #{pk} {name}：最后一条流水的变动后余额为 {last_after[pk]}，账户余额为 {balance}")
        unbalanced = (
            PointsEntry.objects.order_by()
            .values("transaction_id")
            .annotate(total=Sum("delta"))
            .exclude(total=0)
            .values_list("transaction_id", "total")
        )
        problems += [f"交易 #{txn}：借贷不平，合计 {total}" for txn, total in unbalanced]
        problems += self._year_totals()
        accounts = len(sums)
        if problems:
            for line in problems:
                self.stdout.write(line)
            raise CommandError(f"积分账有 {len(problems)} 处差异")
        self.stdout.write(f"积分账一致：{accounts} 个账户的余额与流水相符，所有交易借贷平衡")

    def _year_totals(self) -> list[str]:
        """The per-member yearly row the pioneer ranking reads against what it summarises."""
        earned = {
            (r["volunteer_id"], r["year"]): int(r["s"])
            for r in PointsEarnedYear.objects.order_by().values("volunteer_id", "year").annotate(s=Sum("points"))
        }
        entries = {
            (r["volunteer_id"], r["year"]): (int(r["b"] or 0), int(r["d"] or 0))
            for r in PioneerEntry.objects.filter(revoked_at__isnull=True)
            .order_by()
            .values("volunteer_id", "year")
            .annotate(b=Sum("score", filter=Q(score__gt=0)), d=Sum("score", filter=Q(score__lt=0)))
        }
        problems = []
        seen = set()
        for row in MemberYearTotal.objects.order_by("volunteer_id", "year").iterator(chunk_size=5000):
            key = (row.volunteer_id, row.year)
            seen.add(key)
            want = (earned.get(key, 0), *entries.get(key, (0, 0)))
            have = (row.points_earned, row.bonus, row.deduction)
            if have != want:
                problems.append(f"志愿者 #{key[0]} {key[1]}年合计：{have}，按明细应为 {want}（积分、加分、扣分）")
        problems += [
            f"志愿者 #{key[0]} {key[1]}年缺少合计行"
            for key in (set(earned) | set(entries)) - seen
            if earned.get(key, 0) or entries.get(key, (0, 0)) != (0, 0)
        ]
        return problems
