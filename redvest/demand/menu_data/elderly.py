"""Menu rows: 居家养老."""

from __future__ import annotations

from typing import Final

from redvest.activities.models import ServiceCategory as Rec
from redvest.demand.menu_data._base import Attr, Item
from redvest.demand.models import AssigneeKind as A
from redvest.demand.models import HandlingLevel as L
from redvest.teams.models import Specialty as Sp

ELDERLY: Final = (
    Item(
        "YL001",
        "助餐送餐",
        "为高龄、独居老人提供助餐、送餐服务。",
        arrival=30,
        resolution_hours=4,
        specialty=Sp.ELDERLY,
    ),
    Item(
        "YL002",
        "助浴服务",
        "为失能、半失能老人提供上门助浴。",
        ("医疗护理",),
        resolution_hours=48,
        assignee=A.TEAM,
        specialty=Sp.ELDERLY,
    ),
    Item("YL003", "助洁服务", "为老人打扫居室、清洗衣物。", resolution_hours=48, specialty=Sp.ELDERLY),
    Item(
        "YL004",
        "助医陪诊",
        "陪同老人就医、挂号、取药。",
        ("医疗护理",),
        resolution_hours=12,
        specialty=Sp.MEDICAL,
        record_category=Rec.HEALTH,
    ),
    Item("YL005", "助行陪护", "陪同老人外出散步、办事。", resolution_hours=24),
    Item(
        "YL006",
        "健康监测",
        "上门测量血压、血糖，建立健康记录。",
        ("医疗护理",),
        resolution_hours=48,
        specialty=Sp.MEDICAL,
        record_category=Rec.HEALTH,
    ),
    Item(
        "YL007",
        "康复训练指导",
        "为术后、中风后老人提供康复训练指导。",
        ("医疗护理",),
        resolution_hours=72,
        assignee=A.TEAM,
        specialty=Sp.MEDICAL,
        record_category=Rec.HEALTH,
    ),
    Item("YL008", "精神慰藉", "陪老人聊天、读报，缓解孤独。", ("心理疏导",), resolution_hours=72),
    Item("YL009", "代购代办", "为老人代购物品、代办小事。", resolution_hours=24),
    Item(
        "YL010",
        "紧急呼叫响应",
        "独居老人一键呼叫后的紧急上门查看。",
        ("应急救护",),
        arrival=15,
        resolution_hours=2,
        specialty=Sp.FIRST_AID,
        assignee=A.STATION,
        record_category=Rec.EMERGENCY,
        auto_dispatch=True,
        attributes=(Attr("elder_age", "老人年龄", "number"),),
    ),
    Item("YL011", "适老化改造咨询", "居家扶手、防滑等适老化改造评估与咨询。", level=L.TOWN, resolution_hours=168),
    Item("YL012", "辅具借用", "轮椅、助行器等康复辅具借用。", level=L.STATION, assignee=A.STATION, resolution_hours=48),
    Item("YL013", "上门理发修脚", "为行动不便老人上门理发、修脚。", ("理发",), resolution_hours=72),
    Item(
        "YL014",
        "用药指导",
        "指导老人按时按量服药，整理药品。",
        ("医疗护理",),
        resolution_hours=48,
        record_category=Rec.HEALTH,
    ),
    Item("YL015", "智能手机教学", "教老人使用智能手机、视频通话、健康码。", ("电脑操作",), resolution_hours=168),
    Item(
        "YL016",
        "文娱陪伴",
        "组织老人唱歌、下棋等文娱活动。",
        ("文艺表演",),
        resolution_hours=168,
        assignee=A.TEAM,
        record_category=Rec.CULTURE_EDUCATION,
    ),
    Item("YL017", "节日慰问", "节日期间上门慰问独居、高龄老人。", resolution_hours=72, assignee=A.TEAM),
    Item("YL018", "夜间巡访", "夜间对独居老人进行安全巡访。", arrival=30, resolution_hours=12),
    Item(
        "YL019",
        "失能照护指导",
        "指导家属开展失能老人日常照护。",
        ("医疗护理",),
        resolution_hours=72,
        specialty=Sp.MEDICAL,
        record_category=Rec.HEALTH,
    ),
    Item(
        "YL020",
        "防诈骗宣传",
        "上门向老人宣传防范电信诈骗知识。",
        resolution_hours=168,
        specialty=Sp.SAFETY,
        record_category=Rec.SAFETY,
    ),
    Item(
        "YL021",
        "居家安全检查",
        "检查老人家中燃气、电器等安全隐患。",
        ("家电维修",),
        resolution_hours=72,
        specialty=Sp.SAFETY,
        record_category=Rec.SAFETY,
    ),
    Item("YL022", "孤寡老人定期探访", "对孤寡老人进行定期上门探访。", resolution_hours=72),
    Item("YL023", "生日关怀", "为高龄、独居老人过生日。", resolution_hours=168, assignee=A.TEAM),
    Item("YL024", "代读代写", "为老人读信、写信、填写表格。", resolution_hours=48),
)
