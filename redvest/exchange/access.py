"""Who sees exchange batches (registered from ExchangeConfig.ready()): org admins of the batch's node's
subtree and system admins; nobody else (the packages hold full ID numbers)."""

from __future__ import annotations

from redvest.core.policy import ResourceRules, register_resource


def register() -> None:
    register_resource(ResourceRules(name="exchange_batch", models=("exchange.exchangebatch",), path="org__path"))
