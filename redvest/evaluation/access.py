"""Evaluation schemes (with their 党建考核 bonus rules) and rounds (registered from EvaluationConfig.ready()):
run by org admins over their subtree (and system admins); below them nobody sees a round before it is
published, and published rankings are public pages."""

from __future__ import annotations

from redvest.core.policy import ResourceRules, register_resource


def register() -> None:
    register_resource(
        ResourceRules(name="evaluation_round", models=("evaluation.evaluationround",), path="org__path")
    )  # the reviewing node
    register_resource(
        ResourceRules(
            name="evaluation_scheme", models=("evaluation.evaluationscheme", "evaluation.bonusrule"), path="org__path"
        )
    )
