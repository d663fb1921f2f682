"""Demo quarterly reports: last quarter's 季报 of every party organisation in the demo county, drafted
from the seeded records in one grouped pass; most submitted on time (the county's units already
accepted, the demo town's communities waiting for the `town` login's review), a few late, one with a
figure edited away from the record (with its reason), a couple missing; and the county's published
情况通报 for that quarter.

Reports are written in bulk (reports, figures and their submission events), as `report_open` and
`report_submit` would leave them; the circular goes through the services so its tables are generated
and frozen as in real use.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from redvest.accounts.models import User
from redvest.demo import data
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.reports.figures import record_figures
from redvest.reports.models import (
    EventKind,
    FigureKey,
    QuarterlyReport,
    ReportEvent,
    ReportFigure,
    ReportStatus,
)
from redvest.reports.quarters import previous_quarter, quarter_bounds, quarter_due_on, quarter_label, quarter_of
from redvest.reports.selectors import filing_orgs, records_path
from redvest.reports.services import circular_create, circular_publish

HIGHLIGHTS = (
    "组织党员志愿者开展“党员先锋”系列志愿服务，走访困难群众，帮助解决实际问题。",
    "依托党员志愿服务站点开展政策宣传、环境整治和助老服务，群众满意度较高。",
    "结合主题党日开展志愿服务，党员亮身份、作表率，带动群众参与。",
)
PROBLEMS = ("部分党员参与不够经常，服务记录补录不及时。", "服务项目与群众需求对接还需更精准。")
PLANS = ("下季度围绕冬季暖心行动，重点做好结对关爱走访和安全隐患排查。", "继续完善服务台账，提高签到签退规范率。")
EDIT_REASON = "另有两次线下集中服务未在平台登记，已附签到表"
MISSING = 2
LATE = 3


@dataclass(frozen=True)
class ReportsSummary:
    reports: int
    late: int
    missing: int
    circular_id: int


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def write_reports(rng: random.Random, *, root: OrgNode, county: User) -> ReportsSummary:
    """Last quarter's reports of the county's party organisations and the county's circular."""
    year, quarter = previous_quarter(*quarter_of(timezone.localdate()))
    first, last = quarter_bounds(year, quarter)
    due = quarter_due_on(year, quarter)
    orgs = list(filing_orgs(root.path))
    figures = record_figures(sorted({records_path(o) for o in orgs}), first, last)
    town_path = OrgNode.objects.get(in_subtree_q("path", root.path), depth=2, name=data.DEMO_TOWN).path
    in_demo_town = [o for o in orgs if o.path.startswith(town_path)]
    others = [o.pk for o in orgs if o not in in_demo_town]
    missing = set(rng.sample(others, min(MISSING, len(others) // 2)))
    rest = [o.pk for o in orgs if o.pk not in missing]
    late = set(rng.sample(rest, min(LATE, len(rest) // 3)))
    edited_org = in_demo_town[0].pk if in_demo_town else orgs[0].pk
    reports: list[QuarterlyReport] = []
    for org in orgs:
        if org.pk in missing:
            continue
        day = (
            due + datetime.timedelta(days=rng.randint(1, 6))
            if org.pk in late
            else due - datetime.timedelta(days=rng.randint(0, 12))
        )
        submitted = _at(day, rng.randint(9, 17))
        waiting = org in in_demo_town
        reports.append(
            QuarterlyReport(
                org=org,
                year=year,
                quarter=quarter,
                due_on=due,
                status=ReportStatus.SUBMITTED if waiting else ReportStatus.ACCEPTED,
                submitted_at=submitted,
                last_submitted_at=submitted,
                is_late=org.pk in late,
                highlights=rng.choice(HIGHLIGHTS),
                problems=rng.choice(PROBLEMS),
                next_plan=rng.choice(PLANS),
                figures_at=submitted - datetime.timedelta(hours=2),
                reviewed_by=None if waiting else county,
                reviewed_at=None if waiting else submitted + datetime.timedelta(days=3),
                created_by=county,
            )
        )
    QuarterlyReport.objects.bulk_create(reports)
    rows, events = [], []
    for report in reports:
        values = figures[records_path(report.org)]
        for key in FigureKey:
            reported = values[key] + 2 if report.org_id == edited_org and key == FigureKey.ACTIVITIES else values[key]
            reason = EDIT_REASON if reported != values[key] else ""
            rows.append(
                ReportFigure(report=report, key=key, record_value=values[key], reported_value=reported, reason=reason)
            )
        submitted = report.last_submitted_at or timezone.now()
        events.append(
            ReportEvent(report=report, kind=EventKind.SUBMITTED, actor=county, at=submitted, is_late=report.is_late)
        )
        if report.status == ReportStatus.ACCEPTED and report.reviewed_at is not None:
            events.append(ReportEvent(report=report, kind=EventKind.ACCEPTED, actor=county, at=report.reviewed_at))
    ReportFigure.objects.bulk_create(rows)
    ReportEvent.objects.bulk_create(events)
    circular = circular_create(
        actor=county,
        org=root,
        year=year,
        quarter=quarter,
        title=f"{quarter_label(year, quarter)}党员志愿服务情况通报",
        intro="现将本季度全县各党组织季报报送、党员志愿服务开展和评议情况通报如下。请未按时报送的党组织抓紧整改。",
    )
    circular_publish(actor=county, circular=circular, now=_at(due + datetime.timedelta(days=10), 10))
    return ReportsSummary(reports=len(reports), late=len(late), missing=len(missing), circular_id=circular.pk)
