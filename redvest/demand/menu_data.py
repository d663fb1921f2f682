"""The standard 96345 service menu: five categories, 120+ items (seed 003: 五大类120多项服务).

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
from redvest.teams.models import Specialty as Sp

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
CATEGORY_RECORD: Final = {
    C.LIFE: Rec.COMMUNITY,
    C.POLICY: Rec.COMMUNITY,
    C.DISPUTE: Rec.LEGAL,
    C.ELDERLY: Rec.ELDERLY_DISABLED,
    C.HARDSHIP: Rec.POVERTY,
}

ERRAND_STEPS: Final = ("受理登记", "材料初审", "代为递交", "跟踪办理", "结果送达")
ID_READY = Attr("id_ready", "申请人身份证件是否齐全", "singlevaluelist", True, values=YES_NO)


def _errand(code: str, name: str, description: str, documents: tuple[str, ...], **kw: Any) -> Item:
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

POLICY: Final = (
    Item(
        "ZC001",
        "社保政策咨询",
        "养老、失业、工伤等社会保险政策解答。",
        level=L.TOWN,
        resolution_hours=24,
        keywords="社保,养老保险",
    ),
    Item("ZC002", "医保政策咨询", "医保参保、报销比例、异地就医政策解答。", level=L.TOWN, keywords="医保,报销"),
    Item("ZC003", "低保救助政策咨询", "最低生活保障、特困供养政策解答。", level=L.TOWN),
    Item("ZC004", "残疾人补贴政策咨询", "残疾人两项补贴、康复救助政策解答。", level=L.TOWN),
    Item("ZC005", "就业创业政策咨询", "就业援助、创业补贴、贷款贴息政策解答。", level=L.TOWN),
    Item("ZC006", "住房保障政策咨询", "公租房、廉租房、住房补贴政策解答。", level=L.TOWN),
    Item("ZC007", "户籍办理咨询", "户口迁移、新生儿落户等办理流程解答。", level=L.TOWN),
    Item("ZC008", "婚姻登记咨询", "结婚、离婚登记所需材料和流程。", level=L.TOWN),
    Item("ZC009", "生育政策咨询", "生育登记、生育津贴、计生奖励政策解答。", level=L.TOWN, keywords="计生,生育"),
    Item("ZC010", "退役军人优待政策咨询", "退役军人及其家属优待、抚恤政策解答。", level=L.TOWN),
    Item(
        "ZC011",
        "入学政策咨询",
        "义务教育入学、转学、随迁子女就学政策解答。",
        level=L.TOWN,
        record_category=Rec.CULTURE_EDUCATION,
    ),
    Item("ZC012", "农业补贴政策咨询", "种粮补贴、农机购置补贴等政策解答。", ("农业技术",), level=L.TOWN),
    Item(
        "ZC013",
        "法律法规咨询",
        "日常法律问题解答，引导依法维权。",
        ("法律咨询",),
        level=L.TOWN,
        specialty=Sp.LEGAL,
        record_category=Rec.LEGAL,
    ),
    Item("ZC014", "税费政策咨询", "个人所得税、小微企业税费政策解答。", ("财务会计",), level=L.COUNTY),
    Item("ZC015", "公积金政策咨询", "住房公积金缴存、提取、贷款政策解答。", level=L.COUNTY),
    Item("ZC016", "不动产登记咨询", "房产过户、继承登记流程解答。", level=L.COUNTY),
    Item(
        "ZC017",
        "征地拆迁政策咨询",
        "征地补偿、安置政策解答。",
        ("法律咨询",),
        level=L.COUNTY,
        record_category=Rec.LEGAL,
    ),
    Item(
        "ZC018",
        "老年人优待政策咨询",
        "老年优待证、高龄津贴、免费乘车政策解答。",
        level=L.TOWN,
        record_category=Rec.ELDERLY_DISABLED,
    ),
    Item("ZC019", "网上办事指导", "指导使用浙里办等平台网上办理政务事项。", ("电脑操作",), level=L.COMMUNITY),
    _errand("ZC020", "红色代办：社保卡申领", "代为申领、补办社会保障卡。", ("身份证复印件", "一寸照片", "申领表")),
    _errand(
        "ZC021",
        "红色代办：医保报销材料递交",
        "代为整理并递交医疗费用报销材料。",
        ("身份证复印件", "医疗费用发票", "出院小结", "社保卡"),
    ),
    _errand(
        "ZC022",
        "红色代办：低保申请",
        "代为递交最低生活保障申请材料。",
        ("户口本", "身份证复印件", "家庭收入证明", "申请书"),
        resolution_hours=24 * 15,
    ),
    _errand("ZC023", "红色代办：残疾证申领", "代为申领、换领残疾人证。", ("身份证复印件", "二寸照片", "医院诊断证明")),
    _errand(
        "ZC024",
        "红色代办：计生奖励扶助",
        "代为申请独生子女父母奖励扶助。",
        ("户口本", "独生子女证", "身份证复印件"),
        keywords="计生,独生子女",
    ),
    _errand(
        "ZC025",
        "红色代办：高龄津贴申领",
        "代为申领高龄老人生活津贴。",
        ("身份证复印件", "户口本", "银行卡复印件"),
        record_category=Rec.ELDERLY_DISABLED,
    ),
    _errand("ZC026", "红色代办：居住证办理", "代为递交居住证办理材料。", ("身份证复印件", "租房合同", "一寸照片")),
)

DISPUTE: Final = (
    Item(
        "TJ001",
        "邻里纠纷调解",
        "邻里之间因通行、采光、噪音等引发的矛盾调解。",
        ("法律咨询",),
        level=L.COMMUNITY,
        arrival=60,
        resolution_hours=72,
        assignee=A.TEAM,
        attributes=(Attr("households", "涉及户数", "number", False, "填写数字"),),
    ),
    Item(
        "TJ002", "家庭矛盾调解", "夫妻、婆媳等家庭成员之间的矛盾调解。", ("心理疏导",), arrival=60, resolution_hours=72
    ),
    Item(
        "TJ003",
        "婚姻家庭纠纷调解",
        "离婚财产、子女抚养等婚姻家庭纠纷调解。",
        ("法律咨询",),
        level=L.TOWN,
        arrival=60,
        resolution_hours=168,
        assignee=A.TEAM,
        specialty=Sp.LEGAL,
    ),
    Item(
        "TJ004", "赡养纠纷调解", "子女不履行赡养义务引发的纠纷调解。", ("法律咨询",), arrival=60, resolution_hours=168
    ),
    Item(
        "TJ005",
        "物业纠纷调解",
        "业主与物业之间的收费、服务纠纷协调。",
        level=L.COMMUNITY,
        arrival=60,
        resolution_hours=168,
        assignee=A.STATION,
    ),
    Item(
        "TJ006",
        "劳资纠纷协调",
        "拖欠工资、劳动合同纠纷协调，引导劳动仲裁。",
        ("法律咨询",),
        level=L.TOWN,
        arrival=60,
        resolution_hours=168,
        assignee=A.TEAM,
        specialty=Sp.LEGAL,
    ),
    Item(
        "TJ007",
        "土地承包纠纷调解",
        "农村土地承包经营权纠纷调解。",
        ("法律咨询", "农业技术"),
        level=L.TOWN,
        arrival=120,
        resolution_hours=336,
    ),
    Item(
        "TJ008",
        "宅基地纠纷调解",
        "宅基地界址、使用权纠纷调解。",
        ("法律咨询",),
        level=L.TOWN,
        arrival=120,
        resolution_hours=336,
    ),
    Item(
        "TJ009",
        "消费纠纷协调",
        "购物、服务消费纠纷协调，引导投诉渠道。",
        level=L.COMMUNITY,
        arrival=60,
        resolution_hours=72,
    ),
    Item(
        "TJ010",
        "交通事故纠纷协调",
        "轻微交通事故赔偿协商协调。",
        ("法律咨询",),
        level=L.TOWN,
        arrival=30,
        resolution_hours=72,
        specialty=Sp.LEGAL,
    ),
    Item("TJ011", "噪音扰民协调", "装修、广场舞等噪音扰民问题协调。", arrival=30, resolution_hours=48),
    Item("TJ012", "停车矛盾协调", "小区停车位占用、乱停车矛盾协调。", arrival=30, resolution_hours=48),
    Item(
        "TJ013",
        "房屋租赁纠纷调解",
        "房东与租户之间的押金、维修纠纷调解。",
        ("法律咨询",),
        arrival=60,
        resolution_hours=168,
    ),
    Item(
        "TJ014",
        "债务纠纷咨询",
        "民间借贷纠纷的法律咨询与调解。",
        ("法律咨询",),
        level=L.TOWN,
        arrival=60,
        resolution_hours=168,
        specialty=Sp.LEGAL,
    ),
    Item(
        "TJ015",
        "医疗纠纷咨询",
        "医疗纠纷处理途径咨询，引导依法解决。",
        ("法律咨询", "医疗护理"),
        level=L.COUNTY,
        arrival=120,
        resolution_hours=168,
        specialty=Sp.LEGAL,
    ),
    Item("TJ016", "装修纠纷调解", "装修质量、工期纠纷协调。", arrival=60, resolution_hours=168),
    Item(
        "TJ017",
        "山林水利纠纷调解",
        "山林权属、用水灌溉纠纷调解。",
        ("农业技术",),
        level=L.TOWN,
        arrival=120,
        resolution_hours=336,
    ),
    Item(
        "TJ018",
        "法律援助申请协助",
        "协助符合条件的群众申请法律援助。",
        ("法律咨询",),
        level=L.COUNTY,
        arrival=120,
        resolution_hours=168,
        assignee=A.TEAM,
        specialty=Sp.LEGAL,
    ),
    Item(
        "TJ019",
        "心理疏导",
        "因矛盾纠纷产生情绪困扰的心理疏导。",
        ("心理疏导",),
        arrival=60,
        resolution_hours=72,
        record_category=Rec.HEALTH,
    ),
    Item(
        "TJ020",
        "校园矛盾协调",
        "学生之间、家校之间矛盾协调。",
        ("教育辅导", "心理疏导"),
        arrival=60,
        resolution_hours=72,
    ),
    Item("TJ021", "邻里漏水协调", "楼上漏水影响楼下等问题的协调处理。", ("家电维修",), arrival=30, resolution_hours=48),
    Item("TJ022", "宠物扰民协调", "犬只吠叫、宠物粪便等问题协调。", arrival=60, resolution_hours=72),
    Item("TJ023", "公共设施使用矛盾协调", "健身器材、公共空间使用矛盾协调。", arrival=60, resolution_hours=72),
    Item(
        "TJ024",
        "农民工工资追讨协助",
        "协助农民工依法追讨被拖欠工资。",
        ("法律咨询",),
        level=L.TOWN,
        arrival=60,
        resolution_hours=336,
        specialty=Sp.LEGAL,
    ),
)

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

HARDSHIP: Final = (
    Item("BF001", "困难家庭走访", "上门了解困难家庭实际需求并登记。", resolution_hours=72),
    _errand(
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
    _errand(
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

MENU: Final = LIFE + POLICY + DISPUTE + ELDERLY + HARDSHIP
