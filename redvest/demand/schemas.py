"""API shapes of demand and dispatch. References are plain ids named after the field (area, station…)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from redvest.core.schemas import ErrorOut, Id, UInt16  # noqa: F401  (re-exported: handlers use s.ErrorOut)


class AttributeOut(Schema):
    code: str
    description: str
    datatype: str
    datatype_description: str
    required: bool
    variable: bool
    order: int
    values: list[dict[str, Any]]


class ItemOut(Schema):
    code: str
    name: str
    category: str
    category_label: str
    description: str
    keywords: str
    required_skills: list[str]
    team_specialty: str
    handling_level: str
    assignee_kind: str
    arrival_minutes: int
    resolution_minutes: int
    is_errand: bool
    errand_documents: list[str]
    errand_steps: list[str]
    attributes: list[AttributeOut]

    @staticmethod
    def resolve_category_label(obj: Any) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_attributes(obj: Any) -> list[Any]:
        return list(obj.attributes.all())


class ItemFilter(Schema):
    category: str = ""
    q: str = ""


class PartOut(Schema):
    id: int
    assignee_kind: str
    assignee_id: int
    assignee_name: str
    part_label: str
    status: str
    status_label: str
    via_rule: bool
    reasons: list[str]
    dispatched_at: datetime.datetime
    accept_due_at: datetime.datetime
    responded_at: datetime.datetime | None
    arrived_at: datetime.datetime | None
    done_at: datetime.datetime | None
    decline_reason: str
    result: str
    activity: int | None

    @staticmethod
    def resolve_assignee_id(obj: Any) -> int:
        return int(obj.station_id or obj.team_id or obj.volunteer_id)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_activity(obj: Any) -> int | None:
        return obj.activity_id


class RequestOut(Schema):
    id: int
    number: str
    channel: str
    item: str
    item_name: str
    category: str
    status: str
    status_label: str
    urgency: int
    area: int
    area_name: str
    description: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    resident_name: str
    resident_phone: str = Field(description="脱敏号码；完整号码请用 /requests/{id}/phone")
    created_at: datetime.datetime
    arrival_due_at: datetime.datetime
    resolution_due_at: datetime.datetime
    responded_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    arrival_overdue: bool
    resolution_overdue: bool
    escalation_level: int
    needs_redispatch: bool
    active_parts: list[PartOut] = Field(default_factory=list)

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item.code)

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.item.name)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_area(obj: Any) -> int:
        return int(obj.area_id)

    @staticmethod
    def resolve_area_name(obj: Any) -> str:
        return str(obj.area.name)

    @staticmethod
    def resolve_resident_name(obj: Any) -> str:
        return obj.resident.name if obj.resident else ""

    @staticmethod
    def resolve_resident_phone(obj: Any) -> str:
        return obj.resident.phone_masked if obj.resident else ""

    @staticmethod
    def resolve_arrival_overdue(obj: Any) -> bool:
        return obj.arrival_breached_at is not None

    @staticmethod
    def resolve_resolution_overdue(obj: Any) -> bool:
        return obj.resolution_breached_at is not None

    @staticmethod
    def resolve_active_parts(obj: Any) -> list[Any]:
        return list(getattr(obj, "active_parts", []))


class RequestFilter(Schema):
    status: str = Field("", description="状态；open 表示全部未办结")
    category: str = ""
    channel: str = ""
    q: str = ""
    overdue: bool = False
    mine: bool = Field(False, description="只看本人提交或本人作为服务对象的诉求")


class BoardFilter(Schema):
    overdue: bool = False
    category: str = ""


class EventOut(Schema):
    kind: str
    kind_label: str
    at: datetime.datetime
    message: str
    actor: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return str(obj.actor) if obj.actor else ""


class ErrandDocumentOut(Schema):
    id: int
    name: str
    received_at: datetime.datetime | None


class ErrandStepOut(Schema):
    id: int
    name: str
    order: int
    done_at: datetime.datetime | None
    note: str


class RequestDetailOut(RequestOut):
    parts: list[PartOut]
    events: list[EventOut]
    errand_documents: list[ErrandDocumentOut]
    errand_steps: list[ErrandStepOut]
    attributes: dict[str, Any]
    result_summary: str
    reopened_count: int

    @staticmethod
    def resolve_parts(obj: Any) -> list[Any]:
        return list(getattr(obj, "detail_parts", []))

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(getattr(obj, "detail_events", []))

    @staticmethod
    def resolve_errand_documents(obj: Any) -> list[Any]:
        return list(obj.errand_documents.all())

    @staticmethod
    def resolve_errand_steps(obj: Any) -> list[Any]:
        return list(obj.errand_steps.all())


class RequestIn(Schema):
    channel: str = Field("hotline", description="hotline（96345受理）/ walk_in（服务点登记）/ web（群众网上诉求）")
    item: str = Field(..., description="服务项目编码（与 Open311 service_code 相同）")
    description: str = ""
    urgency: UInt16 = Field(1, description="1 一般 / 2 紧急 / 3 特急")
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    area: Id | None = Field(None, description="所属区域（组织节点 id）；不填则按坐标或受理点确定")
    caller_name: str = ""
    caller_phone: str = ""
    station: Id | None = Field(None, description="服务点登记时的站点 id")
    attributes: dict[str, Any] = Field(default_factory=dict, description="服务项目附加信息，键为属性编码")
    idempotency_key: str = Field("", description="同一提交编号重复提交只产生一张工单")


class CallerOut(Schema):
    known: bool
    name: str
    address: str
    area: int | None
    latitude: Decimal | None
    longitude: Decimal | None
    past: list[RequestOut]


class CandidateOut(Schema):
    kind: str
    id: int
    name: str
    org_name: str
    score: int
    reasons: list[str]
    distance_m: int | None
    open_load: int
    skills: list[str] = Field(description="志愿者的技能；服务队的专业方向")
    contact: str = Field(description="联系人：志愿者本人、服务队负责人或站点联系人")
    phone_masked: str = Field(description="联系电话（志愿者和负责人的已脱敏；站点为公开电话）")


class TargetIn(Schema):
    kind: str = Field(..., description="station / team / volunteer")
    id: Id
    part_label: str = Field("", description="组团时该部分的分工")


class DispatchIn(Schema):
    targets: list[TargetIn]
    note: str = ""


class RedispatchIn(Schema):
    targets: list[TargetIn]
    reason: str


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


class ReceivedIn(Schema):
    received: bool = True


class TimeSpentIn(Schema):
    volunteer: int
    minutes: int


class CompleteIn(Schema):
    """Sent as multipart/form-data so photos can come along; time_spent is a JSON list."""

    result: str
    time_spent: str = Field(
        "[]", description='各志愿者用时（分钟，计入服务信用时长），JSON：[{"volunteer": 12, "minutes": 60}]'
    )


class DispatchOut(PartOut):
    request: int
    request_number: str
    item_name: str
    address: str

    @staticmethod
    def resolve_request(obj: Any) -> int:
        return int(obj.request_id)

    @staticmethod
    def resolve_request_number(obj: Any) -> str:
        return str(obj.request.number)

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.request.item.name)

    @staticmethod
    def resolve_address(obj: Any) -> str:
        return str(obj.request.address or obj.request.area.name)


class DispatchFilter(Schema):
    status: str = Field("active", description="active（进行中）/ 空（全部）/ 具体状态")


class RatingIn(Schema):
    rating: str = Field(..., description="satisfied 满意 / basic 基本满意 / unsatisfied 不满意")
    comment: str = ""


class FeedbackIn(RatingIn):
    source: str = Field("resident", description="resident 群众在线填写 / paper 纸质反馈单录入")


class CallbackOut(Schema):
    id: int
    request: int
    request_number: str
    item_name: str
    round: int
    due_at: datetime.datetime
    status: str
    attempts: int
    rating: str
    comment: str
    done_at: datetime.datetime | None

    @staticmethod
    def resolve_request(obj: Any) -> int:
        return int(obj.request_id)

    @staticmethod
    def resolve_request_number(obj: Any) -> str:
        return str(obj.request.number)

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.request.item.name)


class CallbackFilter(Schema):
    status: str = "pending"


class FeedbackOut(Schema):
    id: int
    rating: str
    comment: str
    source: str
    created_at: datetime.datetime


class SpotCheckOut(Schema):
    id: int
    request: int
    request_number: str
    status: str
    drawn_at: datetime.datetime
    verified: bool | None
    rating: str
    note: str
    checked_at: datetime.datetime | None

    @staticmethod
    def resolve_request(obj: Any) -> int:
        return int(obj.request_id)

    @staticmethod
    def resolve_request_number(obj: Any) -> str:
        return str(obj.request.number)


class SpotCheckFilter(Schema):
    status: str = ""


class DrawIn(Schema):
    root: Id = Field(..., description="抽查范围（组织节点 id）")
    start: datetime.date
    end: datetime.date
    count: UInt16 = 5


class SpotRecordIn(Schema):
    verified: bool
    rating: str
    note: str = ""


class PeriodQuery(Schema):
    root: Id | None = Field(None, description="范围（组织节点 id）；默认本人调度范围")
    start: datetime.date | None = None
    end: datetime.date | None = None


class SatisfactionQuery(PeriodQuery):
    by: str = Field("item", description="item（服务项目）/ team（服务队）/ station（站点）")


class CountOut(Schema):
    label: str
    count: int


class StatsOut(Schema):
    root: int
    root_name: str
    start: datetime.datetime
    end: datetime.datetime
    total: int
    by_category: list[CountOut]
    by_status: list[CountOut]
    by_area: list[CountOut]
    response_p50_minutes: int | None
    response_p90_minutes: int | None
    resolution_p50_minutes: int | None
    resolution_p90_minutes: int | None
    arrival_on_time_rate: float | None
    resolution_on_time_rate: float | None
    satisfaction_rate: float | None
    rated: int
    overdue: int


class SatisfactionOut(Schema):
    name: str
    satisfied: int
    basic: int
    unsatisfied: int
    total: int
    rate: float | None


class OrderLineIn(Schema):
    item: str
    note: str = ""


class OrderIn(Schema):
    title: str
    community: Id
    place: str
    scheduled_start: datetime.datetime
    scheduled_end: datetime.datetime
    contact_name: str
    contact_phone: str
    lines: list[OrderLineIn]
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    note: str = ""


class OrderOut(Schema):
    id: int
    title: str
    community: int
    community_name: str
    place: str
    scheduled_start: datetime.datetime
    scheduled_end: datetime.datetime
    status: str
    lines: list[RequestOut] = Field(default_factory=list)

    @staticmethod
    def resolve_community(obj: Any) -> int:
        return int(obj.community_id)

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return str(obj.community.name)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(getattr(obj, "lines", []))


class AssignmentIn(Schema):
    request: Id
    targets: list[TargetIn]


class OrderDispatchIn(Schema):
    assignments: list[AssignmentIn]


class PhoneOut(Schema):
    phone: str
