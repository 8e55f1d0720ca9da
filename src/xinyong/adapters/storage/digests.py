"""Keyed digests (lookup keys, fingerprints, the chain's MACs) stored as their 32 raw
bytes, half the room of their hex text in every row and every index that holds them
(migration 0012), while the code above the database keeps handling them as the hex
text it always has: the chain's payloads, the row MACs and every comparison see the
same values as before, so that a database written before 0012 still verifies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

DIGEST_BYTES = 32


class DigestValueError(ValueError):
    """A value bound for a digest column that is not a digest in hex."""


def digest_bytes(value: str, column: str = "digest") -> bytes:
    """The raw bytes of ``value``, a SHA-256 digest in lower-case hex (64 digits); anything
    else is refused with an error that gives the value's length or type but not the value
    (a lookup key stands for a person)."""
    if type(value) is str and len(value) == 2 * DIGEST_BYTES:
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raw = b""
        # Lower case only: the value read back is lower-case hex, and the chain's MACs
        # cover the text as written, so that any other spelling would not verify once
        # stored. The round trip refuses upper case and spaces (fromhex takes both) in
        # a third of a regular expression's time: this runs for every digest written.
        if raw.hex() == value:
            return raw
    shown = f"{len(value)} characters" if isinstance(value, str) else type(value).__name__
    raise DigestValueError(f"{column}: expected a digest of 64 lower-case hex digits, got {shown}")


def bind_digest(value: str | None) -> bytes | None:
    """What a digest column stores of ``value``: its 32 bytes, or NULL for None. Bulk
    inserts call it directly (``chain.insert_many``), as the column's type would."""
    return None if value is None else digest_bytes(value)


class HexDigest(TypeDecorator[str]):
    """A digest column: hex text in Python, 32 bytes in the database (BLOB, BYTEA)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> bytes | None:
        return bind_digest(value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> str | None:
        return None if value is None else bytes(value).hex()
