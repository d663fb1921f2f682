"""What can go wrong with quarterly reports and circulars, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import Conflict


class ReportNotEditable(Conflict):
    code = "report_not_editable"
    default_message = "季报已报送，不能修改；被退回后可修改再报"


class ReportNotSubmitted(Conflict):
    code = "report_not_submitted"
    default_message = "季报尚未报送（或已审核），不能审核"


class CircularPublished(Conflict):
    code = "circular_published"
    default_message = "已发布的通报不能修改；如需更正，请新建更正版"
