"""The synthetic population's names and places (``names.toml``): shipped with the
package, checked by its schema, with errors that name the file, the key and the value;
and the population drawn from them is the same for the same seed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib.resources import files
from pathlib import Path

import pytest

from xinyong.domain.catalog.files import read_catalog
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.identifiers import SubjectRef
from xinyong.synthetic.behaviour import NAMES_FILE, BehaviourFileError, load_names, parse_names
from xinyong.synthetic.population import iter_events

pytestmark = pytest.mark.unit

BASIC = Path(__file__).resolve().parents[1] / "conformance" / "basic"


def _shipped() -> str:
    return files("xinyong.synthetic").joinpath(NAMES_FILE).read_text(encoding="utf-8")


def test_the_shipped_names_fit_their_schema_and_are_read_once():
    names = load_names()
    assert names is load_names()
    assert names.persons.surnames.startswith("王李张")
    assert sorted(names.firms.places) == [1, 2, 3]
    assert names.addresses.home == "371082"


def test_a_malformed_address_code_names_the_file_key_and_value():
    text = _shipped().replace('home = "371082"', 'home = "37108"')
    with pytest.raises(BehaviourFileError) as raised:
        parse_names(text, "my-names.toml")
    assert str(raised.value).startswith("my-names.toml: addresses.home: ")
    assert "(got '37108')" in str(raised.value)


def test_a_latin_word_among_the_trade_names_names_its_position():
    text = _shipped().replace('"鸿运",', '"Fortune",', 1)
    with pytest.raises(BehaviourFileError, match=r"^names.toml: firms.trade_names\[1\]: .*\(got 'Fortune'\)"):
        parse_names(text)


def test_a_surname_listed_twice_is_refused():
    text = _shipped().replace('surnames = """\\\n王李', 'surnames = """\\\n王王李', 1)
    with pytest.raises(BehaviourFileError, match=r"persons.surnames: more than once: 王"):
        parse_names(text)


def test_a_depth_without_places_is_refused():
    text = _shipped().replace("\n1 = [", "\n4 = [", 1)
    with pytest.raises(BehaviourFileError, match=r"firms.places.4"):
        parse_names(text)


def test_an_unknown_key_is_refused():
    text = _shipped().replace("[addresses]\n", "[addresses]\ncountry = 'CN'\n")
    with pytest.raises(BehaviourFileError, match=r"names.toml: addresses.country: unknown key"):
        parse_names(text)


def test_text_that_is_not_toml_names_the_file():
    with pytest.raises(BehaviourFileError, match=r"^elsewhere.toml: not valid TOML"):
        parse_names("[persons", "elsewhere.toml")


# ------------------------------------------------------------------ the population

# The subject events of 300 persons and 40 organisations drawn with seed 2024 on the
# basic conformance catalogs, as they were drawn when the names were Python literals.
# A deliberate change of names.toml (or of how subjects are drawn) changes it.
SUBJECTS_DIGEST = "cb6fe9e7269a0a2d2940013ea853add3331a1a99431149f1a23cac845adba4fb"


def _subject_events(seed: int) -> list[dict]:
    registry = CatalogRegistry.of(read_catalog(p) for p in sorted(BASIC.glob("catalog-*.toml")))
    events = iter_events(registry, seed=seed, persons=300, organisations=40, end=dt.date(2026, 6, 30))
    return [e for e in events if e["type"] == "subject"]


def test_names_and_codes_come_from_the_file():
    names = load_names()
    subjects = _subject_events(2024)
    persons = [e for e in subjects if e["subject"].startswith("rid:")]
    firms = [e for e in subjects if e["subject"].startswith("uscc:")]
    assert all(e["name"][0] in names.persons.surnames for e in persons)
    assert all(any(e["name"].endswith(f.form) for f in names.firms.forms) for e in firms)
    codes = {
        names.addresses.home,
        *names.addresses.province,
        *(c for cs in names.addresses.outside.values() for c in cs),
    }
    assert all(SubjectRef.parse(e["subject"]).value[:6] in codes for e in persons)


def _digest(events: list[dict]) -> str:
    lines = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in events)
    return hashlib.sha256(lines.encode()).hexdigest()


def test_the_same_seed_draws_the_same_subjects_and_another_seed_others():
    assert _digest(_subject_events(2024)) == _digest(_subject_events(2024)) != _digest(_subject_events(7))


def test_the_same_seed_draws_the_same_subjects_as_before_the_names_were_data():
    assert _digest(_subject_events(2024)) == SUBJECTS_DIGEST, "names.toml or the drawing of subjects changed"
