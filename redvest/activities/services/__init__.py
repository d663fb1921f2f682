"""Writes for activities; see the modules for each area."""

from redvest.activities.services.activities import (
    ActivityData,
    activity_cancel,
    activity_create,
    activity_publish,
    activity_update,
    activity_validate,
    schedule_auto_close,
)
from redvest.activities.services.attendance import (
    CHECK_IN,
    CHECK_OUT,
    Position,
    SyncItem,
    SyncResult,
    attendance_auto_close,
    attendance_check_in,
    attendance_check_out,
    attendance_confirm,
    attendance_proxy_check_in,
    attendance_proxy_check_out,
    attendance_sync,
)
from redvest.activities.services.demand import DemandService, ProxyStay, demand_service_record
from redvest.activities.services.lifecycle import AdvanceResult, activities_advance
from redvest.activities.services.outcomes import (
    OutcomeData,
    outcome_save,
    photo_add,
    tally_category_create,
    tally_category_set_active,
    theme_set,
)
from redvest.activities.services.signups import promote_waitlisted, signup_cancel, signup_create, signup_decide

__all__ = [
    "CHECK_IN",
    "CHECK_OUT",
    "ActivityData",
    "AdvanceResult",
    "DemandService",
    "OutcomeData",
    "Position",
    "ProxyStay",
    "SyncItem",
    "SyncResult",
    "activities_advance",
    "activity_cancel",
    "activity_create",
    "activity_publish",
    "activity_update",
    "activity_validate",
    "attendance_auto_close",
    "attendance_check_in",
    "attendance_check_out",
    "attendance_confirm",
    "attendance_proxy_check_in",
    "attendance_proxy_check_out",
    "attendance_sync",
    "demand_service_record",
    "outcome_save",
    "photo_add",
    "promote_waitlisted",
    "schedule_auto_close",
    "signup_cancel",
    "signup_create",
    "signup_decide",
    "tally_category_create",
    "tally_category_set_active",
    "theme_set",
]
