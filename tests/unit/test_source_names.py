"""Authorities are shown by name: a catalog's ``[sources]`` table names the ids records
carry as their ``source``, translated like every text a reader sees; the record's own
catalog names it first, then any catalog, else the id stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.samples import sample_catalogs
from xinyong.domain.catalog.files import parse_catalog
from xinyong.domain.catalog.lint import lint
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.notices import quoted_in

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def catalog(text: str):
    return parse_catalog(text, "test.toml")


BASE = """
id = "{id}"
title = "Test"
jurisdiction = "CN-SD-RC"
subject_kind = "person"
version = "1"
effective_from = "2024-01-01"
base = 1000
languages = ["zh-CN", "en"]
grades = [{{ name = "A", min = 1000 }}, {{ name = "B" }}]

[rules."traffic.ticket"]
title = "Ticket"
category = "traffic"
points = -5
valid_for = "P1Y"
legal_basis = "Road Traffic Safety Law, art. 90"

[sources]
court = "{court}"

[translations.zh-CN]
title = "测试"
"rules.traffic.ticket.title" = "交通违法"
"rules.traffic.ticket.legal_basis" = "《道路交通安全法》第九十条"
"sources.court" = "{court_zh}"
"""


def test_a_source_is_named_by_the_records_catalog_first_then_any_and_translated():
    here = catalog(BASE.format(id="here", court="Here court", court_zh="本地法院"))
    there = catalog(BASE.format(id="there", court="There court", court_zh="外地法院"))
    registry = CatalogRegistry.of([here, there])
    assert registry.source_name("court", "there").in_language("zh-CN") == "外地法院"
    assert registry.source_name("court", "here").in_language("en") == "Here court"
    assert registry.source_name("court") in ("Here court", "There court")
    assert registry.source_name("bank", "here") is None


def test_a_notice_quotes_the_source_by_name_in_the_readers_language():
    registry = CatalogRegistry.of([catalog(BASE.format(id="here", court="Here court", court_zh="本地法院"))])
    fields = {"source": "court", "rule": "here/traffic.ticket", "catalog_version": "1", "rule_title": "Ticket"}
    assert quoted_in(fields, registry, "zh-CN")["source"] == "本地法院"
    assert quoted_in({**fields, "source": "bank"}, registry, "zh-CN")["source"] == "bank"


def test_a_missing_source_translation_is_warned_and_an_unknown_one_refused():
    text = BASE.format(id="here", court="Here court", court_zh="本地法院").replace('"sources.court" = "本地法院"\n', "")
    findings = lint([catalog(text)])
    assert any("sources.court" in str(f) for f in findings)
    with pytest.raises(Exception, match=r"sources\.bank"):
        catalog(BASE.format(id="here", court="Here court", court_zh="本地法院") + '"sources.bank" = "银行"\n')


def test_every_source_the_demo_population_names_has_a_name_in_both_languages():
    from xinyong.synthetic.behaviour import load_behaviour

    registry = CatalogRegistry.of([parse_catalog(p.read_text("utf-8"), str(p)) for p in sample_catalogs()])
    sources = load_behaviour().sources
    named = {sources.default, *sources.by_rule_prefix.values(), *sources.by_category.values()}
    for source in sorted(named):
        name = registry.source_name(source)
        assert name is not None, source
        assert name.in_language("zh-CN") != str(name), source
