"""One JSON request to a provider with the standard library (no SDK, no new dependency)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from redvest.core.sms.base import SmsError


def http_json(*, url: str, method: str, headers: dict[str, str], body: bytes | None, timeout: float) -> Any:
    """The decoded JSON answer, also for an HTTP error status (providers put their error code in the body);
    SmsError("network") when nothing usable came back."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SmsError("network", str(exc)) from exc
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SmsError("bad_response", raw[:200].decode("utf-8", "replace")) from exc
