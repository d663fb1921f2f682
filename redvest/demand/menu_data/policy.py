"""Menu rows: 政策咨询 (incl. 红色代办)."""

from __future__ import annotations

from typing import Final

from redvest.activities.models import ServiceCategory as Rec
from redvest.demand.menu_data._base import Item, errand
from redvest.demand.models import HandlingLevel as L
from redvest.teams.models import Specialty as Sp

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
    errand("ZC020", "红色代办：社保卡申领", "代为申领、补办社会保障卡。", ("身份证复印件", "一寸照片", "申领表")),
    errand(
        "ZC021",
        "红色代办：医保报销材料递交",
        "代为整理并递交医疗费用报销材料。",
        ("身份证复印件", "医疗费用发票", "出院小结", "社保卡"),
    ),
    errand(
        "ZC022",
        "红色代办：低保申请",
        "代为递交最低生活保障申请材料。",
        ("户口本", "身份证复印件", "家庭收入证明", "申请书"),
        resolution_hours=24 * 15,
    ),
    errand("ZC023", "红色代办：残疾证申领", "代为申领、换领残疾人证。", ("身份证复印件", "二寸照片", "医院诊断证明")),
    errand(
        "ZC024",
        "红色代办：计生奖励扶助",
        "代为申请独生子女父母奖励扶助。",
        ("户口本", "独生子女证", "身份证复印件"),
        keywords="计生,独生子女",
    ),
    errand(
        "ZC025",
        "红色代办：高龄津贴申领",
        "代为申领高龄老人生活津贴。",
        ("身份证复印件", "户口本", "银行卡复印件"),
        record_category=Rec.ELDERLY_DISABLED,
    ),
    errand("ZC026", "红色代办：居住证办理", "代为递交居住证办理材料。", ("身份证复印件", "租房合同", "一寸照片")),
)
