"""What each kind of organiser in the demo county runs, where, and what the quarter's theme adds.

Seed 000: a 县直单位 sends its in-service party members to its paired community (在职党员进社区) and
runs what its trade is good at (医院义诊, 司法局法律咨询, 农业局科技下乡 in villages); 专业服务队 work
in their specialty; 先锋队/突击队 attack the county's campaign; seed 002: grid teams patrol and visit
their own community, floating-member teams serve at the town's service centre. Each quarter has one
theme (000: 学雷锋, 治水剿劣当先锋, 红色七月·党旗飘扬, …) and part of the quarter's work carries it.

Templates take {org} (the organiser's name), {where} (the community or village it serves),
{town}, {point} (the unit's own service point) and {grid}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from redvest.activities.models import ServiceCategory as C

# Tally names (成效统计项) with their units; the county sets them once.
TALLY_UNITS: Final = {"清理垃圾": "千克", "巡逻": "次", "劝导": "人次", "入户宣传": "户"}


@dataclass(frozen=True)
class Idea:
    title: str
    category: str
    description: str
    place: str
    hours: tuple[int, ...] = (2, 3, 4)
    served: tuple[int, int] = (20, 80)  # 受益人数
    tallies: tuple[str, ...] = ()


def _i(title: str, category: str, description: str, place: str, **kw: object) -> Idea:
    return Idea(title, category, description, place, **kw)  # type: ignore[arg-type]


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

VANGUARD: Final[dict[str, tuple[Idea, ...]]] = {
    "城市管理综治攻坚队": (
        _i(
            "占道经营劝导",
            C.CIVILISATION,
            "{org}党员在{town}老街劝导占道经营、规范停车。",
            "{town}老街",
            tallies=("劝导",),
        ),
        _i(
            "背街小巷环境整治",
            C.COMMUNITY,
            "{org}党员清理{where}背街小巷的卫生死角。",
            "{where}背街小巷",
            hours=(3,),
            tallies=("清理垃圾",),
        ),
    ),
    "治水剿劣突击队": DOMAIN["environment"],
    "文明创建先锋队": (
        _i(
            "文明城市创建测评点位整治",
            C.CIVILISATION,
            "{org}党员对照测评标准整治{where}的公益广告和环境卫生。",
            "{where}",
            hours=(3,),
            tallies=("清理垃圾",),
        ),
        _i(
            "文明城市创建入户宣传",
            C.CIVILISATION,
            "{org}党员入户宣传文明城市创建知识。",
            "{where}",
            tallies=("入户宣传",),
        ),
    ),
    "美丽城镇攻坚队": (
        _i(
            "美丽城镇·违章搭建劝拆",
            C.CIVILISATION,
            "{org}党员协助{town}对违章搭建开展劝导。",
            "{town}",
            tallies=("劝导",),
        ),
    ),
    "文明交通先锋队": (
        _i(
            "文明交通劝导",
            C.CIVILISATION,
            "{org}党员在{town}主要路口劝导行人和电动自行车文明出行。",
            "{town}主要路口",
            tallies=("劝导",),
        ),
    ),
}
CORPS: Final = (
    _i(
        "县直机关党员集中服务日",
        C.COMMUNITY,
        "{org}组织各支队党员到{where}集中开展政策咨询、义诊、义修。",
        "{where}党群服务中心",
        hours=(3, 4),
        served=(80, 200),
    ),
)
YOUTH: Final = (
    _i(
        "关爱留守儿童·周末课堂",
        C.CULTURE_EDUCATION,
        "{org}团员为{where}留守儿童开设周末课堂，辅导作业、陪伴阅读。",
        "{where}新时代文明实践站",
        served=(10, 30),
    ),
    _i(
        "青春志愿·图书馆服务",
        C.CULTURE_EDUCATION,
        "{org}团员在县图书馆整理图书、引导读者。",
        "长兴县图书馆",
        served=(50, 150),
    ),
    _i(
        "青春志愿·文明交通引导",
        C.CIVILISATION,
        "{org}团员在{town}公交站点引导乘客文明候车。",
        "{town}公交站点",
        tallies=("劝导",),
    ),
)
FLOATING: Final = (
    _i(
        "流动党员家电义修",
        C.COMMUNITY,
        "{org}党员在{town}便民服务中心为居民义务维修小家电。",
        "{town}便民服务中心",
        served=(20, 60),
    ),
    _i(
        "城乡互助·外来务工人员政策咨询",
        C.COMMUNITY,
        "{org}党员在{town}便民服务中心为外来务工人员解答社保、子女入学问题。",
        "{town}便民服务中心",
        served=(15, 50),
    ),
)
GRID: Final = (
    _i(
        "网格平安巡查",
        C.SAFETY,
        "{org}在{grid}巡查消防通道、排查安全隐患。",
        "{grid}",
        served=(0, 0),
        tallies=("巡逻",),
    ),
    _i(
        "网格入户走访",
        C.COMMUNITY,
        "{org}入户走访{grid}住户，收集居民诉求。",
        "{grid}",
        served=(20, 60),
        tallies=("入户宣传",),
    ),
    _i(
        "楼道邻里互助",
        C.COMMUNITY,
        "{org}帮助{grid}的高龄老人搬运重物、代购生活用品。",
        "{grid}",
        served=(5, 15),
    ),
)
FREE: Final[dict[str, tuple[Idea, ...]]] = {
    "银发先锋小组": (
        _i(
            "银发先锋·楼道邻里互助",
            C.ELDERLY_DISABLED,
            "{org}老党员帮助{where}高龄邻居代购、陪诊。",
            "{where}",
            served=(5, 15),
        ),
    ),
    "邻里守望小组": (
        _i(
            "邻里守望·独居老人探访",
            C.ELDERLY_DISABLED,
            "{org}探访{where}独居老人，检查水电煤安全。",
            "{where}",
            served=(5, 15),
        ),
    ),
    "夜间巡河小分队": (
        _i(
            "夜间巡河",
            C.ENVIRONMENT,
            "{org}沿{where}周边河道夜间巡查偷排、劝导垂钓。",
            "{where}周边河道",
            served=(0, 0),
            tallies=("巡逻", "劝导"),
        ),
    ),
    "农家书屋志愿组": (
        _i(
            "农家书屋周末开放",
            C.CULTURE_EDUCATION,
            "{org}在{where}农家书屋值守，陪留守儿童阅读。",
            "{where}农家书屋",
            served=(10, 40),
        ),
    ),
}

# Quarterly themes set by the county (seed 000: one theme a quarter) and the work that carries them.
THEMES: Final[dict[int, tuple[str, str, str]]] = {
    1: ("学雷锋", "学雷锋·文明创建志愿服务季", "以3·5学雷锋纪念日为契机，开展便民服务和文明劝导。"),
    2: ("治水剿劣", "治水剿劣当先锋", "党员志愿者认领河道，巡河护水、清理河面漂浮物。"),
    3: ("红色七月", "红色七月·党旗飘扬", "七月党员志愿服务活动月，走访老党员，党员亮身份服务群众。"),
    4: ("冬季暖心", "党员先锋冬季暖心行动", "围绕助老、护水、平安三件实事，每支服务队本季度至少开展两次集中服务。"),
}
THEMED: Final[dict[int, tuple[Idea, ...]]] = {
    1: (
        _i(
            "学雷锋·便民服务集市",
            C.COMMUNITY,
            "学雷锋纪念日，{org}党员志愿者在{where}义诊、义修、政策咨询。",
            "{where}党群服务中心",
            hours=(3,),
            served=(60, 200),
        ),
    ),
    2: (
        _i(
            "治水剿劣·河道保洁",
            C.ENVIRONMENT,
            "{org}党员志愿者沿{where}周边河道打捞漂浮物、巡查排污口。",
            "{where}周边河道",
            hours=(3, 4),
            served=(0, 0),
            tallies=("清理垃圾", "巡逻"),
        ),
        _i(
            "治水剿劣·护水宣传",
            C.ENVIRONMENT,
            "{org}党员志愿者入户宣传{where}河长制和护水公约。",
            "{where}",
            tallies=("入户宣传",),
        ),
    ),
    3: (
        _i(
            "红色七月·走访慰问老党员",
            C.ELDERLY_DISABLED,
            "七一前后，{org}党员志愿者走访{where}的老党员和困难党员，送去慰问。",
            "{where}",
            served=(5, 20),
        ),
        _i(
            "红色七月·党员亮身份服务",
            C.COMMUNITY,
            "党员志愿服务活动月，{org}党员佩戴党徽在{where}开展便民服务。",
            "{where}党群服务中心",
            served=(30, 100),
        ),
    ),
    4: (
        _i(
            "冬季暖心·走访慰问困难群众",
            C.POVERTY,
            "{org}党员志愿者走访{where}困难家庭和独居老人，送去棉被和米油。",
            "{where}",
            served=(6, 20),
        ),
        _i(
            "冬季暖心·独居老人家中安全检查",
            C.SAFETY,
            "{org}党员志愿者为{where}独居老人检查电线、燃气和取暖设备。",
            "{where}",
            served=(6, 20),
            tallies=("入户宣传",),
        ),
    ),
}
THEME_SHARE: Final = 0.35
# The months a quarter's themed work falls in: 学雷锋 in March, 红色七月 in July, the others all quarter.
THEME_MONTHS: Final[dict[int, tuple[int, ...]]] = {1: (3,), 2: (4, 5, 6), 3: (7,), 4: (10, 11, 12)}


@dataclass(frozen=True)
class Organiser:
    """Who runs a team's activities and where they serve."""

    kind: str  # "unit" | "town" | "community"
    name: str  # the unit, town or community
    where: str  # the community or village served
    town: str
    point: str = ""
    grid: str = ""
    ideas: tuple[Idea, ...] = ()

    def fill(self, text: str) -> str:
        return text.format(org=self.name, where=self.where, town=self.town, point=self.point, grid=self.grid)


def unit_ideas(unit: str, specialty: str = "") -> tuple[Idea, ...]:
    """A specialist team works in its specialty; a 支队 in its trade (if any) and 进社区."""
    if specialty:
        return DOMAIN[specialty]
    domain = UNIT_DOMAINS.get(unit)
    return (DOMAIN[domain] if domain else ()) + UNIT_COMMON


def allowed_titles(organiser: Organiser) -> set[str]:
    return {i.title for i in organiser.ideas} | {i.title for pool in THEMED.values() for i in pool}
