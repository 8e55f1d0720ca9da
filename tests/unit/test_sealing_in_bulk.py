"""Sealing many values at once (intake seals a batch's identities and notices in one
call) gives what sealing them one by one gives: each opens under its own context only,
and no two share a nonce."""

from __future__ import annotations

import pytest

from xinyong.adapters.storage.sealing import KeyError_, Sealer

pytestmark = pytest.mark.unit


def test_values_sealed_in_bulk_open_each_under_its_own_context():
    sealer = Sealer.for_tests(b"k" * 32)
    items = [(f"value {n}".encode(), f"row:{n}".encode()) for n in range(50)]
    sealed = sealer.seal_many(items)
    assert [sealer.open(blob, context) for blob, (_, context) in zip(sealed, items, strict=True)] == [
        plaintext for plaintext, _ in items
    ]
    with pytest.raises(KeyError_):
        sealer.open(sealed[0], items[1][1])


def test_values_sealed_in_bulk_have_distinct_nonces_and_name_their_key():
    sealer = Sealer.for_tests(b"k" * 32)
    sealed = sealer.seal_many([(b"same", b"same")] * 200)
    assert len({blob[9:21] for blob in sealed}) == 200
    assert {Sealer.sealed_key_id(blob) for blob in sealed} == {sealer.current_seal_key}
    assert sealer.seal_many([]) == []
