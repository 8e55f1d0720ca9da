"""The bytes a row's keyed hash covers do not depend on how they are built: every
column by name, each value encoded by its kind, so that rows written before verify
after (docs/decisions/0001)."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.adapters.storage import chain
from xinyong.adapters.storage.tables import access_log, deliveries, ledger, notices

pytestmark = pytest.mark.unit


# Columns added to a chained table after rows were written (the ledger's ``minor``,
# migration 0006): covered only where they hold a value, after the others, so that the
# rows written before still verify.
LATE = {"ledger": ("minor",)}


def _reference(table, row) -> bytes:
    late = LATE.get(table.name, ())
    names = [c.name for c in table.columns if c.name not in ("hash", "prev_hash", "mac", *late)]
    parts = [table.name, *(f"{name}={chain._encode(row.get(name))}" for name in names)]
    parts += [f"{name}={chain._encode(row[name])}" for name in late if row.get(name) is not None]
    return "\x1f".join(parts).encode()


@pytest.mark.parametrize(
    ("table", "row"),
    [
        (
            ledger,
            {
                "seq": 7,
                "kind": "record",
                "record_id": "tp-1",
                "subject_key": "ab" * 32,
                "rule": "c/r",
                "occurred_on": dt.date(2024, 3, 1),
                "body": '{"id":"tp-1","note":"中文"}',
                "sealed": b"\x01\x00\xff" * 30,
                "sealed_text": None,
                "fingerprint": "f" * 64,
                "submitted_by": None,
                "recorded_at": "2026-12-01T00:00:00.000000+00:00",
            },
        ),
        (
            ledger,
            {"seq": 1, "kind": "subject", "body": "{}", "sealed": bytearray(b"x"), "sealed_text": memoryview(b"y")},
        ),
        (ledger, {"seq": 8, "kind": "record", "record_id": "tp-2", "body": "{}", "minor": True}),
        (ledger, {"seq": 9, "kind": "record", "record_id": "tp-3", "body": "{}", "minor": False}),
        (notices, {"seq": 2, "id": "abc", "kind": "record", "sealed": b"", "source": ""}),
        (deliveries, {"seq": 3, "notice_seq": 2, "attempt": 0, "outcome": "sent", "channel": "email"}),
        (access_log, {"seq": 4, "subject_key": "k", "reader": "r", "role": "officer", "what": True, "at": "t"}),
    ],
)
def test_a_rows_payload_is_every_column_by_name_encoded_by_kind(table, row):
    assert chain.payload(table, row) == _reference(table, row)
