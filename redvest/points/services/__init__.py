"""Writes of the points bank. Import from here: `redvest.points.services.<name>`.

`points_post_for_service_record` runs for each new service-time entry (registered on `records.hooks.record_appended`).
"""

from redvest.points.services.config import PolicyData, RuleData, fund_create, policy_set, rule_clear, rule_set
from redvest.points.services.donations import donate_to_fund, transfer_to_volunteer
from redvest.points.services.earning import (
    ClaimData,
    cap_room,
    claim_approve,
    claim_reject,
    claim_report,
    claim_revoke,
    points_post_for_service_record,
)
from redvest.points.services.expiry import points_expire
from redvest.points.services.ledger import (
    accounts_lock,
    bank_account,
    escrow_account,
    ledger_post,
    transaction_reverse,
    volunteer_account,
)
from redvest.points.services.pioneer import ConfigData, pioneer_config_set, pioneer_entry_add, pioneer_entry_revoke
from redvest.points.services.redemption import (
    redemption_cancel,
    redemption_confirm,
    redemption_reserve,
    redemptions_expire,
)
from redvest.points.services.rewards import (
    ItemData,
    MerchantData,
    item_create,
    item_update,
    merchant_apply,
    merchant_review,
    merchant_suspend,
)

__all__ = [
    "ClaimData",
    "ConfigData",
    "ItemData",
    "MerchantData",
    "PolicyData",
    "RuleData",
    "accounts_lock",
    "bank_account",
    "cap_room",
    "claim_approve",
    "claim_reject",
    "claim_report",
    "claim_revoke",
    "donate_to_fund",
    "escrow_account",
    "fund_create",
    "item_create",
    "item_update",
    "ledger_post",
    "merchant_apply",
    "merchant_review",
    "merchant_suspend",
    "pioneer_config_set",
    "pioneer_entry_add",
    "pioneer_entry_revoke",
    "points_expire",
    "points_post_for_service_record",
    "policy_set",
    "redemption_cancel",
    "redemption_confirm",
    "redemption_reserve",
    "redemptions_expire",
    "rule_clear",
    "rule_set",
    "transaction_reverse",
    "transfer_to_volunteer",
    "volunteer_account",
]
