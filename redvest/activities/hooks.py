"""Where apps above activities take part in its work; each registers from its AppConfig.ready().

Called positionally, inside the caller's transaction (see `redvest.core.hooks`).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from redvest.core.hooks import Hook

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.activities.models import Activity, AnomalyKind, Attendance

# A stay needs the organiser's look (kind, stay, detail): no location, far from the site, a late offline
# sync, an auto-closed stay. Registered: records (an item in its anomaly review queue).
attendance_flagged: Hook[[AnomalyKind, Attendance, str], Any] = Hook("activities.attendance_flagged")

# An auto-closed stay was confirmed (actor, stay, corrected = the real check-out time was set, at), before
# it is posted. Registered: records (settles the stay's open auto-closed flags).
attendance_confirmed: Hook[[User, Attendance, bool, datetime.datetime], Any] = Hook("activities.attendance_confirmed")

# A stay closed with a check-out time (actor, stay): checked out, offline, by proxy, or an auto-closed stay
# confirmed. Registered: records (the stay becomes credit minutes, clipped to the activity window).
attendance_closed: Hook[[User | None, Attendance], Any] = Hook("activities.attendance_closed")

# The credit minutes shown beside stays: annotations (name → expression) for attendance querysets, so a
# list stays one query. Registered: records (`credit_minutes`, the credit entries linked to each stay).
attendance_annotations: Hook[[], dict[str, Any]] = Hook("activities.attendance_annotations")

# The credit minutes an activity's report shows. Registered: records (its credit entries' sum).
activity_credit_minutes: Hook[[Activity], int] = Hook("activities.activity_credit_minutes")
