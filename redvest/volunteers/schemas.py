from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from redvest.core.schemas import Id, omittable
from redvest.volunteers.models import IdType, RecruitmentSource


class VolunteerOut(Schema):
    """A ledger row as the API shows it: ID number and phone masked."""

    id: int
    number: str
    name: str
    gender: str
    birth_date: datetime.date
    id_type: str
    id_number_masked: str
    phone_masked: str
    political_status: str
    status: str
    org_id: int
    org_name: str
    party_org_id: int | None
    org_team_id: int | None
    org_team_name: str | None
    residence_area: str
    work_unit: str
    skills: list[str]
    service_categories: list[str]
    specialties: str
    service_post: str
    availability: str
    guardian_name: str
    guardian_consent_date: datetime.date | None
    guardian_note: str
    recruitment_source: str
    recruitment_source_label: str
    recommender: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_recruitment_source_label(obj: Any) -> str:
        return str(obj.get_recruitment_source_display())

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return str(obj.org.name)

    @staticmethod
    def resolve_org_team_id(obj: Any) -> int | None:
        team = obj.org_team
        return team.id if team else None

    @staticmethod
    def resolve_org_team_name(obj: Any) -> str | None:
        team = obj.org_team
        return team.name if team else None


class VolunteerFields(Schema):
    """The person's fields; every rule is checked by the service (errors name these fields)."""

    name: str = Field("", max_length=100)
    gender: str = Field("", description="M/F；居民身份证可留空")
    birth_date: datetime.date | None = None
    id_type: str = IdType.RESIDENT_ID
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=20)
    political_status: str = Field("", description="party_member/probationary/league_member/masses")
    party_org: Id | None = None
    residence_area: str = Field("", max_length=200)
    work_unit: str = Field("", max_length=200)
    skills: list[str] = Field(default_factory=list, max_length=50)
    service_categories: list[str] = Field(default_factory=list, max_length=50)
    specialties: str = Field("", max_length=400)
    service_post: str = Field("", max_length=200)
    availability: str = Field("", max_length=200)
    guardian_name: str = Field("", max_length=100)
    guardian_phone: str = Field("", max_length=20)
    guardian_consent_date: datetime.date | None = None
    guardian_note: str = Field("", max_length=400)
    recommender: str = Field("", max_length=100, description="推荐单位或推荐人姓名（个人自荐不填）")


class VolunteerIn(VolunteerFields):
    recruitment_source: str = Field(
        RecruitmentSource.ORGANIZATION, description="招募来源 organization 组织推荐/masses 群众推荐/self 个人自荐"
    )
    org: Id | None = Field(None, description="所属组织 id")
    team: Id | None = Field(None, description="组织关系服务队 id")
    password: str | None = Field(None, description="填写则同时开通登录账号（用户名为手机号）", max_length=128)


class VolunteerPatch(Schema):
    """Only the given fields change; the whole record is re-validated."""

    name: str = omittable()
    gender: str = omittable()
    birth_date: datetime.date | None = None
    id_type: str = omittable()
    id_number: str = omittable()
    phone: str = omittable()
    political_status: str = omittable()
    party_org: Id | None = None
    residence_area: str = omittable()
    work_unit: str = omittable()
    skills: list[str] = omittable()
    service_categories: list[str] = omittable()
    specialties: str = omittable()
    service_post: str = omittable()
    availability: str = omittable()
    guardian_name: str = omittable()
    guardian_phone: str = omittable()
    guardian_consent_date: datetime.date | None = None
    guardian_note: str = omittable()
    recruitment_source: str = omittable("organization/masses/self")
    recommender: str = omittable()


class VolunteerFilter(Schema):
    q: str = ""
    phone: str = ""
    id_number: str = ""
    org: Id | None = None
    status: str = ""
    political_status: str = ""
    team: Id | None = None
    recruitment_source: str = Field("", description="organization/masses/self/unrecorded")


class StatusIn(Schema):
    status: str
    reason: str = ""


class SensitiveOut(Schema):
    id_number: str
    phone: str
    guardian_phone: str


class ImportErrorOut(Schema):
    row: int
    field: str
    label: str
    message: str


class ImportOut(Schema):
    id: int
    org_id: int
    original_name: str
    status: str
    dry_run: bool
    skip_bad_rows: bool
    total_rows: int
    processed_rows: int
    percent: int
    bad_rows: int
    created_count: int
    message: str
    retryable: bool
    heartbeat_at: datetime.datetime | None
    errors: list[ImportErrorOut]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class ImportConfirmIn(Schema):
    skip_bad_rows: bool = False


class SelfRegisterIn(VolunteerFields):
    """Public self-registration; the consents are required (422 naming the missing `consent_*` field)."""

    team: int | None = Field(None, description="报名加入的服务队 id")
    recruitment_source: str = Field(
        RecruitmentSource.SELF, description="招募来源 organization 组织推荐/masses 群众推荐/self 个人自荐"
    )
    password: str = Field("", max_length=128)
    password_confirm: str = Field("", max_length=128)
    consent_processing: bool = Field(False, description="同意《个人信息处理告知同意书》（必填）")
    consent_sensitive: bool = Field(False, description="单独同意《敏感个人信息单独同意书》（必填）")
    consent_guardian: bool = Field(False, description="监护人同意（未满18周岁必填）")


class SelfRegisterOut(Schema):
    number: str
    status: str


class ConsentTextOut(Schema):
    kind: str
    version: str
    title: str
    body: str


class DeregistrationIn(Schema):
    reason: str = Field("", max_length=400)


class DeregistrationDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=400)


class DeregistrationOut(Schema):
    id: int
    volunteer_id: int
    status: str
    reason: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str


class TransferIn(Schema):
    volunteer: int = Field(..., ge=1, le=2**31 - 1, description="志愿者 id（本人申请时为自己的记录）")
    to_org: int = Field(..., ge=1, le=2**31 - 1, description="转入组织 id（组织树中任一节点）")
    reason: str = Field("", max_length=400)


class TransferNoteIn(Schema):
    note: str = Field("", max_length=400, description="处理意见；拒绝时必填")


class TransferFilter(Schema):
    status: Literal["pending", "accepted", "refused", "withdrawn"] | None = None
    incoming: bool = Field(False, description="只看转入本人管理范围、待本人处理的")


class TransferOut(Schema):
    id: int
    volunteer_id: int
    volunteer_name: str
    volunteer_number: str
    from_org_id: int
    from_org_name: str
    to_org_id: int
    to_org_name: str
    status: str
    status_label: str
    reason: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_volunteer_name(obj: Any) -> str:
        return str(obj.volunteer.name)

    @staticmethod
    def resolve_volunteer_number(obj: Any) -> str:
        return str(obj.volunteer.number)

    @staticmethod
    def resolve_from_org_name(obj: Any) -> str:
        return str(obj.from_org.name)

    @staticmethod
    def resolve_to_org_name(obj: Any) -> str:
        return str(obj.to_org.name)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())
