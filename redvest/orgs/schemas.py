"""API shapes. Inputs are kept loose (plain strings and numbers) so the services' Chinese messages
name what is wrong; the schemas only fix the types."""

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from redvest.core.schemas import Id, UInt16
from redvest.orgs.models import STATION_KINDS, FiveHaveEvidence, FiveHaveKind, OrgKind

KINDS_HELP = "节点类型：" + "、".join(f"{k.value}={k.label}" for k in OrgKind)
STATION_KINDS_HELP = "站点类型：" + "、".join(f"{k.value}={k.label}" for k in OrgKind if k in STATION_KINDS)
FIVEHAVE_HELP = "五有项目：" + "、".join(f"{k.value}={k.label}" for k in FiveHaveKind)


class NodeFilter(Schema):
    parent_id: Id | None = Field(None, description="只列出该节点的直属下级")
    kind: str = Field("", description=KINDS_HELP)
    q: str = Field("", description="名称包含，或代码开头")


class NodeOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    code: str
    team_min_size: int | None
    latitude: float | None = Field(None, description="中心点纬度（村社区、镇街）")
    longitude: float | None = Field(None, description="中心点经度")
    depth: int
    numchild: int
    parent_id: int | None = None
    is_station: bool

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class NodeRef(Schema):
    id: int
    name: str


class CountsOut(Schema):
    children: int
    stations: int
    teams: int
    volunteers: int


class NodePermissionsOut(Schema):
    change: bool
    manage: bool
    administer: bool
    move: bool


class NodeDetailOut(NodeOut):
    ancestors: list[NodeRef]
    counts: CountsOut
    permissions: NodePermissionsOut


class NodeCreateIn(Schema):
    parent_id: Id | None = Field(None, description="上级节点；为空时新建顶级节点（仅系统管理员）")
    name: str
    kind: str = Field(..., description=KINDS_HELP)
    code: str = ""
    team_min_size: UInt16 | None = None
    latitude: float | str | None = Field(None, description="中心点纬度，-90 到 90（与经度同时填写）")
    longitude: float | str | None = Field(None, description="中心点经度，-180 到 180")


class NodePatchIn(Schema):
    name: str
    kind: str = Field(..., description=KINDS_HELP)
    code: str
    team_min_size: UInt16 | None = None
    latitude: float | str | None = Field(None, description="中心点纬度，-90 到 90（与经度同时填写）")
    longitude: float | str | None = Field(None, description="中心点经度，-180 到 180")


class NodeMoveIn(Schema):
    target_id: Id = Field(..., description="新的上级节点")


class StationFilter(Schema):
    org_id: Id | None = Field(None, description="只列出该节点子树中的站点")
    kind: str = Field("", description=STATION_KINDS_HELP)
    shortfall: bool = Field(False, description="只看五有未达标的站点")
    q: str = Field("", description="名称或地址包含")


class FiveHaveStatusOut(Schema):
    kind: str
    label: str
    result: str | None
    result_label: str
    passed: bool


class StationOut(Schema):
    id: int
    node_id: int
    name: str
    kind: str
    kind_label: str
    address: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    contact_name: str
    contact_phone: str
    amenities: list[str] = Field(description="便民服务：storage 寄存、directions 指路、rest 休憩、charging 充电等")
    shortfall: bool
    missing: list[str] = Field(description="未检查或最近一次检查未达标的五有项目")
    fivehave: list[FiveHaveStatusOut]

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.node.name)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.node.kind)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.node.get_kind_display())

    @staticmethod
    def resolve_shortfall(obj: Any) -> bool:
        return bool(obj.falls_short)

    @staticmethod
    def resolve_missing(obj: Any) -> list[str]:
        return [s.kind for s in obj.fivehave_status if not s.passed]

    @staticmethod
    def resolve_fivehave(obj: Any) -> list[dict[str, Any]]:
        return [
            {"kind": s.kind, "label": s.label, "result": s.result, "result_label": s.result_label, "passed": s.passed}
            for s in obj.fivehave_status
        ]


class StationPatchIn(Schema):
    address: str
    latitude: float | str | None = Field(None, description="纬度，-90 到 90")
    longitude: float | str | None = Field(None, description="经度，-180 到 180")
    opening_hours: str
    contact_name: str
    contact_phone: str
    amenities: list[str] = Field(description="便民服务编码列表", max_length=20)


class EvidenceOut(Schema):
    id: int
    original_name: str
    size: int
    note: str
    uploaded_by: str | None
    uploaded_at: datetime
    download_url: str

    @staticmethod
    def resolve_uploaded_by(obj: FiveHaveEvidence) -> str | None:
        return obj.uploaded_by.username if obj.uploaded_by else None

    @staticmethod
    def resolve_download_url(obj: FiveHaveEvidence) -> str:
        return reverse("orgs:evidence-download", kwargs={"pk": obj.pk})


class InspectionOut(Schema):
    id: int
    inspected_on: date
    result: str
    result_label: str
    inspector: str | None
    notes: str

    @staticmethod
    def resolve_result_label(obj: Any) -> str:
        return str(obj.get_result_display())

    @staticmethod
    def resolve_inspector(obj: Any) -> str | None:
        return obj.inspector.username if obj.inspector else None


class ChecklistEntryOut(Schema):
    kind: str
    label: str
    passed: bool
    latest_inspection: InspectionOut | None
    inspections: list[InspectionOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_latest_inspection(obj: Any) -> Any:
        return obj.latest


class StationPermissionsOut(Schema):
    change: bool
    inspect: bool


class StationDetailOut(Schema):
    station: StationOut
    checklist: list[ChecklistEntryOut]
    permissions: StationPermissionsOut


class InspectionIn(Schema):
    inspected_on: date
    result: str = Field(..., description="pass=达标，fail=未达标")
    notes: str = ""


class RoleOut(Schema):
    id: int
    user_id: int
    username: str
    name: str
    role: str
    role_label: str
    org_id: int
    created_at: datetime

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.display_name)

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())


class RoleGrantIn(Schema):
    role: str = Field(
        ..., description="org_admin、dispatcher、station_keeper、merchant、resident（system_admin 仅系统管理员可分配）"
    )
    account: str = Field("", description="已有账号的用户名或手机号；与 new_* 二选一")
    new_username: str = ""
    new_name: str = ""
    new_phone: str = ""
    new_password: str = ""
