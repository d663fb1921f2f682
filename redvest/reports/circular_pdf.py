"""The 情况通报 as a PDF (WeasyPrint with the system Noto CJK fonts, as the records app's certificates)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from redvest.core.pdf import html_to_pdf
from redvest.reports.models import Circular
from redvest.reports.quarters import quarter_label


def circular_pdf(*, circular: Circular, tables: dict[str, Any]) -> bytes:
    """Render a circular with its tables (the frozen ones once published, a preview's otherwise)."""
    issued = timezone.localtime(circular.published_at).date() if circular.published_at else timezone.localdate()
    html = render_to_string(
        "reports/circular_pdf.html",
        {
            "c": circular,
            "t": tables,
            "period": quarter_label(circular.year, circular.quarter),
            "issued_on": issued,
        },
    )
    return html_to_pdf(html)
