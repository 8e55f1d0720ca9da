"""First ring, issue 15: the public lookup's quota in the fields of
draft-ietf-httpapi-ratelimit-headers (``RateLimit-Policy``, ``RateLimit``)."""

from __future__ import annotations

from xinyong.entrypoints.api.rate import RateLimiter
from xinyong.settings import Rate


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_policy_is_the_burst_and_the_seconds_to_refill_it():
    assert RateLimiter(Rate(10, 60)).policy() == '"public";q=60;w=6'
    assert RateLimiter(Rate(0.5, 5)).policy() == '"public";q=5;w=10'


def test_no_limit_has_no_policy():
    assert RateLimiter(Rate(0, 1)).policy() is None


def test_each_request_says_what_is_left_and_when_the_bucket_is_full_again():
    clock = Clock()
    limiter = RateLimiter(Rate(1, 3), clock=clock)

    first, second, third, refused = (limiter.take_quota("a") for _ in range(4))

    assert [RateLimiter.field(q) for q in (first, second, third)] == [
        '"public";r=2;t=1',
        '"public";r=1;t=2',
        '"public";r=0;t=3',
    ]
    assert refused.wait == 1.0 and RateLimiter.field(refused) == '"public";r=0;t=3'
    clock.now += 2
    assert RateLimiter.field(limiter.take_quota("a")) == '"public";r=1;t=2'
