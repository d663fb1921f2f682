"""What can go wrong with the volunteer ledger, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import ValidationFailed


class ConsentMissing(ValidationFailed):
    """Registration without a required consent: 422, `errors` names each missing checkbox."""

    code = "consent_required"
    status = 422
