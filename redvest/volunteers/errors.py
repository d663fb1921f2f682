"""What can go wrong with the volunteer ledger, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import Conflict, ValidationFailed


class ConsentMissing(ValidationFailed):
    """Registration without a required consent: 422, `errors` names each missing checkbox."""

    code = "consent_required"
    status = 422


class TeamUnavailable(Conflict):
    """A team the ledger's write was checked against was dissolved meanwhile (the teams app raises its
    subclass `TeamInactive` from `volunteers.hooks`)."""

    code = "team_inactive"
    default_message = "该服务队已撤销，不能加入"
