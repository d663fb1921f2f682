"""县直单位: their 支队 go into their paired community (在职党员进社区) and run what their trade is good at
(医院义诊, 司法局法律咨询, 农业局科技下乡 in villages); 专业服务队 work in their specialty."""

from __future__ import annotations

from typing import Final

from redvest.activities.models import ServiceCategory as C
from redvest.demo.catalog.base import Idea
from redvest.demo.catalog.base import idea as _i

# 县直单位支队: 在职党员进社区 and the unit's own service window.
UNIT_COMMON: Final = (
    _i(
        "在职党员进社区·楼道环境整治",
        C.COMMUNITY,
        "{org}在职党员到结对的{where}清理楼道堆物和小广告，整治小区环境。",
        "{where}",
        tallies=("清理垃圾",),
    ),
    _i(
        "文明城市创建入户宣传",
        C.CIVILISATION,
        "{org}党员走进结对的{where}，入户宣传文明城市创建知识，发放倡议书。",
        "{where}党群服务中心",
        tallies=("入户宣传",),
    ),
    _i(
        "垃圾分类桶边督导",
        C.ENVIRONMENT,
        "{org}党员在{where}垃圾投放点值守，指导居民分类投放。",
        "{where}垃圾分类投放点",
        tallies=("劝导",),
    ),
    _i(
        "结对走访困难家庭",
        C.POVERTY,
        "{org}党员到结对的{where}走访困难家庭，了解需求、送去慰问品。",
        "{where}",
        served=(5, 20),
    ),
    _i(
        "窗口便民服务",
        C.COMMUNITY,
        "{org}党员在本单位党员志愿服务点为办事群众提供咨询、引导和代办。",
        "{point}",
        served=(30, 120),
    ),
)
# By the unit's trade (the specialty its 专业服务队 carries, or the domain in UNIT_DOMAINS).
DOMAIN: Final[dict[str, tuple[Idea, ...]]] = {
    "medical": (
        _i(
            "健康义诊进社区",
            C.HEALTH,
            "{org}医护党员在{where}为居民测血压血糖、解答用药问题。",
            "{where}党群服务中心",
            hours=(3, 4),
            served=(40, 150),
        ),
        _i(
            "慢病随访上门服务",
            C.HEALTH,
            "{org}医护党员上门随访{where}行动不便的慢病老人，指导合理用药。",
            "{where}",
            served=(8, 25),
        ),
        _i(
            "健康知识讲座",
            C.HEALTH,
            "{org}医护党员在{where}讲授高血压、糖尿病防治知识。",
            "{where}党群服务中心",
            served=(30, 80),
        ),
    ),
    "legal": (
        _i(
            "法律咨询进社区",
            C.LEGAL,
            "{org}党员在{where}设摊解答婚姻家庭、劳动争议、邻里纠纷等法律问题。",
            "{where}党群服务中心",
            served=(15, 60),
        ),
        _i(
            "民法典宣讲",
            C.LEGAL,
            "{org}党员到{where}宣讲民法典中与群众生活密切相关的条文。",
            "{where}党群服务中心",
            served=(30, 90),
        ),
        _i(
            "邻里纠纷调解",
            C.LEGAL,
            "{org}党员协同{where}调解委员会化解邻里纠纷。",
            "{where}调解室",
            served=(4, 12),
        ),
    ),
    "safety": (
        _i(
            "反诈宣传进社区",
            C.SAFETY,
            "{org}党员在{where}讲解电信网络诈骗常见手法，帮助居民安装反诈软件。",
            "{where}党群服务中心",
            served=(40, 120),
            tallies=("入户宣传",),
        ),
        _i(
            "平安巡防",
            C.SAFETY,
            "{org}党员在{where}开展夜间治安巡防。",
            "{where}",
            hours=(3, 4),
            served=(0, 0),
            tallies=("巡逻",),
        ),
        _i(
            "平安护学执勤",
            C.SAFETY,
            "{org}党员在上下学高峰时段到{town}中心小学门口护学执勤。",
            "{town}中心小学校门口",
            hours=(2,),
            served=(200, 600),
            tallies=("劝导",),
        ),
    ),
    "environment": (
        _i(
            "河道巡查护水",
            C.ENVIRONMENT,
            "{org}党员沿{where}周边河道巡查排污口、打捞漂浮物。",
            "{where}周边河道",
            hours=(3, 4),
            served=(0, 0),
            tallies=("清理垃圾", "巡逻"),
        ),
        _i(
            "生态环保宣传",
            C.ENVIRONMENT,
            "{org}党员在{where}宣传节能减排和生态文明知识。",
            "{where}党群服务中心",
            served=(30, 80),
            tallies=("入户宣传",),
        ),
    ),
    "education": (
        _i(
            "四点半课堂辅导",
            C.CULTURE_EDUCATION,
            "{org}党员教师为{where}双职工家庭的孩子辅导作业。",
            "{where}四点半课堂",
            served=(15, 40),
        ),
        _i(
            "平安护学执勤",
            C.SAFETY,
            "{org}党员在上下学高峰时段到{town}中心小学门口护学执勤。",
            "{town}中心小学校门口",
            hours=(2,),
            served=(200, 600),
            tallies=("劝导",),
        ),
    ),
    "culture": (
        _i(
            "文化惠民·送戏下乡",
            C.CULTURE_EDUCATION,
            "{org}党员和文艺骨干到{where}文化礼堂演出越剧、小品。",
            "{where}文化礼堂",
            hours=(3, 4),
            served=(80, 300),
        ),
        _i(
            "农家书屋图书整理",
            C.CULTURE_EDUCATION,
            "{org}党员为{where}农家书屋整理、更新图书。",
            "{where}农家书屋",
            served=(10, 40),
        ),
    ),
    "agriculture": (
        _i(
            "科技下乡·农技指导",
            C.CULTURE_EDUCATION,
            "{org}党员农技员到{where}田间地头指导春耕、病虫害防治。",
            "{where}田间",
            hours=(3, 4),
            served=(15, 50),
        ),
        _i(
            "农产品助销",
            C.POVERTY,
            "{org}党员帮助{where}农户对接销售渠道，直播助销农产品。",
            "{where}村委会",
            served=(10, 30),
        ),
    ),
    "first_aid": (
        _i(
            "应急救护培训进社区",
            C.EMERGENCY,
            "{org}持证救护员在{where}教授心肺复苏和AED使用。",
            "{where}党群服务中心",
            hours=(3,),
            served=(20, 60),
        ),
        _i(
            "防汛防台应急值守",
            C.EMERGENCY,
            "{org}党员在{where}协助排查危旧房、转移群众。",
            "{where}",
            hours=(4, 6),
            served=(10, 60),
            tallies=("巡逻",),
        ),
    ),
    "elderly": (
        _i(
            "银龄关爱·独居老人上门服务",
            C.ELDERLY_DISABLED,
            "{org}党员上门为{where}高龄独居老人送餐、打扫卫生、陪伴聊天。",
            "{where}",
            hours=(3, 4),
            served=(6, 20),
        ),
        _i(
            "助老理发义剪",
            C.ELDERLY_DISABLED,
            "{org}党员在{where}为老人免费理发。",
            "{where}党群服务中心",
            served=(15, 40),
        ),
        _i(
            "养老政策上门宣讲",
            C.ELDERLY_DISABLED,
            "{org}党员上门向{where}老人讲解高龄津贴、居家养老服务补贴的申领。",
            "{where}",
            served=(10, 30),
        ),
    ),
    "tax": (
        _i(
            "税费政策进企业",
            C.LEGAL,
            "{org}党员到{town}小微企业讲解减税降费政策，辅导网上办税。",
            "{town}小微企业园",
            served=(15, 50),
        ),
    ),
    "finance": (
        _i(
            "金融知识进万家",
            C.SAFETY,
            "{org}党员在{where}宣传防范非法集资和电信诈骗。",
            "{where}党群服务中心",
            served=(30, 100),
            tallies=("入户宣传",),
        ),
    ),
    "power": (
        _i(
            "铁军先锋·上门安全用电检查",
            C.SAFETY,
            "{org}党员上门为{where}困难家庭检查线路、更换老化插座。",
            "{where}",
            hours=(3,),
            served=(8, 25),
        ),
    ),
    "postal": (
        _i(
            "邮爱心·为空巢老人代办代寄",
            C.ELDERLY_DISABLED,
            "{org}党员投递员为{where}空巢老人代缴费用、代寄包裹。",
            "{where}",
            served=(8, 25),
        ),
    ),
}
# Units whose trade has a pool of its own; the specialist teams use their Specialty value.
UNIT_DOMAINS: Final[dict[str, str]] = {
    "县人民医院": "medical",
    "县中医院": "medical",
    "县妇幼保健院": "medical",
    "县卫生健康局": "medical",
    "县疾病预防控制中心": "medical",
    "县司法局": "legal",
    "县人民法院": "legal",
    "县人民检察院": "legal",
    "县公安局": "safety",
    "县消防救援大队": "safety",
    "县水利局": "environment",
    "县生态环境分局": "environment",
    "县教育局": "education",
    "长兴中学": "education",
    "县职业教育中心学校": "education",
    "县文化和广电旅游体育局": "culture",
    "县图书馆": "culture",
    "县文联": "culture",
    "县农业农村局": "agriculture",
    "县科协": "agriculture",
    "县气象局": "agriculture",
    "县供销合作社": "agriculture",
    "县红十字会": "first_aid",
    "县应急管理局": "first_aid",
    "县民政局": "elderly",
    "县残联": "elderly",
    "县老干部局": "elderly",
    "县税务局": "tax",
    "县财政局": "tax",
    "长兴农村商业银行": "finance",
    "国网长兴县供电公司": "power",
    "县邮政分公司": "postal",
}
# Domains that serve villages rather than urban communities.
VILLAGE_DOMAINS: Final = frozenset({"culture", "agriculture"})


def unit_ideas(unit: str, specialty: str = "") -> tuple[Idea, ...]:
    """A specialist team works in its specialty; a 支队 in its trade (if any) and 进社区."""
    if specialty:
        return DOMAIN[specialty]
    domain = UNIT_DOMAINS.get(unit)
    return (DOMAIN[domain] if domain else ()) + UNIT_COMMON
