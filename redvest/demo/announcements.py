"""Demo 群公告: two notices the demo team's leader posted to its members, the pinned one already read by
the demo volunteer and the newer one not yet, so 未读群公告 shows on the volunteer's workbench.

Posted and marked read through the teams services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from redvest.teams import services
from redvest.teams.services import AnnouncementData

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.teams.models import Team, TeamAnnouncement

PINNED = AnnouncementData(
    title="队员须知：活动签到与服务时长",
    body=(
        "各位队员：参加活动请在现场扫码签到、签退，服务时长以签到记录为准，当天未签到的请在三日内向联络员说明。"
        "参加活动请穿红马甲、戴袖标，未领取的到县民政局服务点找管理员登记领取。"
    ),
    pinned=True,
)
LATEST = AnnouncementData(
    title="本周六金陵社区联户走访安排",
    body=(
        "本周六上午9点在金陵社区党群服务中心集合，分组走访联系户，重点了解独居老人、困难家庭近况，"
        "走访后请在“我的联系户”中记录联系情况。请需要请假的队员提前告知联络员。"
    ),
)


def write_announcements(*, team: Team, leader: User, reader: User) -> list[TeamAnnouncement]:
    """The leader posts both notices (pinned first; an author has read their own); `reader` has read the pinned one only."""
    pinned = services.announcement_post(actor=leader, team=team, data=PINNED)
    latest = services.announcement_post(actor=leader, team=team, data=LATEST)
    services.announcement_mark_read(user=reader, announcement=pinned)
    return [pinned, latest]
