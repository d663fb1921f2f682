"""Writes for care pairing, by capability: the registry (`registry`), consent and health data (`health`),
pairings and the visit cadence (`pairings`), visits (`visits`), reminders (`reminders`)."""

from __future__ import annotations

from redvest.care.access import may_set_cadence
from redvest.care.services.health import HealthData, consent_record, consent_withdraw, health_reveal, health_save
from redvest.care.services.pairings import cadence_set, pairing_create, pairing_end
from redvest.care.services.registry import (
    RecipientData,
    recipient_create,
    recipient_end,
    recipient_phone_reveal,
    recipient_update,
)
from redvest.care.services.reminders import DEFAULT_REMIND_LEAD_DAYS, RemindResult, care_remind
from redvest.care.services.visits import VisitData, visit_log

__all__ = [
    "DEFAULT_REMIND_LEAD_DAYS",
    "HealthData",
    "RecipientData",
    "RemindResult",
    "VisitData",
    "cadence_set",
    "care_remind",
    "consent_record",
    "consent_withdraw",
    "health_reveal",
    "health_save",
    "may_set_cadence",
    "pairing_create",
    "pairing_end",
    "recipient_create",
    "recipient_end",
    "recipient_phone_reveal",
    "recipient_update",
    "visit_log",
]
