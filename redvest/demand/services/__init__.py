"""Writes for demand and dispatch. Import from here: `redvest.demand.services.<name>`."""

from redvest.demand.services.completion import TimeSpent, dispatch_complete, eligible_volunteers, request_resolve
from redvest.demand.services.dispatch import (
    Target,
    auto_dispatch_quietly,
    dispatch_accept,
    dispatch_arrive,
    dispatch_create,
    dispatch_decline,
    dispatch_recall,
    request_auto_dispatch,
    request_cancel,
    request_redispatch,
)
from redvest.demand.services.intake import (
    Intake,
    RequestData,
    attributes_clean,
    item_for_code,
    request_create,
    resident_phone_reveal,
    resident_upsert,
)
from redvest.demand.services.loop import (
    callback_record,
    callback_unreachable,
    feedback_submit,
    feedback_submit_tracked,
    spot_check_draw,
    spot_check_record,
)
from redvest.demand.services.menu import MenuLoad, service_menu_load
from redvest.demand.services.open311 import open311_client_create
from redvest.demand.services.orders import (
    OrderData,
    OrderLine,
    errand_document_receive,
    errand_step_done,
    order_cancel,
    order_create,
    order_dispatch,
    order_refresh,
)
from redvest.demand.services.sla import SweepResult, sla_sweep

__all__ = [
    "Intake",
    "MenuLoad",
    "OrderData",
    "OrderLine",
    "RequestData",
    "SweepResult",
    "Target",
    "TimeSpent",
    "attributes_clean",
    "auto_dispatch_quietly",
    "callback_record",
    "callback_unreachable",
    "dispatch_accept",
    "dispatch_arrive",
    "dispatch_complete",
    "dispatch_create",
    "dispatch_decline",
    "dispatch_recall",
    "eligible_volunteers",
    "errand_document_receive",
    "errand_step_done",
    "feedback_submit",
    "feedback_submit_tracked",
    "item_for_code",
    "open311_client_create",
    "order_cancel",
    "order_create",
    "order_dispatch",
    "order_refresh",
    "request_auto_dispatch",
    "request_cancel",
    "request_create",
    "request_redispatch",
    "request_resolve",
    "resident_phone_reveal",
    "resident_upsert",
    "service_menu_load",
    "sla_sweep",
    "spot_check_draw",
    "spot_check_record",
]
