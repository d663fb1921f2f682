"""The evaluation metric this app supplies: the share of quarterly reports filed on time.

Evaluation sits below reports and does not import it; ReportsConfig.ready() registers this function in
evaluation's metric registry (`redvest.evaluation.selectors.metrics.register`).
"""

from __future__ import annotations

from typing import Any

from redvest.evaluation.models import Metric
from redvest.evaluation.period import Period
from redvest.evaluation.selectors import metrics
from redvest.evaluation.selectors.metrics import Cohort, Values, share_by_prefix
from redvest.reports.selectors import report_punctuality


def reports_on_time(cohort: Cohort, period: Period, ctx: dict[str, Any]) -> Values:
    """Share of the quarterly reports in the org's subtree filed on time."""
    punctual = report_punctuality(cohort.root_path, period.year, period.quarter)
    if not punctual:
        return dict.fromkeys(cohort.ids)
    paths = cohort.node_paths()
    return share_by_prefix(cohort, ((paths[i], ok) for i, ok in punctual.items() if i in paths))


def register() -> None:
    """Called from ReportsConfig.ready()."""
    metrics.register(Metric.REPORTS_ON_TIME, reports_on_time)
