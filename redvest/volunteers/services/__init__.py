"""Writes on the volunteer ledger (一本账). Business rules live here; see each function's docstring."""

from redvest.volunteers.services.consents import ConsentChoices, consent_errors, consents_record
from redvest.volunteers.services.exports import LEDGER_EXPORT, LEDGER_KIND, LEDGER_LABEL, volunteer_export_request
from redvest.volunteers.services.imports import (
    volunteer_import_confirm,
    volunteer_import_process,
    volunteer_import_recover,
    volunteer_import_retry,
    volunteer_import_start,
)
from redvest.volunteers.services.numbers import area_code_for, number_block_issue
from redvest.volunteers.services.privacy import (
    deregistration_decide,
    deregistration_request,
    volunteer_erase_personal,
)
from redvest.volunteers.services.registry import (
    STATUS_FLOW,
    SensitiveInfo,
    duplicate_message,
    volunteer_register,
    volunteer_reveal,
    volunteer_self_register,
    volunteer_set_status,
    volunteer_transfer_in,
    volunteer_update,
)
from redvest.volunteers.services.transfers import transfer_decide, transfer_request, transfer_withdraw
from redvest.volunteers.services.validation import VolunteerData, split_list, volunteer_clean, volunteer_data_of

__all__ = [
    "ConsentChoices",
    "consent_errors",
    "consents_record",
    "deregistration_decide",
    "deregistration_request",
    "volunteer_erase_personal",
    "LEDGER_EXPORT",
    "LEDGER_KIND",
    "LEDGER_LABEL",
    "volunteer_export_request",
    "STATUS_FLOW",
    "transfer_decide",
    "transfer_request",
    "transfer_withdraw",
    "SensitiveInfo",
    "VolunteerData",
    "area_code_for",
    "duplicate_message",
    "number_block_issue",
    "split_list",
    "volunteer_clean",
    "volunteer_data_of",
    "volunteer_import_confirm",
    "volunteer_import_process",
    "volunteer_import_recover",
    "volunteer_import_retry",
    "volunteer_import_start",
    "volunteer_register",
    "volunteer_reveal",
    "volunteer_self_register",
    "volunteer_set_status",
    "volunteer_transfer_in",
    "volunteer_update",
]
