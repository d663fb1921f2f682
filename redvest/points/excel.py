"""Excel exports: statements, merchant settlements, bank reports, the pioneer ranking.

Workbooks are written in openpyxl's write-only mode; the pioneer ranking (up to 100,000 rows) is written in
the background by `services.exports` with `core.excel`'s streaming writers, from `ranking_values`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from redvest.core.excel import BOLD, excel_append, excel_bytes, excel_sheet
from redvest.points.models import PointsAccount, PointsEntry, TxnKind
from redvest.points.selectors.ledger import BankReport
from redvest.points.selectors.pioneer import RankingRow
from redvest.points.selectors.rewards import Settlement


def _book(title: str, headers: list[str], rows: Iterable[list[Any]], *, widths: list[int], preface: list[str]) -> bytes:
    wb = Workbook(write_only=True)
    ws = excel_sheet(wb, title, widths=widths)
    for line in preface:
        excel_append(ws, [line])
    excel_append(ws, headers, font=BOLD)
    for row in rows:
        excel_append(ws, row)
    return excel_bytes(wb)


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def statement_xlsx(*, account: PointsAccount, entries: Iterable[PointsEntry]) -> bytes:
    kinds = dict(TxnKind.choices)
    rows = (
        [_local(e.created_at), kinds.get(e.transaction.kind, ""), e.transaction.memo, e.delta, e.balance_after]
        for e in entries
    )
    return _book(
        "积分明细",
        ["时间", "业务", "摘要", "变动", "余额"],
        rows,
        widths=[18, 12, 50, 10, 10],
        preface=[f"{account} 积分明细", f"当前余额：{account.balance} 分；导出时间：{_local(timezone.now())}"],
    )


def settlement_xlsx(*, settlement: Settlement) -> bytes:
    rows = (
        [
            _local(r.closed_at),
            r.item.title,
            r.quantity,
            r.points,
            r.volunteer.name,
            r.volunteer.number,
            r.closed_by.display_name if r.closed_by else "",
        ]
        for r in settlement.rows.iterator(chunk_size=2000)
    )
    return _book(
        "月度结算",
        ["核销时间", "物品", "数量", "积分", "志愿者", "志愿者编号", "核销人"],
        rows,
        widths=[18, 30, 8, 10, 12, 20, 12],
        preface=[
            f"{settlement.merchant.name} {settlement.month:%Y年%m月} 积分兑换结算单",
            f"核销 {settlement.count} 笔，共 {settlement.quantity} 件，{settlement.points} 分",
        ],
    )


def bank_report_xlsx(*, report: BankReport) -> bytes:
    rows: list[list[Any]] = [["按业务", "", ""]]
    rows += [[k.label, k.count, k.points] for k in report.by_kind]
    rows += [[], ["按积分类型发放", "", ""]]
    rows += [[t.label, "", t.points] for t in report.issued_by_type]
    rows += [[], ["柜台兑换物品", "件数", "积分"]]
    rows += [[r["item__title"], r["quantity"], r["points"]] for r in report.redeemed_items]
    return _book(
        "银行报表",
        ["项目", "笔数/件数", "积分"],
        rows,
        widths=[30, 12, 12],
        preface=[
            f"{report.org.name}好人好事银行 {report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}",
            f"流通中积分（本行发放未回收）：{report.outstanding} 分；冻结中：{report.escrow_balance} 分",
            "积分为正表示本行发出，为负表示收回",
        ],
    )


RANKING_HEADERS = ("排名", "姓名", "志愿者编号", "所属组织", "信用时数", "年度积分", "加分", "扣分", "先锋指数", "等次")
RANKING_WIDTHS = (8, 12, 20, 24, 10, 10, 8, 8, 10, 8)


def ranking_values(r: RankingRow) -> list[Any]:
    """One row of the pioneer ranking (written by the background export, `services.exports`)."""
    return [
        r.rank,
        r.volunteer.name,
        r.volunteer.number,
        r.volunteer.org.name,
        r.credit_hours,
        r.points,
        r.bonus,
        r.deduction,
        r.score,
        r.grade_label,
    ]
