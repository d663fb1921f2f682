"""The audit log as a resource (registered from AuditConfig.ready()): administrators read their
subtree's entries; nobody changes the log, system admins included."""

from __future__ import annotations

from redvest.core.policy import ResourceRules, register_resource


def register() -> None:
    register_resource(ResourceRules(name="audit", models=("audit.auditentry",), path="org__path", append_only=True))
