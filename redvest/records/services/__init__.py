"""Writes to the service-time ledger and certificates. Import from here: `redvest.records.services.<name>`.

`record_append` is the one way an entry enters the ledger; `record_post_attendance` is what the
activities app calls when a stay closes.
"""

# Who may correct a record or review an anomaly is decided in records.access (re-exported here).
from redvest.records.access import may_change_record, may_review_anomaly
from redvest.records.services.anomalies import anomaly_resolve, anomaly_settle_for_attendance
from redvest.records.services.calendar import (
    calendar_days_set,
    holiday_year_confirm,
    holiday_year_create,
    holiday_year_import,
)
from redvest.records.services.certificates import certificate_issue, certificate_revoke
from redvest.records.services.disputes import dispute_open, dispute_review
from redvest.records.services.grants import (
    evidence_check,
    honour_grant,
    likely_duplicate_grant,
    makeup_deadline,
    makeup_record,
    similar_deed,
)
from redvest.records.services.ledger import (
    MAX_MINUTES_PER_DAY,
    Correction,
    anomaly_flag,
    clipped_minutes,
    effective_records_q,
    record_append,
    record_correct,
    record_current,
    record_post_attendance,
)
from redvest.records.services.mydata import MyDataFile, my_data_collect, my_data_export
from redvest.records.services.partitions import LedgerPartitions, ledger_partitions_ensure
from redvest.records.services.proposals import (
    CorrectionOutcome,
    approval_anchor,
    correction_approve,
    correction_propose,
    correction_reject,
    correction_submit,
)
from redvest.records.services.stars import star_levels_clear, star_levels_set

__all__ = [
    "LedgerPartitions",
    "ledger_partitions_ensure",
    "calendar_days_set",
    "holiday_year_confirm",
    "holiday_year_create",
    "holiday_year_import",
    "MyDataFile",
    "my_data_collect",
    "my_data_export",
    "MAX_MINUTES_PER_DAY",
    "Correction",
    "CorrectionOutcome",
    "anomaly_flag",
    "anomaly_resolve",
    "anomaly_settle_for_attendance",
    "approval_anchor",
    "certificate_issue",
    "certificate_revoke",
    "clipped_minutes",
    "correction_approve",
    "correction_propose",
    "correction_reject",
    "correction_submit",
    "dispute_open",
    "dispute_review",
    "effective_records_q",
    "evidence_check",
    "honour_grant",
    "likely_duplicate_grant",
    "makeup_deadline",
    "makeup_record",
    "may_change_record",
    "may_review_anomaly",
    "record_append",
    "record_correct",
    "record_current",
    "record_post_attendance",
    "similar_deed",
    "star_levels_clear",
    "star_levels_set",
]
