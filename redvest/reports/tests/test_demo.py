"""The demo writer: last quarter's reports (submitted, accepted, one edited figure) and a published circular."""

from __future__ import annotations

import random

import pytest

from redvest.demo.reports import EDIT_REASON, write_reports
from redvest.reports.models import Circular, QuarterlyReport, ReportFigure, ReportStatus
from redvest.reports.quarters import previous_quarter, quarter_of
from redvest.reports.tests.factories import ReportTree

pytestmark = pytest.mark.django_db


def test_demo_writes_last_quarters_reports_and_a_published_circular(tree: ReportTree) -> None:
    from django.utils import timezone

    summary = write_reports(random.Random(1), root=tree.county, county=tree.county_admin)
    year, quarter = previous_quarter(*quarter_of(timezone.localdate()))
    reports = QuarterlyReport.objects.filter(year=year, quarter=quarter)
    assert reports.count() == summary.reports == 2
    # The demo town's branch waits for the town's review, with one figure edited and explained.
    waiting = reports.get(org=tree.party_a)
    assert waiting.status == ReportStatus.SUBMITTED
    edited = ReportFigure.objects.get(report=waiting, reason=EDIT_REASON)
    assert edited.reported_value == edited.record_value + 2
    assert reports.get(org=tree.party_b).status == ReportStatus.ACCEPTED
    circular = Circular.objects.get(pk=summary.circular_id)
    assert circular.is_published and circular.tables is not None
