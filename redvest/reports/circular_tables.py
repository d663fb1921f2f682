"""The generated tables of a 情况通报 (reads): submission status, reported figures and the ranking of the
filing organisations under the reviewing node, as plain JSON-safe data (frozen into the circular on
publishing). Three queries whatever the number of organisations, plus the evaluation app's ranking."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from redvest.evaluation.selectors import published_ranking
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.reports.models import FigureKey, QuarterlyReport, ReportFigure
from redvest.reports.quarters import quarter_due_on
from redvest.reports.selectors import filing_orgs

FIGURE_COLUMNS = (
    (FigureKey.ACTIVITIES, "活动"),
    (FigureKey.SESSIONS, "场次"),
    (FigureKey.PERSON_TIMES, "参与人次"),
    (FigureKey.CREDIT_MINUTES, "信用时长（小时）"),
    (FigureKey.HONOUR_MINUTES, "荣誉时长（小时）"),
    (FigureKey.BENEFICIARIES, "受益群众"),
    (FigureKey.REQUESTS_HANDLED, "办结诉求"),
    (FigureKey.CARE_VISITS, "关爱走访"),
)
ON_TIME, LATE, MISSING = "按时报送", "逾期报送", "未报送"


def hours(minutes: int) -> str:
    """Minutes as hours with one decimal, rounded half up in integer arithmetic (as the records app shows them)."""
    sign = "-" if minutes < 0 else ""
    tenths = (abs(minutes) * 10 + 30) // 60
    return f"{sign}{tenths // 10}.{tenths % 10}"


def _cell(key: str, value: int) -> str:
    return hours(value) if key in (FigureKey.CREDIT_MINUTES, FigureKey.HONOUR_MINUTES) else str(value)


def circular_tables(*, root: OrgNode, year: int, quarter: int, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    due_on = quarter_due_on(year, quarter)
    orgs = list(filing_orgs(root.path))
    reports = {
        r.org_id: r
        for r in QuarterlyReport.objects.filter(in_subtree_q("org__path", root.path), year=year, quarter=quarter)
        .filter(submitted_at__isnull=False)
        .prefetch_related(Prefetch("figures", queryset=ReportFigure.objects.order_by("id")))
    }
    submission = []
    summary = {"on_time": 0, "late": 0, "missing": 0}
    figure_rows = []
    totals = dict.fromkeys((k for k, _ in FIGURE_COLUMNS), 0)
    per_member: list[tuple[float, int, str, str]] = []
    for org in orgs:
        report = reports.get(org.pk)
        if report is None or report.submitted_at is None:
            standing = MISSING if today > due_on else "尚未报送"
            summary["missing"] += 1
            submission.append({"org": org.name, "standing": standing, "submitted_on": "", "late": False})
            continue
        standing = LATE if report.is_late else ON_TIME
        summary["late" if report.is_late else "on_time"] += 1
        submitted_on = timezone.localtime(report.submitted_at).date().isoformat()
        submission.append({"org": org.name, "standing": standing, "submitted_on": submitted_on, "late": report.is_late})
        values = {f.key: f.reported_value for f in report.figures.all()}
        figure_rows.append({"org": org.name, "cells": [_cell(k, values.get(k, 0)) for k, _ in FIGURE_COLUMNS]})
        for k, _ in FIGURE_COLUMNS:
            totals[k] += values.get(k, 0)
        members = values.get(FigureKey.VOLUNTEERS, 0)
        credit = values.get(FigureKey.CREDIT_MINUTES, 0)
        per_member.append((credit / members if members else 0.0, credit, str(members), org.name))
    return {
        "due_on": due_on.isoformat(),
        "submission": {"rows": submission, "summary": summary, "total": len(orgs)},
        "figures": {
            "columns": [label for _, label in FIGURE_COLUMNS],
            "rows": figure_rows,
            "totals": [_cell(k, totals[k]) for k, _ in FIGURE_COLUMNS],
        },
        "ranking": _ranking(root.path, year, quarter, per_member),
    }


def _ranking(path: str, year: int, quarter: int, per_member: list[tuple[float, int, str, str]]) -> dict[str, Any]:
    published = published_ranking(path, year, quarter)
    if published is not None:
        return {
            "source": "evaluation",
            "caption": "一评议一晾晒综合评议结果（评议得分）",
            "score_label": "评议得分",
            "rows": [
                {"rank": int(r.rank), "org": str(r.org_name), "score": f"{float(r.score):.1f}"}
                for r in sorted(published, key=lambda r: int(r.rank))
            ],
        }
    ordered = sorted(per_member, key=lambda row: (-row[0], row[3]))
    rows: list[dict[str, Any]] = []
    for position, (value, _, _, name) in enumerate(ordered, start=1):
        rank = rows[-1]["rank"] if rows and f"{value / 60:.2f}" == rows[-1]["score"] else position
        rows.append({"rank": rank, "org": name, "score": f"{value / 60:.2f}"})
    return {
        "source": "hours",
        "caption": "本季度评议结果尚未发布，按已报送季报的人均服务信用时长（小时）排名",
        "score_label": "人均信用时长（小时）",
        "rows": rows,
    }
