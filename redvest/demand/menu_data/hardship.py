"""Menu rows: 困难帮扶 (incl. 红色代办)."""

from __future__ import annotations

from typing import Final

from redvest.activities.models import ServiceCategory as Rec
from redvest.demand.menu_data._base import Attr, Item, errand
from redvest.demand.models import AssigneeKind as A
from redvest.demand.models import HandlingLevel as L
from redvest.teams.models import Specialty as Sp

HARDSHIP: Final = (
    Item("BF001", "困难家庭走访", "上门了解困难家庭实际需求并登记。", resolution_hours=72),
    errand(
        "BF002",
        "红色代办：临时救助申请",
        "协助遭遇突发困难的家庭申请临时救助。",
        ("身份证复印件", "困难情况说明", "相关证明材料"),
        record_category=Rec.POVERTY,
    ),
    Item(
        "BF003",
        "助学帮扶",
        "为困难学生对接助学金、爱心资助。",
        level=L.TOWN,
        resolution_hours=168,
        record_category=Rec.CULTURE_EDUCATION,
    ),
    Item(
        "BF004",
        "课业辅导",
        "为困难家庭、留守儿童提供课业辅导。",
        ("教育辅导",),
        resolution_hours=168,
        specialty=Sp.EDUCATION,
        record_category=Rec.CULTURE_EDUCATION,
        attributes=(
            Attr(
                "grade",
                "就读学段",
                "singlevaluelist",
                True,
                values=[
                    {"key": "primary", "name": "小学"},
                    {"key": "junior", "name": "初中"},
                    {"key": "senior", "name": "高中"},
                ],
            ),
            Attr(
                "subjects",
                "需要辅导的科目",
                "multivaluelist",
                values=[
                    {"key": "chinese", "name": "语文"},
                    {"key": "math", "name": "数学"},
                    {"key": "english", "name": "英语"},
                ],
            ),
            Attr("note", "孩子情况说明", "text"),
        ),
    ),
    Item("BF005", "留守儿童关爱", "陪伴留守儿童，开展亲情关爱活动。", ("教育辅导", "心理疏导"), resolution_hours=168),
    Item(
        "BF006",
        "残疾人帮扶",
        "为残疾人提供生活照料、出行帮助。",
        resolution_hours=72,
        record_category=Rec.ELDERLY_DISABLED,
    ),
    Item("BF007", "就业岗位推荐", "为就业困难人员推荐合适岗位。", level=L.TOWN, resolution_hours=168),
    Item("BF008", "技能培训对接", "对接免费职业技能培训。", level=L.TOWN, resolution_hours=168),
    Item("BF009", "农技指导", "上门提供种植、养殖技术指导。", ("农业技术",), level=L.TOWN, resolution_hours=72),
    errand(
        "BF010",
        "红色代办：大病救助申请",
        "协助重大疾病家庭申请医疗救助。",
        ("身份证复印件", "诊断证明", "医疗费用清单", "家庭收入证明"),
        record_category=Rec.HEALTH,
        resolution_hours=24 * 15,
    ),
    Item("BF011", "爱心物资对接", "对接爱心企业、个人捐赠的生活物资。", level=L.TOWN, resolution_hours=168),
    Item("BF012", "爱心助农销售", "帮助困难农户销售农副产品。", ("电脑操作",), level=L.TOWN, resolution_hours=168),
    Item("BF013", "危旧房改造咨询", "危旧房屋改造政策和申请指导。", level=L.TOWN, resolution_hours=168),
    Item(
        "BF014",
        "心理援助",
        "为遭遇变故的家庭提供心理援助。",
        ("心理疏导",),
        resolution_hours=72,
        record_category=Rec.HEALTH,
    ),
    Item("BF015", "困难党员帮扶", "对生活困难党员上门慰问帮扶。", resolution_hours=168),
    Item("BF016", "烈军属关爱", "对烈属、军属上门走访、帮办实事。", resolution_hours=168),
    Item("BF017", "下岗职工帮扶", "为下岗失业人员提供再就业帮扶。", level=L.TOWN, resolution_hours=168),
    Item(
        "BF018",
        "特困学生资助对接",
        "为特困学生对接结对资助。",
        level=L.TOWN,
        resolution_hours=336,
        record_category=Rec.CULTURE_EDUCATION,
    ),
    Item("BF019", "慈善救助申请协助", "协助申请慈善总会等慈善救助项目。", level=L.TOWN, resolution_hours=336),
    Item(
        "BF020",
        "受灾群众帮扶",
        "台风、洪涝后受灾群众生活帮扶。",
        arrival=30,
        resolution_hours=24,
        assignee=A.TEAM,
        specialty=Sp.SAFETY,
        record_category=Rec.EMERGENCY,
    ),
    Item("BF021", "爱心衣物发放", "为困难群众发放御寒衣物。", level=L.STATION, assignee=A.STATION, resolution_hours=72),
    Item("BF022", "结对帮扶需求登记", "登记需要长期结对帮扶的困难群众需求。", resolution_hours=72),
    Item("BF023", "孤儿关爱", "为孤儿、事实无人抚养儿童提供关爱服务。", ("教育辅导", "心理疏导"), resolution_hours=168),
    Item(
        "BF024",
        "残疾人就业帮扶",
        "为残疾人推荐适合的就业岗位。",
        level=L.TOWN,
        resolution_hours=168,
        record_category=Rec.ELDERLY_DISABLED,
    ),
)
