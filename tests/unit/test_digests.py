"""Digest columns: hex text to the code, 32 raw bytes to the database (migration 0012),
and nothing else accepted on the way in."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy.dialects import sqlite

from xinyong.adapters.storage.digests import DigestValueError, HexDigest, digest_bytes

pytestmark = pytest.mark.unit

DIGEST = hashlib.sha256(b"rid:110101199003074514").hexdigest()


def test_a_digest_is_stored_as_its_32_bytes_and_read_back_as_the_same_hex():
    column = HexDigest()
    stored = column.process_bind_param(DIGEST, sqlite.dialect())
    assert stored == bytes.fromhex(DIGEST) and len(stored) == 32
    assert column.process_result_value(stored, sqlite.dialect()) == DIGEST
    assert column.process_bind_param(None, sqlite.dialect()) is None
    assert column.process_result_value(None, sqlite.dialect()) is None


@pytest.mark.parametrize(
    "value,said",
    [
        (DIGEST.upper(), "64 characters"),  # would be read back in lower case: its MAC would not verify
        (DIGEST[:-2], "62 characters"),
        (DIGEST[:-1] + "g", "64 characters"),
        (DIGEST[:30] + "  " + DIGEST[32:], "64 characters"),  # bytes.fromhex would skip the spaces
        ("", "0 characters"),
        (bytes.fromhex(DIGEST), "bytes"),
    ],
)
def test_a_value_that_is_not_a_lower_case_hex_digest_is_refused_without_being_shown(value, said):
    with pytest.raises(DigestValueError, match=f"expected a digest of 64 lower-case hex digits, got {said}") as error:
        digest_bytes(value)
    if isinstance(value, str) and value:
        assert value not in str(error.value)
