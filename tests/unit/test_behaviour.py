"""The synthetic population's behaviour file: shipped with the package, checked by its
schema, with errors that name the file, the key and the value."""

from __future__ import annotations

from importlib.resources import files

import pytest

from xinyong.synthetic.behaviour import BEHAVIOUR_FILE, BehaviourFileError, load_behaviour, parse_behaviour

pytestmark = pytest.mark.unit


def _shipped() -> str:
    return files("xinyong.synthetic").joinpath(BEHAVIOUR_FILE).read_text(encoding="utf-8")


def test_the_shipped_behaviour_fits_its_schema_and_is_read_once():
    assert load_behaviour() is load_behaviour()
    assert [t.name for t in load_behaviour().tiers.person][:2] == ["casual-reward", "active-reward"]


def test_a_share_out_of_range_names_the_file_key_and_value():
    text = _shipped().replace("listed_share = 0.45", "listed_share = 4.5")
    with pytest.raises(BehaviourFileError) as raised:
        parse_behaviour(text, "my-behaviour.toml")
    message = str(raised.value)
    assert message.startswith("my-behaviour.toml: later.fulfilled.listed_share: ")
    assert "(got 4.5)" in message


def test_an_unknown_key_is_refused():
    text = _shipped().replace("[devoted]\n", "[devoted]\ncolour = 1\n")
    with pytest.raises(BehaviourFileError, match=r"behaviour.toml: devoted.colour: unknown key"):
        parse_behaviour(text)


def test_a_window_that_ends_before_it_begins_is_refused():
    text = _shipped().replace("days = [10, 200]", "days = [200, 10]")
    with pytest.raises(BehaviourFileError, match=r"later.annulled.days: a window ends \(10\) before it begins"):
        parse_behaviour(text)


def test_a_pool_that_does_not_exist_names_the_tier():
    text = _shipped().replace('pool = "severe"', 'pool = "dreadful"', 1)
    with pytest.raises(BehaviourFileError, match=r"tiers.person\[5\].pool: .*\(got 'dreadful'\)"):
        parse_behaviour(text)


def test_text_that_is_not_toml_names_the_file():
    with pytest.raises(BehaviourFileError, match=r"^elsewhere.toml: not valid TOML"):
        parse_behaviour("[devoted", "elsewhere.toml")
