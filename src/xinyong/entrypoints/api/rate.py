"""Rate limits on the public lookup: a token bucket per client address, per process.

Each client may make ``burst`` requests at once and ``rate`` a second after that; a
request over the limit is told how long to wait. The buckets live in the process (a
deployment with several server processes allows each client that much per process),
and the least recently seen clients are forgotten beyond ``max_clients``.

Each answer of a limited route tells the client its quota in the ``RateLimit-Policy``
and ``RateLimit`` fields of draft-ietf-httpapi-ratelimit-headers (structured fields):
the policy ``"public";q=BURST;w=SECONDS`` (a full bucket, refilled in ``w`` seconds)
and ``"public";r=REMAINING;t=SECONDS`` (requests left now, seconds until the bucket
is full again)."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from xinyong.settings import Rate

POLICY = "public"


@dataclass(frozen=True)
class Quota:
    """One request taken from a bucket: ``wait`` (None: allowed, else the seconds before
    the next request would be), the whole requests left, and the seconds until the
    bucket is full again."""

    wait: float | None
    remaining: int
    reset: int


class RateLimiter:
    """Token buckets keyed by client."""

    def __init__(self, rate: Rate, max_clients: int = 100_000, clock=time.monotonic):
        self.rate = rate
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str) -> float | None:
        """Take one request from ``client``'s bucket: ``None`` if allowed, otherwise the
        seconds to wait before the next request would be."""
        return self.take_quota(client).wait

    def policy(self) -> str | None:
        """The ``RateLimit-Policy`` field (None when there is no limit)."""
        if not self.rate.limited:
            return None
        return f'"{POLICY}";q={self.rate.burst};w={max(1, math.ceil(self.rate.burst / self.rate.per_second))}'

    @staticmethod
    def field(quota: Quota) -> str:
        """The ``RateLimit`` field of one answer."""
        return f'"{POLICY}";r={quota.remaining};t={quota.reset}'

    def take_quota(self, client: str) -> Quota:
        """Take one request from ``client``'s bucket, and what is left of it."""
        if not self.rate.limited:
            return Quota(None, 0, 0)
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.pop(client, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - at) * self.rate.per_second)
            if tokens >= 1:
                tokens -= 1
                wait = None
            else:
                wait = (1 - tokens) / self.rate.per_second
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        reset = math.ceil((self.rate.burst - tokens) / self.rate.per_second)
        return Quota(wait, int(tokens), reset)
