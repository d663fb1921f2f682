"""The results PDF (WeasyPrint with the system Noto CJK fonts), names masked as on the public page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from redvest.awards.models import AwardCampaign, Stage
from redvest.awards.ranking import TIER_RULE
from redvest.awards.selectors import results
from redvest.core.pdf import html_to_pdf


def results_pdf(*, campaign: AwardCampaign) -> bytes:
    """公示稿 during the publicity period, 最终结果 after it; rendered afresh from the current decision."""
    html = render_to_string(
        "awards/results_pdf.html",
        {
            "c": campaign,
            "res": results(campaign=campaign),
            "final": campaign.stage == Stage.FINAL,
            "tier_rule": TIER_RULE,
            "printed_at": timezone.localtime(),
        },
    )
    return html_to_pdf(html)
