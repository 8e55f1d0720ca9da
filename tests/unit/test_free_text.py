"""Masking identity numbers in free text before it is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.domain.free_text import mask_identity_numbers
from xinyong.domain.identifiers import rid_check_character

pytestmark = pytest.mark.unit


@st.composite
def identity_numbers(draw) -> str:
    region = draw(st.integers(110000, 659999))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)))
    sequence = draw(st.integers(0, 999))
    first17 = f"{region:06d}{born:%Y%m%d}{sequence:03d}"
    return first17 + rid_check_character(first17)


words = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="0123456789０１２３４５６７８９"), max_size=30
)


@given(identity_numbers(), words, words)
def test_an_identity_number_anywhere_in_a_text_is_masked_to_its_last_four(number, before, after):
    masked = mask_identity_numbers(f"{before} {number} {after}")
    assert number not in masked
    assert "*" * 14 + number[-4:] in masked


@given(identity_numbers())
def test_a_mistyped_check_character_is_still_masked(number):
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert wrong not in mask_identity_numbers(f"ID {wrong}")


@given(words)
def test_text_without_a_long_run_of_digits_is_unchanged(text):
    assert mask_identity_numbers(text) == text


@given(identity_numbers(), words)
def test_masking_twice_changes_nothing_more(number, text):
    once = mask_identity_numbers(f"{text}{number}")
    assert mask_identity_numbers(once) == once


@pytest.mark.parametrize(
    "typed",
    [
        "110105 19491231 002X",
        "110105-19491231-002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "身份证号11010519491231002X。",
    ],
)
def test_numbers_as_people_type_them_are_masked(typed):
    assert "**************002X" in mask_identity_numbers(typed)


@pytest.mark.parametrize(
    "kept", ["phone 13800138000", "order 1101051949123100231", "case 2024-000017", "amount 9999999999999999999"]
)
def test_other_numbers_are_kept(kept):
    assert mask_identity_numbers(kept) == kept
