"""For the apps' export tests: ask for an export from its page, let the task run (the test task backend is
immediate), follow the progress fragment and download the file as the user would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from redvest.dashboards.models import DataExport


def queued_export(
    client: Client, capture: Callable[..., Any], url: str, *, fmt: str = "xlsx", data: dict[str, Any] | None = None
) -> tuple[DataExport, bytes]:
    with capture(execute=True):
        page = client.post(url, {"format": fmt, **(data or {})})
    assert page.status_code == 200, page.content.decode()[:500]
    export = DataExport.objects.latest("pk")
    status_url = reverse("dashboards:export-status", args=[export.pk])
    assert f'hx-get="{status_url}"' in page.content.decode()
    status = client.get(status_url)
    assert status.status_code == 200 and "下载文件" in status.content.decode(), status.content.decode()
    download = client.get(reverse("dashboards:export-download", args=[export.pk]))
    assert download.status_code == 200
    export.refresh_from_db()
    return export, b"".join(download.streaming_content)  # type: ignore[attr-defined]  # a FileResponse
