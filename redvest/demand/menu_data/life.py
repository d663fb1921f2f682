"""Menu rows: 生活求助."""

from __future__ import annotations

from typing import Final

from redvest.activities.models import ServiceCategory as Rec
from redvest.demand.menu_data._base import YES_NO, Attr, Item
from redvest.demand.models import AssigneeKind as A
from redvest.teams.models import Specialty as Sp

LIFE: Final = (
    Item("SH001", "水电维修", "家中水管漏水、电路跳闸、插座损坏等小型维修。", ("家电维修",), keywords="漏水,跳闸,停电"),
    Item("SH002", "家电维修", "电视、洗衣机、冰箱等常用家电的简单检修。", ("家电维修",), resolution_hours=48),
    Item("SH003", "管道疏通", "厨房、卫生间下水道堵塞疏通。", ("家电维修",), keywords="堵塞,下水道"),
    Item("SH004", "灯具更换", "为老人、行动不便居民更换灯泡、灯管。", ("家电维修",), resolution_hours=8),
    Item("SH005", "代购生活用品", "为行动不便的居民代购米面油、日用品。", resolution_hours=8),
    Item("SH006", "送餐上门", "为独居、生病居民送餐上门。", resolution_hours=4, keywords="吃饭,午餐"),
    Item(
        "SH007",
        "陪同就医",
        "陪同行动不便居民到医院就诊、取报告。",
        ("医疗护理", "驾驶"),
        resolution_hours=12,
        record_category=Rec.HEALTH,
        attributes=(
            Attr("hospital", "就诊医院", required=True),
            Attr("appointment_time", "预约就诊时间", "datetime", True, "格式如 2026-03-01T09:00:00+08:00"),
        ),
    ),
    Item(
        "SH008",
        "出行接送",
        "为老人、残疾人提供就医、办事出行接送。",
        ("驾驶",),
        resolution_hours=12,
        attributes=(
            Attr("destination", "目的地", required=True),
            Attr("wheelchair", "是否需要轮椅", "singlevaluelist", values=YES_NO),
        ),
    ),
    Item("SH009", "搬运重物", "帮助搬运家具、煤气罐等重物。", resolution_hours=8),
    Item("SH010", "电脑手机使用指导", "指导使用智能手机、电脑、网上办事。", ("电脑操作",), resolution_hours=72),
    Item("SH011", "上门理发", "为行动不便居民上门理发。", ("理发",), resolution_hours=72),
    Item("SH012", "衣物缝补", "衣物缝补、改衣等便民服务。", resolution_hours=72),
    Item("SH013", "家庭保洁", "为困难家庭做简单的家庭卫生清扫。", resolution_hours=48),
    Item(
        "SH014",
        "燃气异味协助",
        "闻到燃气异味时协助开窗通风、联系燃气公司，确保人员撤离。",
        ("应急救护",),
        arrival=15,
        resolution_hours=2,
        specialty=Sp.FIRST_AID,
        assignee=A.STATION,
        record_category=Rec.EMERGENCY,
        auto_dispatch=True,
    ),
    Item(
        "SH015",
        "走失人员寻找",
        "协助寻找走失老人、儿童，联系派出所。",
        arrival=15,
        resolution_hours=12,
        assignee=A.TEAM,
        specialty=Sp.SAFETY,
        record_category=Rec.SAFETY,
    ),
    Item(
        "SH016",
        "雨雪天气除冰",
        "清除楼道口、通道积雪结冰，防止滑倒。",
        resolution_hours=8,
        assignee=A.TEAM,
        record_category=Rec.ENVIRONMENT,
    ),
    Item("SH017", "代缴水电燃气费", "代为缴纳水费、电费、燃气费。", resolution_hours=48),
    Item("SH018", "快递代收代寄", "为独居老人代收、代寄快递包裹。", resolution_hours=48),
    Item(
        "SH019",
        "防汛物资搬运",
        "汛期沙袋、挡水板等物资搬运。",
        arrival=20,
        resolution_hours=6,
        assignee=A.TEAM,
        specialty=Sp.SAFETY,
        record_category=Rec.EMERGENCY,
    ),
    Item(
        "SH020",
        "倒伏树木清理",
        "清理影响通行的倒伏树木、树枝。",
        resolution_hours=12,
        assignee=A.TEAM,
        record_category=Rec.ENVIRONMENT,
    ),
    Item(
        "SH021",
        "楼道杂物清理",
        "清理楼道堆放杂物，消除消防隐患。",
        resolution_hours=48,
        record_category=Rec.ENVIRONMENT,
    ),
    Item(
        "SH022",
        "紧急送医协助",
        "突发疾病时协助呼叫120、现场急救和护送。",
        ("应急救护",),
        arrival=10,
        resolution_hours=2,
        specialty=Sp.FIRST_AID,
        record_category=Rec.EMERGENCY,
        auto_dispatch=True,
    ),
    Item(
        "SH023", "代取药品", "到药店、医院代取常用药品。", ("医疗护理",), resolution_hours=8, record_category=Rec.HEALTH
    ),
    Item("SH024", "开锁求助协调", "钥匙遗失时协助联系正规开锁服务并核实身份。", resolution_hours=4),
    Item(
        "SH025",
        "文明劝导",
        "对乱停车、乱扔垃圾等行为进行文明劝导。",
        resolution_hours=24,
        record_category=Rec.CIVILISATION,
    ),
)
