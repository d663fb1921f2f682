"""Where apps above orgs take part in its pages; each registers from its AppConfig.ready()."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from redvest.core.hooks import Hook

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest

    from redvest.orgs.models import OrgNode
    from redvest.orgs.selectors import NodeDetail

# Counts over a node's whole subtree for the node page (name → count, one indexed query each).
# Registered: teams ("teams"), volunteers ("volunteers").
subtree_counts: Hook[[OrgNode], dict[str, int]] = Hook("orgs.subtree_counts")

# Sections of the node page after its children, as rendered HTML in registration order. The third
# argument holds a section's form bound with errors when its own view re-renders the page
# (`orgs.views.node_detail_page(section_forms=...)`). Registered: accounts (角色分配, for administrators).
node_page_sections: Hook[[HttpRequest, NodeDetail, dict[str, forms.Form]], Any] = Hook("orgs.node_page_sections")
