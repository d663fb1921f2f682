"""Where apps above records take part in its work; each registers from its AppConfig.ready()."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from redvest.core.hooks import Hook

if TYPE_CHECKING:
    from redvest.records.models import ServiceRecord
    from redvest.volunteers.models import Volunteer

# A service record entered the ledger (inside record_append's transaction). Registered: points (the
# record earns points, or a reversal takes back what the reversed record earned).
record_appended: Hook[[ServiceRecord], Any] = Hook("records.record_appended")

# "My data" download: extra sections (title → rows) placed after the service records. Registered:
# points (积分流水).
my_data_sections: Hook[[Volunteer], dict[str, list[dict[str, Any]]]] = Hook("records.my_data_sections")
