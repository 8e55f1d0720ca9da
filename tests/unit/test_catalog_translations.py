"""Catalog translations (docs/design.md section 5): ``language``, ``languages`` and
``[translations.LANG]`` tables keyed by dotted path; texts in a reader's language with a
fallback to the catalog's own; unknown paths refused; missing translations warned."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.samples import sample_catalogs
from xinyong import messages
from xinyong.domain.catalog import CatalogRegistry, Text
from xinyong.domain.catalog.files import CatalogFileError, parse_catalog, read_catalog
from xinyong.domain.catalog.lint import lint
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.messages import Message
from xinyong.domain.notices import NoticeDraft, quoted_in

pytestmark = pytest.mark.unit

SAMPLES = sample_catalogs()

CATALOG = """\
id = "city-personal"
title = "City personal points"
jurisdiction = "CN-SD-RC"
subject_kind = "person"
version = "2024.1"
effective_from = "2024-01-01"
legal_basis = "City Measures on Personal Credit"
base = 1000
languages = ["zh-CN", "en"]
grades = [{ name = "A", min = 960 }, { name = "not-scored" }]

[rules."traffic.red_light"]
title = "Running a red light"
category = "traffic"
points = -5
valid_for = "P1Y"
legal_basis = "Road Traffic Safety Law, art. 90"
list = "red-light-runners"

[lists.red-light-runners]
title = "Red light runners"
kind = "black"
duration = "P1Y"

[[measures]]
id = "hire-review"
when = { list = "red-light-runners" }
action = "car_rental.hire"
effect = "review"
legal_basis = "City Measures on Personal Credit, art. 9"
proportionality = "Running red lights is about driving."

[[measures]]
when = { grades = ["A"] }
action = "utility.heating"
effect = "benefit"
benefit = "heating discount"
legal_basis = "City Measures on Personal Credit, art. 10"
"""

COMPLETE = """
[translations.zh-CN]
title = "市个人信用积分"
legal_basis = "《市个人信用管理办法》"
"grades.not-scored" = "不评分"
"rules.traffic.red_light.title" = "闯红灯"
"rules.traffic.red_light.legal_basis" = "《中华人民共和国道路交通安全法》第九十条"
"lists.red-light-runners.title" = "闯红灯名单"
"measures.hire-review.legal_basis" = "《市个人信用管理办法》第九条"
"measures.1.benefit" = "供暖费优惠"
"measures.1.legal_basis" = "《市个人信用管理办法》第十条"
"""


def catalog(extra: str = COMPLETE, head: str = CATALOG):
    return parse_catalog(head + extra, "city.toml")


def missing(found) -> list[str]:
    return [f.where for f in found if f.code == "missing-translation"]


def test_a_text_is_given_in_the_readers_language():
    c = catalog()
    assert c.text("rules.traffic.red_light.title", "zh-CN") == "闯红灯"
    assert c.text("measures.hire-review.legal_basis", "zh-CN") == "《市个人信用管理办法》第九条"


def test_a_text_falls_back_to_the_catalogs_own_words():
    c = catalog()
    assert c.text("rules.traffic.red_light.title", "en") == "Running a red light"
    assert c.text("rules.traffic.red_light.title", "fr") == "Running a red light"
    assert c.text("measures.hire-review.proportionality", "zh-CN") == "Running red lights is about driving."


def test_a_language_finds_a_translation_by_its_primary_tag():
    assert catalog().text("title", "zh") == "市个人信用积分"


def test_a_path_without_text_has_none():
    assert catalog().text("rules.traffic.red_light.description", "zh-CN") is None
    assert catalog().text("rules.nothing.title", "zh-CN") is None


def test_the_models_texts_know_their_translations():
    c = catalog()
    title = c.rules["traffic.red_light"].title
    assert isinstance(title, Text)
    assert title == "Running a red light"
    assert title.in_language("zh-CN") == "闯红灯"
    assert title.in_language("en") == "Running a red light"
    assert c.measures[1].benefit.in_language("zh-CN") == "供暖费优惠"  # type: ignore[union-attr]


def test_a_grade_named_by_a_word_is_translated_and_a_code_is_not():
    c = catalog()
    assert c.text("grades.not-scored", "zh-CN") == "不评分"
    assert c.text("grades.A", "zh-CN") == "A"


def test_a_catalog_with_translations_survives_pickling():
    c = catalog()
    again = pickle.loads(pickle.dumps(c))
    assert again == c
    assert again.rules["traffic.red_light"].title.in_language("zh-CN") == "闯红灯"  # type: ignore[union-attr]


def test_translations_are_part_of_the_version():
    registry = CatalogRegistry.of([catalog()])
    changed = catalog(COMPLETE.replace('闯红灯"', '闯信号灯"', 1))
    with pytest.raises(ValueError, match="already loaded with different content"):
        registry.add(changed)


def test_an_unknown_path_is_refused_with_the_file_and_path():
    with pytest.raises(
        CatalogFileError, match=r"city\.toml: .*translations\.zh-CN: unknown path 'rules\.nothing\.title'"
    ):
        catalog(COMPLETE + '"rules.nothing.title" = "无"\n')


def test_a_path_to_a_text_the_catalog_does_not_have_is_refused():
    with pytest.raises(CatalogFileError, match=re.escape("unknown path 'rules.traffic.red_light.description'")):
        catalog(COMPLETE + '"rules.traffic.red_light.description" = "说明"\n')


def test_a_measure_with_an_id_is_addressed_by_it_not_its_position():
    with pytest.raises(CatalogFileError, match=re.escape("unknown path 'measures.0.legal_basis'")):
        catalog(COMPLETE + '"measures.0.legal_basis" = "依据"\n')


def test_an_empty_translation_is_refused():
    with pytest.raises(CatalogFileError, match="'title' is empty"):
        catalog(COMPLETE.replace('title = "市个人信用积分"', 'title = " "'))


def test_a_table_for_an_undeclared_language_is_refused():
    with pytest.raises(CatalogFileError, match="'fr' is not one of the catalog's languages"):
        catalog(COMPLETE + '\n[translations.fr]\ntitle = "Points"\n')


def test_a_table_in_the_catalogs_own_language_is_refused():
    with pytest.raises(CatalogFileError, match="the catalog's own texts are in 'en'"):
        catalog(COMPLETE + '\n[translations.en]\ntitle = "Points"\n')


def test_a_bad_language_tag_is_refused_with_its_value():
    with pytest.raises(CatalogFileError, match=r"languages.*'Chinese'"):
        catalog("", CATALOG.replace('languages = ["zh-CN", "en"]', 'languages = ["Chinese"]'))


def test_the_linter_warns_of_each_missing_translation():
    found = lint([catalog(COMPLETE.replace('"lists.red-light-runners.title" = "闯红灯名单"\n', ""))])
    assert missing(found) == ['translations.zh-CN."lists.red-light-runners.title"']
    warning = next(f for f in found if f.code == "missing-translation")
    assert warning.severity == "warning"
    assert "'Red light runners'" in warning.message


def test_the_linter_wants_grade_names_that_are_words_but_not_codes():
    found = lint([catalog(COMPLETE.replace('"grades.not-scored" = "不评分"\n', ""))])
    assert missing(found) == ['translations.zh-CN."grades.not-scored"']


def test_the_linter_wants_nothing_of_a_catalog_that_declares_no_language():
    head = CATALOG.replace('languages = ["zh-CN", "en"]\n', "")
    assert missing(lint([catalog("", head)])) == []


def test_a_complete_catalog_has_no_missing_translation():
    assert missing(lint([catalog()])) == []


def test_a_translation_that_speaks_of_a_refused_matter_is_an_error():
    text = COMPLETE.replace(
        '"rules.traffic.red_light.title" = "闯红灯"', '"rules.traffic.red_light.title" = "宗教活动"'
    )
    found = [f for f in lint([catalog(text)]) if f.code == "refused-matter"]
    assert [f.where for f in found] == ['translations.zh-CN."rules.traffic.red_light.title"']


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_catalog_is_completely_translated(path: Path):
    c = read_catalog(path)
    assert "zh-CN" in c.languages
    assert c.missing_translations() == {}
    assert missing(lint([read_catalog(p) for p in SAMPLES])) == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_catalog_translations_are_chinese(path: Path):
    c = read_catalog(path)
    codes = {band.name for band in c.grades} | {"G"}  # grades, and G-series trains
    for text in c.translations["zh-CN"].values():
        assert set(re.findall(r"[A-Za-z]+", text)) <= codes, text


@given(st.sampled_from(["zh-CN", "zh", "en", "en-GB", "fr", "de-AT"]))
def test_every_text_is_given_in_any_language(language: str):
    c = catalog()
    for path, own in c.texts(optional=True):
        text = c.text(path, language)
        assert text
        if not language.startswith("zh"):
            assert text == own


# ---------------------------------------------------------------------- regions


def test_a_jurisdiction_is_named_in_the_readers_language():
    assert messages.place("CN-SD-RC", "zh-CN") == "山东省荣成市"
    assert messages.place("CN-SD-RC", "en") == "Rongcheng, Shandong"
    assert messages.division("CN-SD-RC") == "371082"
    assert messages.division("CN-SD") == "370000"


def test_an_unknown_jurisdiction_is_shown_as_its_code():
    assert messages.place("CN-XX-YY", "zh-CN") == "CN-XX-YY"
    assert messages.place(None, "zh-CN") is None
    assert messages.division("CN-XX-YY") is None


def test_every_jurisdiction_of_the_sample_catalogs_and_population_has_names():
    codes = {read_catalog(p).jurisdiction for p in SAMPLES} | {"CN-SD-RC", "CN-BJ", "CN-SH"}
    for code in codes:
        for language in messages.LANGUAGES:
            assert messages.place(code, language) != code, (code, language)


def test_every_region_has_a_name_in_every_language_and_a_six_digit_code():
    for code, entry in messages.regions().items():
        assert all(entry.get(language) for language in messages.LANGUAGES), code
        assert entry["gb2260"] is None or (len(entry["gb2260"]) == 6 and entry["gb2260"].isdigit()), code


# ---------------------------------------------------------------------- notices


def test_a_notice_stores_catalog_texts_as_plain_strings():
    title = catalog().rules["traffic.red_light"].title
    draft = NoticeDraft(
        "record",
        SubjectRef.parse("rid:11010519491231002X"),
        "notice.record.new",
        {"rule_title": title},
        (Message("x", {"legal_basis": title}),),
    )
    assert type(draft.fields["rule_title"]) is str
    assert type(draft.lines[0].fields["legal_basis"]) is str


def test_a_notice_quotes_the_rule_in_the_readers_language():
    registry = CatalogRegistry.of([catalog()])
    fields = {
        "rule": "city-personal/traffic.red_light",
        "catalog_version": "2024.1",
        "rule_title": "Running a red light",
        "legal_basis": "Road Traffic Safety Law, art. 90",
        "list": "red-light-runners",
        "list_title": "Red light runners",
    }
    quoted = quoted_in(fields, registry, "zh-CN")
    assert quoted["rule_title"] == "闯红灯"
    assert quoted["legal_basis"] == "《中华人民共和国道路交通安全法》第九十条"
    assert quoted["list_title"] == "闯红灯名单"
    assert quoted_in(fields, registry, "en") == fields


def test_a_notice_of_a_version_no_longer_loaded_keeps_its_words():
    registry = CatalogRegistry.of([catalog()])
    fields = {"rule": "city-personal/traffic.red_light", "catalog_version": "2023.9", "rule_title": "Old title"}
    assert quoted_in(fields, registry, "zh-CN") == fields


def test_a_reason_quotes_the_measures_legal_basis_in_the_readers_language():
    registry = CatalogRegistry.of([catalog()])
    line = {
        "catalog": "city-personal",
        "measure": "hire-review",
        "legal_basis": "City Measures on Personal Credit, art. 9",
    }
    assert quoted_in(line, registry, "zh-CN", "2024-06-01")["legal_basis"] == "《市个人信用管理办法》第九条"
    unnamed = {"catalog": "city-personal", "measure": "measures[1]", "legal_basis": "x"}
    assert (
        quoted_in(unnamed, registry, "zh-CN", dt.date(2024, 6, 1).isoformat())["legal_basis"]
        == "《市个人信用管理办法》第十条"
    )
