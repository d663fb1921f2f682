"""The 志愿服务证明 PDF (WeasyPrint with the system Noto CJK fonts) and its verification QR code (segno)."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone

from redvest.core.pdf import html_to_pdf
from redvest.records.models import Certificate


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data URI, so the PDF needs no file or network access."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=1))


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    """Render the certificate; nothing is cached, each call renders afresh from the frozen snapshot."""
    html = render_to_string(
        "records/certificate_pdf.html",
        {
            "c": certificate,
            "volunteer": certificate.volunteer,
            "verify_url": verify_url,
            "qr": qr_data_uri(verify_url),
            "issued_on": timezone.localtime(certificate.issued_at).date(),
        },
    )
    return html_to_pdf(html)
