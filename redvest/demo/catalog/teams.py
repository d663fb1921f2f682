"""County and town teams: 先锋队/突击队 attack the county's campaign, the 县直机关 corps and the youth
league serve across the county, floating-member teams at the town's service centre, grid teams in their
own community, and free teams (银发先锋, 农家书屋…) in their own way."""

from __future__ import annotations

from typing import Final

from redvest.activities.models import ServiceCategory as C
from redvest.demo.catalog.base import Idea
from redvest.demo.catalog.base import idea as _i
from redvest.demo.catalog.units import DOMAIN

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
