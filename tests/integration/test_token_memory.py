"""Tokens remembered per process (``xinyong.adapters.storage.tokens``): a token read from
the table is answered from memory for ``FRESH_FOR`` seconds, then read again, so that a
revocation made elsewhere (another process: here another book over the same database)
takes effect within that bound; the requests that find it stale together read the table
once."""

from __future__ import annotations

import threading

import pytest

from xinyong.adapters.storage.tokens import FRESH_FOR, TokenBook

pytestmark = pytest.mark.integration


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Counted(TokenBook):
    """The real book, counting its reads of the tokens table."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reads = 0

    def _read(self, secret):
        self.reads += 1
        return super()._read(secret)


def test_a_revocation_elsewhere_takes_effect_once_the_memory_is_stale(deployment):
    clock = Clock()
    book = Counted(deployment.store, clock=clock)
    elsewhere = TokenBook(deployment.store)  # another process's book
    info, secret = elsewhere.create("service-point", "sky-airline", ("air_travel",))
    assert book.reader(secret).token_id == info.id
    assert elsewhere.revoke(info.id)
    clock.now += FRESH_FOR / 2
    assert book.fresh(secret) is not None and book.reader(secret) is not None  # from memory
    assert book.reads == 1
    clock.now += FRESH_FOR / 2
    assert book.fresh(secret) is None
    assert book.reader(secret) is None
    assert book.reads == 2


def test_a_revocation_in_this_process_takes_effect_at_once(deployment):
    book = TokenBook(deployment.store)
    info, secret = book.create("officer", "Officer Li")
    assert book.reader(secret) is not None
    assert book.revoke(info.id)
    assert book.fresh(secret) is None and book.reader(secret) is None


def test_requests_finding_a_token_stale_together_read_the_table_once(deployment):
    clock = Clock()
    book = Counted(deployment.store, clock=clock)
    _info, secret = book.create("service-point", "sky-airline", ("air_travel",))
    assert book.reader(secret) is not None
    clock.now += FRESH_FOR
    start = threading.Barrier(16)
    found = []

    def ask() -> None:
        start.wait()
        found.append(book.reader(secret))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(found) == 16 and all(r is not None for r in found)
    assert book.reads == 2
