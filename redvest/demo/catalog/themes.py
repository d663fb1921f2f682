"""Quarterly themes set by the county (seed 000: one a quarter) and the work that carries them."""

from __future__ import annotations

from typing import Final

from redvest.activities.models import ServiceCategory as C
from redvest.demo.catalog.base import Idea, Organiser
from redvest.demo.catalog.base import idea as _i

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


def themed_fits(organiser: Organiser, work: Idea) -> bool:
    """A county unit takes up the quarter's theme in its own trade: themed safety work (检查电线、燃气) only
    where the unit does safety work itself (the police, the fire brigade), never the hospital."""
    if organiser.kind != "unit" or work.category != C.SAFETY:
        return True
    return any(own.category == C.SAFETY for own in organiser.ideas)


def allowed_titles(organiser: Organiser) -> set[str]:
    return {i.title for i in organiser.ideas} | {i.title for pool in THEMED.values() for i in pool}
