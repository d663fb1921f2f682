"""Writes for the 季报 and the circulars, by capability: filing a report from the records (`filing`),
the 工委's review (`review`), reminders and overdue alerts (`reminders`), circulars (`circulars`): draft,
publish, correct by a new version."""

from __future__ import annotations

from redvest.reports.services.circulars import CIRCULAR_SECTIONS, circular_create, circular_publish, circular_update
from redvest.reports.services.filing import (
    NARRATIVE_MAX,
    REASON_MAX,
    FigureInput,
    report_open,
    report_refresh,
    report_submit,
    report_update,
)
from redvest.reports.services.reminders import ReminderResult, reminders_send
from redvest.reports.services.review import report_accept, report_return

__all__ = [
    "CIRCULAR_SECTIONS",
    "FigureInput",
    "NARRATIVE_MAX",
    "REASON_MAX",
    "ReminderResult",
    "circular_create",
    "circular_publish",
    "circular_update",
    "reminders_send",
    "report_accept",
    "report_open",
    "report_refresh",
    "report_return",
    "report_submit",
    "report_update",
]
