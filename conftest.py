"""Suite-wide settings: immediate tasks, fast hashing, naive datetimes fail, missing template vars fail."""

from __future__ import annotations

import warnings

import pytest


def pytest_configure() -> None:
    warnings.filterwarnings("error", message=".*received a naive datetime.*", category=RuntimeWarning)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": settings.TASK_QUEUES}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NOTIFICATION_CHANNELS = ["redvest.core.notifications.ConsoleChannel"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "!!MISSING:%s!!"
