"""Forms parse what people type; the services decide whether it is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from redvest.core.errors import DomainError, ValidationFailed
from redvest.core.forms import CheckedForm
from redvest.orgs.models import OrgNode
from redvest.teams.models import BrandProject, MembershipKind, Specialty, Team, TeamKind
from redvest.teams.selectors import brand_team_choices, org_choices, parent_team_choices
from redvest.teams.services import BrandData, TeamData
from redvest.volunteers.models import Volunteer


class OrgChoiceField(forms.ModelChoiceField):
    """Org nodes indented by depth, so the tree reads as a tree on a phone too."""

    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(0, obj.depth - 1) + obj.name


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）"


class TeamMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）"


def names_a_field_of(form: forms.Form, exc: DomainError) -> bool:
    """Does the error belong to one of the form's fields (so the form can show it next to the input)?"""
    if isinstance(exc, ValidationFailed):
        return any(field in form.fields for field in exc.errors)
    return exc.field is not None and exc.field in form.fields


class TeamForm(CheckedForm):
    name = forms.CharField(label="队名", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=TeamKind.choices)
    specialty = forms.ChoiceField(
        label="专业方向", choices=Specialty.choices, required=False, help_text="仅专业服务队填写"
    )
    org = OrgChoiceField(label="所属组织", queryset=OrgNode.objects.none())
    parent = TeamChoiceField(label="上级队伍", queryset=Team.objects.none(), required=False)
    rules = forms.CharField(label="队伍制度", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000)

    def __init__(self, *args: Any, user: Any, team: Team | None = None, **kwargs: Any) -> None:
        if team is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": team.name,
                "kind": team.kind,
                "specialty": team.specialty,
                "org": team.org_id,
                "parent": team.parent_id,
                "rules": team.rules,
            }
        super().__init__(*args, **kwargs)
        orgs = org_choices(user=user)
        parents = parent_team_choices(user=user)
        if team is not None:
            # The team's own org and parent stay selectable for people who may edit the team but not
            # manage the org (a team leader).
            orgs = orgs | OrgNode.objects.filter(pk=team.org_id)
            if team.parent_id is not None:
                parents = parents | Team.objects.filter(pk=team.parent_id)
            parents = parents.exclude(pk=team.pk)
        self.fields["org"].queryset = orgs.order_by("path")  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
        self.fields["parent"].queryset = parents.select_related("org").order_by("org__path", "name")  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field

    def data_for_service(self) -> TeamData:
        d = self.cleaned_data
        return TeamData(
            name=d["name"],
            kind=d["kind"],
            specialty=d.get("specialty") or "",
            org_id=d["org"].pk,
            parent_id=d["parent"].pk if d.get("parent") else None,
            rules=d.get("rules") or "",
        )


class BackboneForm(CheckedForm):
    """One order box per current member; empty means not in the backbone."""

    def __init__(self, *args: Any, members: list[Volunteer], current: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for volunteer in members:
            self.fields[f"order_{volunteer.pk}"] = forms.IntegerField(
                label=volunteer.name,
                required=False,
                min_value=1,
                max_value=999,
                initial=current.get(volunteer.pk),
            )

    def rows(self) -> list[tuple[Volunteer, forms.BoundField]]:
        return [(v, self[f"order_{v.pk}"]) for v in self.members]

    def ordered_ids(self) -> list[int]:
        chosen = [(self.cleaned_data.get(f"order_{v.pk}"), v.name, v.pk) for v in self.members]
        return [pk for order, _name, pk in sorted(c for c in chosen if c[0] is not None)]


class JoinForm(CheckedForm):
    kind = forms.ChoiceField(label="加入方式", choices=MembershipKind.choices, initial=MembershipKind.ACTIVITY)
    message = forms.CharField(label="申请说明", max_length=200, required=False)


class DecisionForm(CheckedForm):
    note = forms.CharField(label="审批意见", max_length=200, required=False)


class ReasonForm(CheckedForm):
    reason = forms.CharField(label="原因", max_length=200, required=False)


class MemberAddForm(CheckedForm):
    number = forms.CharField(label="志愿者编号", max_length=20)
    kind = forms.ChoiceField(label="关系", choices=MembershipKind.choices)
    reason = forms.CharField(label="调动说明", max_length=200, required=False)


class DocumentForm(CheckedForm):
    title = forms.CharField(label="标题", max_length=100)
    file = forms.FileField(label="文件")


class BrandForm(CheckedForm):
    name = forms.CharField(label="品牌名称", max_length=100)
    owner = OrgChoiceField(label="所属单位", queryset=OrgNode.objects.none())
    description = forms.CharField(
        label="简介", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )
    teams = TeamMultipleChoiceField(
        label="参与队伍",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, user: Any, brand: BrandProject | None = None, **kwargs: Any) -> None:
        if brand is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": brand.name,
                "owner": brand.owner_id,
                "description": brand.description,
                "teams": [t.pk for t in brand.teams.all()],
            }
        super().__init__(*args, **kwargs)
        owners = org_choices(user=user)
        teams = brand_team_choices(user=user)
        if brand is not None:
            owners = owners | OrgNode.objects.filter(pk=brand.owner_id)
            teams = teams | Team.objects.filter(brands=brand)
        self.fields["owner"].queryset = owners.order_by("path")  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field
        self.fields["teams"].queryset = teams.select_related("org").distinct().order_by("org__path", "name")  # type: ignore[attr-defined]  # django-stubs types fields[] as a plain Field

    def data_for_service(self) -> BrandData:
        d = self.cleaned_data
        return BrandData(
            name=d["name"],
            owner_id=d["owner"].pk,
            description=d.get("description") or "",
            team_ids=[t.pk for t in d.get("teams") or []],
        )
