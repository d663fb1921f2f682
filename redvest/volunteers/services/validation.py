"""Field rules of a volunteer record: pure functions without queries, shared by pages, API and import."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redvest.core.crypto import blind_index, decrypt, encrypt, mask_id_number, mask_phone
from redvest.core.validators import id_birth_date, id_gender, id_number_error, normalize_phone, phone_error
from redvest.volunteers.models import (
    Gender,
    IdType,
    PoliticalStatus,
    RecruitmentSource,
    ServiceCategory,
    Volunteer,
)

if TYPE_CHECKING:
    from redvest.orgs.models import OrgNode

OTHER_ID_RE = re.compile(r"^[A-Z0-9()\-]{5,30}$")
GUARDIAN_AGE = 18
ACCOMPANIED_AGE = 14
TEXT_LIMITS: dict[str, tuple[str, int]] = {
    "name": ("姓名", 50),
    "residence_area": ("居住地区", 100),
    "work_unit": ("工作单位", 100),
    "specialties": ("特长", 200),
    "service_post": ("服务岗位", 100),
    "availability": ("可服务时间", 100),
    "guardian_name": ("监护人姓名", 50),
    "guardian_note": ("监护说明", 200),
    "recommender": ("推荐人", 50),
}
MAX_SKILLS = 20
MAX_SKILL_LEN = 20
# Only a recommendation has a recommender; 未记录 is what rows from before the field hold.
RECOMMENDER_NOT_ALLOWED = frozenset({RecruitmentSource.SELF, RecruitmentSource.UNRECORDED})
LIST_SPLIT_RE = re.compile(r"[,，、;；\s]+")


@dataclass
class VolunteerData:
    """What a person fills in; everything is checked by `volunteer_clean`."""

    name: str = ""
    gender: str = ""
    birth_date: datetime.date | None = None
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    political_status: str = ""
    party_org: OrgNode | None = None
    residence_area: str = ""
    work_unit: str = ""
    skills: list[str] = field(default_factory=list)
    service_categories: list[str] = field(default_factory=list)
    specialties: str = ""
    service_post: str = ""
    availability: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""
    guardian_consent_date: datetime.date | None = None
    guardian_note: str = ""
    recruitment_source: str = RecruitmentSource.SELF
    recommender: str = ""


def split_list(value: str | list[str] | None) -> list[str]:
    """'急救、驾驶, 摄影' -> ['急救', '驾驶', '摄影']."""
    if value is None:
        return []
    items = value if isinstance(value, list) else LIST_SPLIT_RE.split(value)
    return [str(i).strip() for i in items if str(i).strip()]


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _clean_id(data: VolunteerData, errors: dict[str, str]) -> tuple[str, str, datetime.date | None]:
    """The normalised number, gender and birth date; for a resident ID the latter two must agree with it."""
    number = re.sub(r"\s", "", data.id_number or "").upper()
    gender, birth = data.gender, data.birth_date
    if data.id_type == IdType.RESIDENT_ID:
        if not number:
            errors["id_number"] = "请填写证件号码"
        elif (message := id_number_error(number)) is not None:
            errors["id_number"] = message
        else:
            from_id, sex = id_birth_date(number), id_gender(number)
            if birth is not None and birth != from_id:
                errors["birth_date"] = "出生日期与身份证号不一致"
            if gender and gender != sex:
                errors["gender"] = "性别与身份证号不一致"
            return number, gender or sex, birth or from_id
        # An invalid resident ID already explains itself; gender and birth date come from it.
        return number, gender, birth
    if data.id_type not in IdType.values:
        errors["id_type"] = "证件类型无效"
    elif not number:
        errors["id_number"] = "请填写证件号码"
    elif not OTHER_ID_RE.match(number):
        errors["id_number"] = "证件号码格式不正确（5至30位字母或数字）"
    if not gender:
        errors["gender"] = "请选择性别"
    if birth is None:
        errors["birth_date"] = "请填写出生日期"
    return number, gender, birth


def _clean_guardian(data: VolunteerData, birth: datetime.date, today: datetime.date, errors: dict[str, str]) -> str:
    """Under 18: guardian name, phone and consent date; under 14 also the accompanied-only note."""
    guardian_phone = normalize_phone(data.guardian_phone)
    age = age_on(birth, today)
    if age < GUARDIAN_AGE:
        if not data.guardian_name.strip():
            errors["guardian_name"] = "未满18周岁须填写监护人姓名"
        if not guardian_phone:
            errors["guardian_phone"] = "未满18周岁须填写监护人手机号"
        if data.guardian_consent_date is None:
            errors["guardian_consent_date"] = "未满18周岁须填写监护人同意日期"
    if age < ACCOMPANIED_AGE and not data.guardian_note.strip():
        errors["guardian_note"] = "未满14周岁须注明“仅在监护人陪同下参加志愿服务”"
    if guardian_phone and (message := phone_error(guardian_phone)) is not None:
        errors["guardian_phone"] = f"监护人{message}"
    consent = data.guardian_consent_date
    if consent is not None and (consent > today or consent < birth):
        errors["guardian_consent_date"] = "监护人同意日期应在出生日期之后、且不晚于今天"
    return guardian_phone


def volunteer_clean(data: VolunteerData, *, today: datetime.date) -> tuple[dict[str, Any], dict[str, str]]:
    """Check every field at once; return the model field values (encrypted, hashed, masked) and the errors."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "请填写姓名"
    for key, (label, limit) in TEXT_LIMITS.items():
        if len(str(getattr(data, key) or "").strip()) > limit:
            errors[key] = f"{label}不能超过{limit}个字"
    number, gender, birth = _clean_id(data, errors)
    if gender and gender not in Gender.values and "gender" not in errors:
        errors["gender"] = "性别无效"
    if birth is not None and "birth_date" not in errors:
        if birth > today:
            errors["birth_date"] = "出生日期不能晚于今天"
        elif age_on(birth, today) > 120:
            errors["birth_date"] = "出生日期无效"
    phone = normalize_phone(data.phone)
    if not phone:
        errors["phone"] = "请填写手机号"
    elif (message := phone_error(phone)) is not None:
        errors["phone"] = message
    if not data.political_status:
        errors["political_status"] = "请选择政治面貌"
    elif data.political_status not in PoliticalStatus.values:
        errors["political_status"] = "政治面貌无效，应为中共党员、中共预备党员、共青团员或群众"
    skills = split_list(data.skills)
    if len(skills) > MAX_SKILLS or any(len(s) > MAX_SKILL_LEN for s in skills):
        errors["skills"] = f"服务技能最多{MAX_SKILLS}项，每项不超过{MAX_SKILL_LEN}个字"
    categories = split_list(data.service_categories)
    labels = {label: value for value, label in ServiceCategory.choices}
    categories = [labels.get(c, c) for c in categories]
    if bad := [c for c in categories if c not in ServiceCategory.values]:
        errors["service_categories"] = f"服务类别无效：{'、'.join(bad)}"
    if data.recruitment_source not in RecruitmentSource.values:
        errors["recruitment_source"] = "招募来源无效，应为组织推荐、群众推荐或个人自荐"
    elif data.recommender.strip() and data.recruitment_source in RECOMMENDER_NOT_ALLOWED:
        errors["recommender"] = "个人自荐无需填写推荐人"
    guardian_phone = normalize_phone(data.guardian_phone)
    if birth is not None and "birth_date" not in errors:
        guardian_phone = _clean_guardian(data, birth, today, errors)
    if errors or birth is None:
        return {}, errors or {"birth_date": "请填写出生日期"}
    values: dict[str, Any] = {
        "name": name,
        "gender": gender,
        "birth_date": birth,
        "id_type": data.id_type,
        "id_number_encrypted": encrypt(number),
        "id_number_hash": blind_index(number),
        "id_number_masked": mask_id_number(number),
        "phone_encrypted": encrypt(phone),
        "phone_hash": blind_index(phone),
        "phone_masked": mask_phone(phone),
        "political_status": data.political_status,
        "party_org": data.party_org,
        "residence_area": data.residence_area.strip(),
        "work_unit": data.work_unit.strip(),
        "skills": skills,
        "service_categories": list(dict.fromkeys(categories)),
        "specialties": data.specialties.strip(),
        "service_post": data.service_post.strip(),
        "availability": data.availability.strip(),
        "guardian_name": data.guardian_name.strip(),
        "guardian_phone_encrypted": encrypt(guardian_phone),
        "guardian_consent_date": data.guardian_consent_date,
        "guardian_note": data.guardian_note.strip(),
        "recruitment_source": data.recruitment_source,
        "recommender": data.recommender.strip(),
    }
    return values, errors


def volunteer_data_of(volunteer: Volunteer) -> VolunteerData:
    """The current record as input, so an edit or a PATCH starts from what is stored."""
    return VolunteerData(
        name=volunteer.name,
        gender=volunteer.gender,
        birth_date=volunteer.birth_date,
        id_type=volunteer.id_type,
        id_number=decrypt(volunteer.id_number_encrypted),
        phone=decrypt(volunteer.phone_encrypted),
        political_status=volunteer.political_status,
        party_org=volunteer.party_org,
        residence_area=volunteer.residence_area,
        work_unit=volunteer.work_unit,
        skills=list(volunteer.skills),
        service_categories=list(volunteer.service_categories),
        specialties=volunteer.specialties,
        service_post=volunteer.service_post,
        availability=volunteer.availability,
        guardian_name=volunteer.guardian_name,
        guardian_phone=decrypt(volunteer.guardian_phone_encrypted),
        guardian_consent_date=volunteer.guardian_consent_date,
        guardian_note=volunteer.guardian_note,
        recruitment_source=volunteer.recruitment_source,
        recommender=volunteer.recommender,
    )
