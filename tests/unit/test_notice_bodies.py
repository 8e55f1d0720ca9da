"""A notice's body is compressed losslessly before it is sealed, with a preset
dictionary that never changes once released; bodies written as plain JSON still read,
and a body in no known format is refused with a clear error."""

from __future__ import annotations

import hashlib
import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.adapters.storage.notice_bodies import DICTIONARY_1, NoticeBodyError, pack, unpack

pytestmark = pytest.mark.unit

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)

RECORD_NOTICE = {
    "subject": "rid:371082195001010019",
    "key": "notice.record.new",
    "fields": {
        "record": "b11-00000001",
        "rule": "rongcheng-personal/traffic.ticket",
        "rule_title": "A traffic violation ticket",
        "legal_basis": "Rongcheng Municipal Measures on Personal Creditworthiness Scores; Road Traffic Safety Law",
        "catalog_version": "2022.1",
        "points": -5,
        "source": "bench-source",
        "reference": "REF-1",
        "occurred_on": "2024-10-05",
        "decided_on": "2024-10-20",
        "effective_on": "2024-11-04",
        "expires_on": "2025-02-04",
        "ends_on": "2025-02-04",
        "repairable_from": "2024-11-04",
        "dispute_before_effect_until": "2024-11-03",
        "dispute_window": "closed",
    },
    "lines": ["notice.record.window.closed", "notice.how_to_dispute"],
}


@given(st.dictionaries(st.text(), JSON_VALUES, max_size=8))
def test_any_json_object_packs_and_unpacks_to_itself(body):
    packed = pack(body)
    assert packed[:1] == b"\x01"
    unpacked = unpack(packed)
    assert unpacked == body
    assert json.dumps(unpacked) == json.dumps(body)  # the same keys, in the same order


@given(st.dictionaries(st.text(), JSON_VALUES, max_size=8))
def test_a_body_sealed_as_plain_json_reads_as_before(body):
    assert unpack(json.dumps(body).encode()) == body
    assert unpack(json.dumps(body, ensure_ascii=False).encode()) == body


def test_a_record_notice_packs_to_a_fraction_of_its_json():
    text = json.dumps(RECORD_NOTICE, separators=(",", ":")).encode()
    assert len(pack(RECORD_NOTICE)) < len(zlib.compress(text, 9)) * 2 // 3 < len(text) // 2


def test_the_dictionary_of_format_1_never_changes():
    """Every body of format 1 is read with this dictionary: a change makes them all
    unreadable. A new dictionary is a new format, with a new marker byte."""
    digest = hashlib.sha256(DICTIONARY_1).hexdigest()
    assert digest == "bc36490d66a5185e85aece8d18901f3e2ae2104b81b52609325ab23b33a3c648"
    assert len(DICTIONARY_1) <= 12 * 1024  # the compressor's window (16 KiB) holds it and a body


@pytest.mark.parametrize(
    ("plaintext", "problem"),
    [
        (b"", "begins with byte none"),
        (b"\x02abc", "begins with byte 02"),
        (b"[1, 2]", "begins with byte 5b"),
        (b"\x01not deflate", "does not inflate"),
        (pack(RECORD_NOTICE)[:-3], "truncated"),
        (pack(RECORD_NOTICE) + b"more", "bytes after its end"),
    ],
)
def test_a_body_in_no_known_format_is_refused_clearly(plaintext, problem):
    with pytest.raises(NoticeBodyError, match=problem):
        unpack(plaintext)


def test_a_body_that_is_not_an_object_is_refused():
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, DICTIONARY_1)
    with pytest.raises(NoticeBodyError, match="not a JSON object"):
        unpack(b"\x01" + compressor.compress(b"[1,2]") + compressor.flush())
