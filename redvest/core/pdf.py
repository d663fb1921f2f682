"""The one PDF renderer (WeasyPrint with the system Noto CJK fonts) for certificates, circulars and results.

Control characters in names or descriptions stored before input was checked are dropped from the
HTML first: they would print as empty boxes, and no markup ever needs them.
"""

from __future__ import annotations

from weasyprint import HTML

from redvest.core.text import strip_control_characters


def html_to_pdf(html: str) -> bytes:
    return bytes(HTML(string=strip_control_characters(html)).write_pdf())
