"""The stored form of a read model (xinyong.adapters.storage.read_models): two parts,
the first's length before them as a varint, which reads back as written whatever its
size, and a document cut short is refused rather than read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.adapters.storage.read_models import _read_varint, _varint

pytestmark = pytest.mark.unit


@given(st.integers(min_value=0, max_value=2**35 - 1), st.binary(max_size=8))
def test_a_length_reads_back_as_written_and_what_follows_it_is_untouched(value, after):
    blob = b"\x02" + _varint(value) + after
    assert _read_varint(blob, 1) == (value, len(blob) - len(after))


@pytest.mark.parametrize("value, size", [(0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (300_000, 3)])
def test_a_length_takes_a_byte_for_each_seven_bits(value, size):
    assert len(_varint(value)) == size


@given(st.integers(min_value=128, max_value=2**35 - 1))
def test_a_length_cut_short_is_refused(value):
    with pytest.raises(ValueError, match="cut short"):
        _read_varint(b"\x02" + _varint(value)[:-1], 1)
