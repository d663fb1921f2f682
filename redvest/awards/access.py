"""Who runs, judges and nominates into the annual award campaigns (registered from AwardsConfig.ready())."""

from __future__ import annotations

from django.db.models import Q

from redvest.awards.models import Judge
from redvest.core.policy import Action, Grant, ResourceRules, Rows, Rule, register_resource
from redvest.core.roles import Role
from redvest.orgs.selectors import ancestors_paths, in_subtree_q


def _awards_rule(resource: str) -> Rule:
    def rule(grant: Grant, action: Action, rows: Rows) -> Q | None:
        """Annual awards below system admin. Org admins change the campaigns their subtree runs and view
        those run above them too (their units nominate into them); nominations are changed and viewed by
        the nominating org's admins and the campaign's admins (both by subtree). Judges (the awards' Judge
        table, whatever their role) view their campaigns and those campaigns' entries."""
        found: Q | None = None
        if grant.role == Role.ORG_ADMIN:
            if resource == "nomination":
                found = rows.subtree | in_subtree_q("campaign__org__path", grant.path)
            elif action == "change":
                found = rows.subtree
            else:
                found = rows.subtree | Q(org__path__in=ancestors_paths(grant.path))
        if action == "view" and grant.user_id:
            judged = Judge.objects.filter(user_id=grant.user_id).values("campaign_id")
            judge_q = Q(pk__in=judged) if resource == "award_campaign" else Q(campaign_id__in=judged)
            found = judge_q if found is None else found | judge_q
        return found

    return rule


def register() -> None:
    for name, label in (("award_campaign", "awards.awardcampaign"), ("nomination", "awards.nomination")):
        # the node running the campaign / the nominating org
        register_resource(
            ResourceRules(name=name, models=(label,), path="org__path", rule=_awards_rule(name), admins_subtree=False)
        )
