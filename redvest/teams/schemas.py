"""API shapes of the teams capability. References are plain ids named after the field (org, parent…)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from redvest.core.schemas import ErrorOut, Id, Int32, omittable  # noqa: F401  (re-exported: handlers use s.ErrorOut)


class PersonOut(Schema):
    id: int
    name: str
    number: str


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    specialty: str
    org: int
    org_name: str
    parent: int | None
    leader: PersonOut | None
    liaison: PersonOut | None
    is_active: bool
    member_count: int
    org_member_count: int
    min_size: int
    below_min_size: bool

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_org(obj: Any) -> int:
        return int(obj.org_id)

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)

    @staticmethod
    def resolve_parent(obj: Any) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_below_min_size(obj: Any) -> bool:
        return bool(obj.below_min_size)


class TeamDetailOut(TeamOut):
    rules: str
    backbone: list[PersonOut]

    @staticmethod
    def resolve_backbone(obj: Any) -> list[Any]:
        return [b.volunteer for b in obj.backbones.all()]


class TeamIn(Schema):
    name: str = Field(..., description="队名，同一组织内唯一")
    kind: str = Field(..., description="类型：corps/detachment/specialist/vanguard/grid/youth/floating/free")
    org: Id = Field(..., description="所属组织节点 id")
    specialty: str = Field("", description="专业方向，仅专业服务队（specialist）填写")
    parent: Id | None = Field(None, description="上级队伍 id")
    rules: str = ""


class TeamPatch(Schema):
    name: str = omittable()
    kind: str = omittable()
    org: Id = omittable()
    specialty: str = omittable()
    parent: Id | None = None
    rules: str = omittable()


class TeamFilter(Schema):
    q: str = ""
    kind: str = ""
    specialty: str = ""
    org_id: Id | None = None
    below_min_size: bool | None = None
    status: str = Field("active", description="active / inactive / all")


class MemberOut(Schema):
    id: int
    volunteer: PersonOut
    kind: str
    kind_label: str
    joined_at: datetime
    backbone_order: int | None

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class VolunteerRefIn(Schema):
    volunteer: Id | None = Field(..., description="在册队员的志愿者 id；联络员可为 null 表示不设")


class BackboneIn(Schema):
    volunteers: list[Id] = Field(..., description="骨干志愿者 id，按顺位排列")


class JoinRequestIn(Schema):
    kind: str = Field("activity", description="org（组织关系）或 activity（活动关系）")
    message: str = ""
    volunteer: Id | None = Field(None, description="为他人申请时的志愿者 id（需有管理权限）；默认本人")


class DecisionIn(Schema):
    note: str = ""


class JoinRequestOut(Schema):
    id: int
    team: int
    team_name: str
    volunteer: PersonOut
    kind: str
    status: str
    message: str
    created_at: datetime
    decided_at: datetime | None
    decision_note: str

    @staticmethod
    def resolve_team(obj: Any) -> int:
        return int(obj.team_id)

    @staticmethod
    def resolve_team_name(obj: Any) -> str:
        return str(obj.team.name)


class BrandIn(Schema):
    name: str
    owner: Id = Field(..., description="所属单位（组织节点 id）")
    description: str = ""
    teams: list[Id] = Field(default_factory=list, description="参与队伍 id")


class BrandPatch(Schema):
    name: str = omittable()
    owner: Id = omittable()
    description: str = omittable()
    teams: list[Id] = omittable()


class BrandOut(Schema):
    id: int
    name: str
    owner: int
    owner_name: str
    description: str
    team_count: int

    @staticmethod
    def resolve_owner(obj: Any) -> int:
        return int(obj.owner_id)

    @staticmethod
    def resolve_owner_name(obj: Any) -> str:
        return str(obj.owner.name)


class TeamRefOut(Schema):
    id: int
    name: str


class BrandDetailOut(BrandOut):
    teams: list[TeamRefOut]

    @staticmethod
    def resolve_teams(obj: Any) -> list[Any]:
        return list(obj.teams.all())

    @staticmethod
    def resolve_team_count(obj: Any) -> int:
        return len(obj.teams.all())


class BrandFilter(Schema):
    q: str = ""
    owner_id: Id | None = None


class AnnouncementIn(Schema):
    title: str = Field("", max_length=200)
    body: str = Field("", max_length=10000)
    pinned: bool = False
    expires_at: datetime | None = Field(None, description="有效期至（留空为长期有效）")


class AnnouncementOut(Schema):
    id: int
    team_id: int
    team_name: str
    title: str
    body: str
    pinned: bool
    expires_at: datetime | None
    replaces_id: int | None
    author_name: str
    created_at: datetime
    is_read: bool | None = None

    @staticmethod
    def resolve_team_name(obj: Any) -> str:
        return str(obj.team.name)

    @staticmethod
    def resolve_author_name(obj: Any) -> str:
        return str(obj.author.name) if obj.author is not None else ""  # never the username: it may be a phone

    @staticmethod
    def resolve_is_read(obj: Any) -> bool | None:
        return getattr(obj, "is_read", None)
