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


class TransferInvalid(ValidationFailed):
    """A transfer request or decision with bad fields: 422, `errors` names each field."""

    code = "transfer_invalid"
    status = 422


class TransferPending(Conflict):
    code = "transfer_pending"
    default_message = "该志愿者已有待接收的转移接续申请，请等待处理或先撤回"


class TransferDecided(Conflict):
    code = "transfer_decided"
    default_message = "该转移接续申请已处理，不能再变更"
