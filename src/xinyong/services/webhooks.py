"""Webhooks: token owners register receivers for the events they may get, rotate their
secrets and read every attempt made to deliver to them; the background rounds deliver
what is due, signed, and try again with backoff (``xinyong.domain.webhooks``).

Only an endpoint's owner (the token's name and role) sees or changes it: to anyone
else it does not exist."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from xinyong.domain.access import Reader
from xinyong.domain.webhooks import (
    DELIVERED,
    FAILED,
    GIVEN_UP,
    MAX_ENDPOINTS,
    Attempt,
    DueMessage,
    Endpoint,
    chosen_types,
    headers,
    receiver_url,
    retry_in,
    secret_text,
    succeeded,
)


class WebhookStore(Protocol):
    """Where endpoints, messages and attempts are kept (``adapters.storage.webhooks``)."""

    grace: dt.timedelta  # how long a secret signs beside the one that replaced it

    def register(
        self, owner_role: str, owner_name: str, url: str, types: tuple[str, ...], now: dt.datetime | None = None
    ) -> tuple[Endpoint, bytes]: ...
    def of_owner(self, owner_role: str, owner_name: str) -> list[Endpoint]: ...
    def owned(self, endpoint_id: str, owner_role: str, owner_name: str) -> Endpoint | None: ...
    def rotate(self, endpoint_id: str, now: dt.datetime | None = None) -> bytes: ...
    def disable(self, endpoint_id: str, now: dt.datetime | None = None) -> None: ...
    def due(self, now: dt.datetime | None = None, limit: int = 200) -> list[DueMessage]: ...
    def log_attempt(
        self,
        message_id: str,
        attempt: int,
        at: dt.datetime,
        status: int | None,
        outcome: str,
        error: str | None,
        next_attempt_at: dt.datetime | None,
    ) -> None: ...
    def attempts(self, endpoint_id: str, limit: int = 500) -> list[Attempt]: ...


class Unreachable(Exception):
    """The receiver did not answer (refused, timed out, no such host); the message says why."""


class Sender(Protocol):
    """Sends one attempt (``xinyong.adapters.webhook_http``): returns the HTTP status,
    or raises :class:`Unreachable`. Follows no redirect."""

    def post(self, url: str, body: bytes, headers: dict[str, str], /) -> int: ...


class UnknownEndpoint(LookupError):
    """No endpoint of that id is the caller's."""


class EndpointDisabled(ValueError):
    """The endpoint was disabled: it is not changed any more."""


class TooManyEndpoints(ValueError):
    """The owner has as many enabled endpoints as it may have."""


@dataclass(frozen=True)
class Registered:
    endpoint: Endpoint
    secret: str  # whsec_...: shown this once


@dataclass(frozen=True)
class Rotated:
    endpoint: str
    secret: str  # whsec_...: shown this once
    previous_valid_until: dt.datetime


@dataclass
class WebhookReport:
    delivered: int = 0
    failed: int = 0
    given_up: int = 0
    deferred: int = 0  # due, but not tried: their endpoint failed earlier in the round


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Webhooks:
    def __init__(self, store: WebhookStore, http_hosts: Iterable[str] = ()):
        self.store = store
        # Hosts a receiver may be reached on by plain http (tests on loopback).
        self.http_hosts = frozenset(http_hosts)

    def register(self, who: Reader, url: str, types: Iterable[str] | None) -> Registered:
        """A new endpoint for ``who``; refused (``WebhookRefused``, naming the field) for
        a role that receives nothing, an event type it may not get, or an address that
        is not a receiver's; ``TooManyEndpoints`` beyond ``MAX_ENDPOINTS``. Nothing is
        written when refused."""
        chosen = chosen_types(who.role, types)
        url = receiver_url(url, self.http_hosts)
        if sum(e.enabled for e in self.store.of_owner(who.role, who.name)) >= MAX_ENDPOINTS:
            raise TooManyEndpoints(
                f"at most {MAX_ENDPOINTS} enabled webhook endpoints for one owner: disable one first"
            )
        endpoint, key = self.store.register(who.role, who.name, url, chosen)
        return Registered(endpoint, secret_text(key))

    def endpoints(self, who: Reader) -> list[Endpoint]:
        return self.store.of_owner(who.role, who.name)

    def _own(self, who: Reader, endpoint_id: str) -> Endpoint:
        found = self.store.owned(endpoint_id, who.role, who.name)
        if found is None:
            raise UnknownEndpoint(f"no webhook endpoint {endpoint_id!r} of yours")
        return found

    def rotate(self, who: Reader, endpoint_id: str, now: dt.datetime | None = None) -> Rotated:
        """A new secret for the caller's endpoint (returned once); the old one keeps
        signing beside it for the grace period."""
        endpoint = self._own(who, endpoint_id)
        if not endpoint.enabled:
            raise EndpointDisabled(f"webhook endpoint {endpoint_id!r} was disabled at {endpoint.disabled_at}")
        now = now or _now()
        key = self.store.rotate(endpoint.id, now)
        return Rotated(endpoint.id, secret_text(key), now + self.store.grace)

    def disable(self, who: Reader, endpoint_id: str) -> Endpoint:
        """Stop sending to the caller's endpoint; disabling it again changes nothing."""
        endpoint = self._own(who, endpoint_id)
        if endpoint.enabled:
            self.store.disable(endpoint.id)
        return self._own(who, endpoint_id)

    def attempts(self, who: Reader, endpoint_id: str) -> list[Attempt]:
        return self.store.attempts(self._own(who, endpoint_id).id)

    def deliver(
        self,
        sender: Sender,
        now: dt.datetime | None = None,
        draw: Callable[[], float] = random.random,
    ) -> WebhookReport:
        """Make every attempt due at ``now``: each signed at ``now`` with the endpoint's
        secrets in force, logged, and on failure planned again after the backoff of
        ``xinyong.domain.webhooks.retry_in`` (``draw`` picks the jitter), or given up."""
        now = now or _now()
        report = WebhookReport()
        # An endpoint that failed once in a round is not tried again in that round: its
        # other due messages wait for the next one, so that a receiver that does not
        # answer (10 s each) holds up neither the others nor the round.
        failing: set[str] = set()
        for message in self.store.due(now):
            if message.endpoint in failing:
                report.deferred += 1
                continue
            attempt = message.attempts + 1
            status: int | None = None
            error: str | None = None
            try:
                status = sender.post(message.url, message.body, headers(message.keys, message.id, now, message.body))
            except Unreachable as failure:
                error = str(failure)[:500]
            if succeeded(status):
                self.store.log_attempt(message.id, attempt, now, status, DELIVERED, None, None)
                report.delivered += 1
                continue
            failing.add(message.endpoint)
            if error is None:
                error = f"the receiver answered HTTP {status}"
            wait = retry_in(attempt, draw())
            if wait is None:
                self.store.log_attempt(message.id, attempt, now, status, GIVEN_UP, error, None)
                report.given_up += 1
            else:
                self.store.log_attempt(message.id, attempt, now, status, FAILED, error, now + wait)
                report.failed += 1
        return report
