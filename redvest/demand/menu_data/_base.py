"""The shape of a menu row and its helpers; the rows themselves are in the category modules.

Each row: code, name, description, required skills, handling level, default assignee, arrival minutes,
resolution hours; optional extras (team specialty, record category, errand checklist and steps, auto
dispatch, Open311 attributes). `services.menu.service_menu_load` writes it idempotently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from redvest.activities.models import ServiceCategory as Rec
from redvest.demand.models import AssigneeKind as A
from redvest.demand.models import DemandCategory as C
from redvest.demand.models import HandlingLevel as L

YES_NO: Final = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]


@dataclass(frozen=True)
class Attr:
    code: str
    description: str
    datatype: str = "string"
    required: bool = False
    datatype_description: str = ""
    values: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    description: str
    skills: tuple[str, ...] = ()
    level: str = L.COMMUNITY
    assignee: str = A.VOLUNTEER
    arrival: int = 30
    resolution_hours: int = 24
    specialty: str = ""
    record_category: str = ""
    keywords: str = ""
    documents: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    auto_dispatch: bool = False
    attributes: tuple[Attr, ...] = ()

    @property
    def category(self) -> str:
        return PREFIX_CATEGORY[self.code[:2]]

    @property
    def is_errand(self) -> bool:
        return bool(self.steps)


PREFIX_CATEGORY: Final = {"SH": C.LIFE, "ZC": C.POLICY, "TJ": C.DISPUTE, "YL": C.ELDERLY, "BF": C.HARDSHIP}
CATEGORY_RECORD: Final[dict[str, str]] = {
    C.LIFE: Rec.COMMUNITY,
    C.POLICY: Rec.COMMUNITY,
    C.DISPUTE: Rec.LEGAL,
    C.ELDERLY: Rec.ELDERLY_DISABLED,
    C.HARDSHIP: Rec.POVERTY,
}

ERRAND_STEPS: Final = ("受理登记", "材料初审", "代为递交", "跟踪办理", "结果送达")
ID_READY = Attr("id_ready", "申请人身份证件是否齐全", "singlevaluelist", True, values=YES_NO)


def errand(code: str, name: str, description: str, documents: tuple[str, ...], **kw: Any) -> Item:
    """A 红色代办 item: handled at the service point, document checklist, five progress steps."""
    return Item(
        code,
        name,
        description,
        ("红色代办",),
        L.STATION,
        A.STATION,
        arrival=60,
        resolution_hours=kw.pop("resolution_hours", 24 * 7),
        documents=documents,
        steps=ERRAND_STEPS,
        attributes=(ID_READY,),
        **kw,
    )
