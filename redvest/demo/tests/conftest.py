"""The demo county seeded once for the package's seed tests (`manage.py seed_demo` on the test database),
flushed afterwards. Modules that read it say `pytestmark = pytest.mark.usefixtures("seed_output")`."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package")
def seed_output(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        out = StringIO()
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)
