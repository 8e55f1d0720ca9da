"""Rate limits on the public lookup: a token bucket per client address, per process.

Each client may make ``burst`` requests at once and ``rate`` a second after that; a
request over the limit is told how long to wait. The buckets live in the process (a
deployment with several server processes allows each client that much per process),
and the least recently seen clients are forgotten beyond ``max_clients``."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from xinyong.settings import Rate


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
