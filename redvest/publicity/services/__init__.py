"""Writes: commitments and follow-ups, exemplars and their publishing, training and attendance."""

from redvest.publicity.services.commitments import (
    CommitmentData,
    commitment_create,
    commitment_follow_up,
    commitment_update,
)
from redvest.publicity.services.exemplars import (
    ExemplarData,
    PhotoIn,
    exemplar_add_photos,
    exemplar_create,
    exemplar_publish,
    exemplar_submit,
    exemplar_unpublish,
    exemplar_update,
    photos_check,
)
from redvest.publicity.services.exports import (
    TRAINING_HOURS_EXPORT,
    TRAINING_HOURS_LABEL,
    training_hours_export_request,
)
from redvest.publicity.services.training import (
    MarkResult,
    SessionData,
    attendance_mark,
    training_enrol,
    training_session_create,
)

__all__ = [
    "TRAINING_HOURS_EXPORT",
    "TRAINING_HOURS_LABEL",
    "training_hours_export_request",
    "CommitmentData",
    "ExemplarData",
    "MarkResult",
    "PhotoIn",
    "SessionData",
    "attendance_mark",
    "commitment_create",
    "commitment_follow_up",
    "commitment_update",
    "exemplar_add_photos",
    "exemplar_create",
    "exemplar_publish",
    "exemplar_submit",
    "exemplar_unpublish",
    "exemplar_update",
    "photos_check",
    "training_enrol",
    "training_session_create",
]
