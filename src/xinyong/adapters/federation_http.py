"""Pulling a partner node's list bundle over HTTP: ``GET
{URL}/v1/federation/lists/{LIST}?as_of=DATE`` with the partner's ``node`` token."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request

from xinyong.services.unit_of_work import PullFailed

TIMEOUT = 30.0  # seconds
MAX_BUNDLE = 256 * 1024 * 1024  # bytes: a national list is large, but not larger


def fetch_bundle(url: str, token: str, list_id: str, as_of: dt.date) -> object:
    """The parsed JSON of the partner's bundle, or :class:`PullFailed` saying from where
    and why (the partner's problem detail, when it sent one)."""
    address = f"{url.rstrip('/')}/v1/federation/lists/{urllib.parse.quote(list_id)}?as_of={as_of.isoformat()}"
    request = urllib.request.Request(
        address, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            body = answer.read(MAX_BUNDLE + 1)
    except urllib.error.HTTPError as error:
        detail = ""
        with contextlib.suppress(ValueError, AttributeError):
            detail = json.loads(error.read() or b"{}").get("detail") or ""
        raise PullFailed(f"{address}: HTTP {error.code} {error.reason}" + (f": {detail}" if detail else "")) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise PullFailed(f"{address}: cannot reach the partner: {getattr(error, 'reason', error)}") from None
    if len(body) > MAX_BUNDLE:
        raise PullFailed(f"{address}: the bundle is larger than {MAX_BUNDLE} bytes")
    try:
        return json.loads(body)
    except ValueError:
        raise PullFailed(f"{address}: the answer is not JSON") from None
