"""Webhooks, after the Standard Webhooks specification (https://www.standardwebhooks.com):
which events a receiver of each role may get, what a message says, how it is signed,
when a failed delivery is tried again, and which receiver addresses are accepted.

No I/O here: the storage adapter keeps endpoints, messages and attempts; the delivery
service sends them; this module decides.

A message is the JSON object ``{"type", "timestamp", "data"}``. Its signature is
``v1,`` and the base64 HMAC-SHA256, under the endpoint's secret, of
``"{webhook-id}.{webhook-timestamp}.{body}"``; ``webhook-signature`` holds one such
signature for each secret in force (two during the grace period after a rotation),
separated by spaces. A secret is given to its receiver once, as ``whsec_`` and the
base64 of its bytes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# ------------------------------------------------------------------ event types

# A source learns of disputes on its records and of their decisions: the events that
# already make a notice to it (``/v1/source/notices``).
RECORD_DISPUTE_FILED = "record.dispute_filed"
RECORD_DISPUTE_DECIDED = "record.dispute_decided"
# A lender learns that a subject whose opt-in score it read withdrew a consent (docs/
# design.md section 9): what it read under it can no longer be asked for. A partner node
# learns that this node published a bundle of one of its lists (section 10), to pull.
CONSENT_WITHDRAWN = "consent.withdrawn"
LIST_BUNDLE_PUBLISHED = "list.bundle_published"

EVENT_TYPES = (RECORD_DISPUTE_FILED, RECORD_DISPUTE_DECIDED, CONSENT_WITHDRAWN, LIST_BUNDLE_PUBLISHED)

# Which event types a receiver of each role may subscribe to. Only these roles register
# endpoints.
RECEIVES: Mapping[str, frozenset[str]] = {
    "source": frozenset({RECORD_DISPUTE_FILED, RECORD_DISPUTE_DECIDED}),
    "lender": frozenset({CONSENT_WITHDRAWN}),
    "node": frozenset({LIST_BUNDLE_PUBLISHED}),
}


def consent_withdrawn_data(subject: str, scorecard: str, on: dt.date, withdrawal: str) -> dict[str, Any]:
    """What a lender that read the subject's opt-in score is told of a withdrawal: whose,
    of which scorecard, from when, and the withdrawal's event id. The lender knows the
    subject already (it asked for the score); nothing else of the subject is sent."""
    return {"subject": subject, "scorecard": scorecard, "on": on.isoformat(), "event": withdrawal}


def bundle_published_data(node: str, list_id: str, as_of: dt.date, entries: int) -> dict[str, Any]:
    """What a partner node is told of a bundle published here: which list, as of when,
    how many entries, and where to pull it (with its ``node`` token). No subject: the
    bundle itself is pulled, and each pull is in every listed subject's access log."""
    return {
        "node": node,
        "list": list_id,
        "as_of": as_of.isoformat(),
        "entries": entries,
        "pull": f"/v1/federation/lists/{list_id}?as_of={as_of.isoformat()}",
    }


# The notices to a source that are also sent as webhooks, by notice kind.
FROM_SOURCE_NOTICE: Mapping[str, str] = {
    "dispute_filed": RECORD_DISPUTE_FILED,
    "dispute_decided": RECORD_DISPUTE_DECIDED,
}

# What a source's webhook carries of its notice's fields: the facts of its own record
# and of the dispute. The subject is not named (a source notice does not name it
# either), and no free text (grounds, reasons) is sent: free text is erasable at rest
# (crypto-shredding) and a copy in someone else's message store would outlive that.
# The receiver reads the notice itself, reasons included, at /v1/source/notices.
SOURCE_FIELDS = (
    "record",
    "rule",
    "catalog_version",
    "reference",
    "source",
    "occurred_on",
    "decided_on",
    "effective_on",
    "expires_on",
    "ends_on",
    "on",
    "decide_by",
    "suspended",
    "outcome",
    "list",
)


class WebhookRefused(ValueError):
    """A registration that does not fit: names the field and the value."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def subscribable(role: str) -> frozenset[str]:
    """The event types a receiver of ``role`` may get (none: it may not register)."""
    return RECEIVES.get(role, frozenset())


def chosen_types(role: str, asked: Iterable[str] | None) -> tuple[str, ...]:
    """The event types an endpoint of ``role`` gets: those ``asked`` (every one the role
    may get when None), refused with the first that the role may not get."""
    allowed = subscribable(role)
    if not allowed:
        raise WebhookRefused("role", f"a {role} token cannot register webhooks")
    if asked is None:
        return tuple(sorted(allowed))
    chosen = tuple(sorted(set(asked)))
    if not chosen:
        raise WebhookRefused("types", "name at least one event type, or leave the field out for all of them")
    for each in chosen:
        if each not in allowed:
            raise WebhookRefused(
                "types", f"{each!r} is not an event type a {role} receives (it receives {', '.join(sorted(allowed))})"
            )
    return chosen


# ------------------------------------------------------------------ receivers

MAX_URL = 2000
# Enabled endpoints one owner may have: each message is written once per endpoint, so
# an owner's endpoints multiply what every event costs.
MAX_ENDPOINTS = 10


def receiver_url(url: str, http_hosts: Iterable[str] = ()) -> str:
    """``url`` if a webhook may be sent to it: https (plain http only to ``http_hosts``,
    a deployment's setting for tests on loopback), a host, no credentials, no fragment.
    A host written as a loopback or private address is refused unless allowed too; the
    address a name resolves to is not checked here: see docs/api.md on SSRF."""
    if len(url) > MAX_URL:
        raise WebhookRefused("url", f"longer than {MAX_URL} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WebhookRefused("url", f"{url!r} is not a URL ({error})") from None
    del port
    if parts.scheme not in ("https", "http"):
        raise WebhookRefused("url", f"{url!r} is not an https:// address")
    if not parts.hostname:
        raise WebhookRefused("url", f"{url!r} names no host")
    if parts.username is not None or parts.password is not None:
        raise WebhookRefused("url", "an address with credentials in it is refused: the signature authenticates us")
    if parts.fragment:
        raise WebhookRefused("url", f"{url!r} has a fragment (#...), which is never sent")
    allowed = set(http_hosts)
    if parts.scheme == "http" and parts.hostname not in allowed:
        raise WebhookRefused("url", f"{url!r} is not an https:// address (plain http only to the hosts allowed)")
    if loopback_or_private(parts.hostname) and parts.hostname not in allowed:
        raise WebhookRefused("url", f"{parts.hostname!r} is this machine or a private network: not a receiver")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise WebhookRefused("url", "the address holds spaces or control characters")
    return url


def loopback_or_private(host: str) -> bool:
    """Whether ``host`` is an IP address literal of this machine or a private network
    (refused as a receiver unless allowed: a webhook must not be a way into the inside)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


# ------------------------------------------------------------------ messages

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24


def secret_text(key: bytes) -> str:
    """The secret as its receiver is given it: ``whsec_`` and the base64 of the key."""
    return SECRET_PREFIX + base64.b64encode(key).decode()


def source_data(fields: Mapping[str, Any], notice: str, event: str | None) -> dict[str, Any]:
    """The ``data`` of a source's webhook for its notice ``notice``, from the
    notice's fields, with the id of the ledger event (dispute filing or decision)."""
    data = {name: fields[name] for name in SOURCE_FIELDS if name in fields}
    data["event"] = event
    data["notice"] = notice
    return data


def message_body(event_type: str, at: dt.datetime, data: Mapping[str, Any]) -> bytes:
    """The body of a message, as sent on every attempt (the same bytes each time)."""
    document = {"type": event_type, "timestamp": at.astimezone(dt.UTC).isoformat(timespec="seconds"), "data": data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def signature(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,`` signature of a message sent at ``timestamp`` (seconds since the epoch)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(keys: Iterable[bytes], message_id: str, at: dt.datetime, body: bytes) -> dict[str, str]:
    """The headers of one attempt: id, timestamp and a signature under each key."""
    timestamp = int(at.timestamp())
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(key, message_id, timestamp, body) for key in keys),
    }


# ------------------------------------------------------------------ retries

# After the n-th failed attempt the next is made this long later; after the last one the
# message is given up. Each wait is stretched or shrunk by up to a tenth (jitter), so that
# the messages of one outage do not all come back at the same second.
RETRY_AFTER = (
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
    dt.timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
JITTER = 0.1
TIMEOUT = 10.0  # seconds a receiver has to answer an attempt
# How long the secret before a rotation still signs messages beside the new one.
ROTATION_GRACE = dt.timedelta(hours=24)

DELIVERED = "delivered"
FAILED = "failed"  # tried again later
GIVEN_UP = "given_up"


def succeeded(status: int | None) -> bool:
    """A 2xx answer is a delivery; anything else (a redirect too) is a failure."""
    return status is not None and 200 <= status < 300


def retry_in(attempt: int, draw: float) -> dt.timedelta | None:
    """How long after the ``attempt``-th failed attempt the next one is made (``draw``,
    in [0, 1), picks the jitter), or None: the message is given up."""
    if attempt >= MAX_ATTEMPTS:
        return None
    wait = RETRY_AFTER[attempt - 1]
    return wait * (1 - JITTER + 2 * JITTER * draw)


@dataclass(frozen=True)
class Attempt:
    """One attempt to deliver a message, as its receiver's owner sees it."""

    message: str
    endpoint: str
    type: str
    attempt: int
    at: str
    status: int | None
    outcome: str
    error: str | None
    next_attempt_at: str | None


@dataclass(frozen=True)
class Endpoint:
    """A receiver registered by one token owner (its name and role)."""

    id: str
    owner_role: str
    owner_name: str
    url: str
    types: tuple[str, ...]
    created_at: str
    disabled_at: str | None
    secret_rotated_at: str | None

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True)
class DueMessage:
    """A message whose next attempt is due, with what it takes to make it: the
    receiver's address, the secrets in force and the attempts made so far."""

    id: str
    endpoint: str
    type: str
    url: str
    body: bytes
    keys: tuple[bytes, ...]
    attempts: int
