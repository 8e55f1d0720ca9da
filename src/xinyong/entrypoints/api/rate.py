"""Rate limits on the public lookup: a token bucket per client address, per process.

Each client may make ``burst`` requests at once and ``rate`` a second after that; a
request over the limit is told how long to wait. The buckets live in the process (a
deployment with several server processes allows each client that much per process),
and the least recently seen clients are forgotten beyond ``max_clients``."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """``per_second`` requests a second, ``burst`` at once; a ``per_second`` of 0 is no limit."""

    per_second: float = 10.0
    burst: int = 60

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``RATE`` or ``RATE/BURST`` (``10``, ``10/60``, ``0.5/5``); ``0`` turns the limit off."""
        rate_text, _, burst_text = text.strip().partition("/")
        try:
            per_second = float(rate_text)
            burst = int(burst_text) if burst_text else max(1, math.ceil(per_second))
        except ValueError:
            raise ValueError(
                f"{text!r} is not a rate: write REQUESTS_PER_SECOND or REQUESTS_PER_SECOND/BURST, e.g. '10/60'"
            ) from None
        if not math.isfinite(per_second) or per_second < 0 or burst < 1:
            raise ValueError(f"{text!r} is not a rate: the rate must be 0 or more and the burst 1 or more")
        return cls(per_second, burst)

    @property
    def limited(self) -> bool:
        return self.per_second > 0

    def __str__(self) -> str:
        return f"{self.per_second:g}/{self.burst}" if self.limited else "0 (no limit)"


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
        if not self.rate.limited:
            return None
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
        return wait
