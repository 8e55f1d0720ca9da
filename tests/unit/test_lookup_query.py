"""What a public search box query is looked up as (xinyong.domain.lookup): a code typed
any way people type it is the code, and names compare after NFKC and case folding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.identifiers import USCC_ALPHABET, credit_code
from xinyong.domain.lookup import LookupQuery, code_prefix, fold_name, lookup_query

pytestmark = pytest.mark.unit

codes = st.text(USCC_ALPHABET, min_size=17, max_size=17).map(credit_code)
# What people put between a code's characters: nothing, spaces (ASCII, ideographic,
# no-break), hyphens of every width, a middle dot.
separators = st.sampled_from(["", "", "", " ", "  ", "\u3000", "\u00a0", "-", "\uff0d", "\u2010", "\u2013", "·"])


def full_width(char: str) -> str:
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char


@st.composite
def typed(draw: st.DrawFn, code: str) -> str:
    """``code`` as someone might type it: each character in either case, half- or
    full-width, with separators between, around it, and perhaps after ``uscc:``."""
    out = [draw(st.sampled_from(["", "uscc:", "USCC:", "ｕｓｃｃ：", " "]))]
    for char in code:
        char = char.lower() if draw(st.booleans()) else char
        out.append(full_width(char) if draw(st.booleans()) else char)
        out.append(draw(separators))
    return "".join(out)


@given(st.data(), codes)
def test_a_code_typed_any_way_is_the_code(data, code):
    text = data.draw(typed(code))
    assert code_prefix(text) == code
    assert lookup_query(text).code == code


@given(st.data(), codes, st.integers(1, 17))
def test_the_start_of_a_code_typed_any_way_is_the_start_of_the_code(data, code, length):
    assert code_prefix(data.draw(typed(code[:length]))) == code[:length]


@given(st.text())
def test_a_code_prefix_is_ascii_letters_and_digits_in_upper_case_and_normalises_to_itself(text):
    found = code_prefix(text)
    if found is not None:
        assert 1 <= len(found) <= 18 and found.isascii() and found.isalnum() and found == found.upper()
        assert code_prefix(found) == found


@pytest.mark.parametrize("text", ["", "  ", "-", "公司", "ACME 公司", "9137 0000 0000 0000 0000", "rid:3710", "a%b"])
def test_what_cannot_begin_a_code_is_no_code(text):
    assert code_prefix(text) is None


@given(st.text())
def test_a_folded_name_folds_to_itself(text):
    folded = fold_name(text)
    assert fold_name(folded) == folded
    assert folded == folded.strip() and "  " not in folded


@given(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_a_name_typed_full_width_or_in_another_case_folds_as_typed_half_width(text):
    assert fold_name("".join(full_width(c) for c in text.upper())) == fold_name(text.lower())


@given(st.data(), st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1))
def test_part_of_a_name_typed_full_width_in_upper_case_is_found_in_the_folded_name(data, name):
    start = data.draw(st.integers(0, len(name) - 1))
    part = name[start : data.draw(st.integers(start + 1, len(name)))]
    typed = "".join(full_width(c) for c in part.upper()).replace(" ", "\u3000")
    assert lookup_query(typed).name in fold_name(name)


def test_a_query_holding_a_nul_byte_matches_nothing():
    assert lookup_query("acme\x00") == LookupQuery("", None)
    assert lookup_query("acme\x00").empty and not lookup_query("acme").empty
