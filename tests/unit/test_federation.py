"""The pure rules of docs/design.md section 10 (first ring): signed bundles, what an
importing node admits, what a foreign list ``NODE/LIST`` says on a day, and what a
measure on it decides, pinned by examples and by Hypothesis properties."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.identifiers import rid
from xinyong.domain.catalog.files import parse_catalog
from xinyong.domain.catalog.lint import lint
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.federation import (
    STALE_AFTER,
    Bundle,
    BundleEntry,
    BundleRefused,
    InvalidForeignList,
    InvalidNodeName,
    admit,
    canonical,
    fingerprint,
    first_reached,
    foreign_list,
    holding,
    node_name,
    read_bundle,
)
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import check_of

pytestmark = pytest.mark.unit

PERSON = rid("11010519491231002")
OTHER = rid("37010019800101001")
DAY = dt.date(2026, 3, 1)


def keypair() -> tuple[Ed25519PrivateKey, str]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return private, base64.b64encode(raw).decode()


NODE_KEY, NODE_PUBLIC = keypair()


def signed(entries: tuple[BundleEntry, ...], as_of: dt.date = DAY, key=NODE_KEY, public: str = NODE_PUBLIC) -> Bundle:
    bundle = Bundle("court-a", public, "judgment-defaulters", "Judgment defaulters", as_of, entries)
    signature = base64.b64encode(key.sign(canonical(bundle.unsigned()))).decode()
    return Bundle(bundle.node, public, bundle.list, bundle.title, as_of, entries, signature)


def entry(subject: str = PERSON, record: str = "c-1", start=dt.date(2026, 1, 1), until=None) -> BundleEntry:
    return BundleEntry(subject, record, start, until, "Civil Procedure Law, art. 262")


CATALOG = parse_catalog(
    """
id = "city-rail"
title = "City rail"
jurisdiction = "CN-SD"
subject_kind = "person"
version = "2026.1"
effective_from = "2020-01-01"
legal_basis = "City rail measures"
base = 0
grades = [ { name = "none" } ]

[[measures]]
when = { list = "court-a/judgment-defaulters" }
action = "rail.high_speed"
effect = "deny"
legal_basis = "Joint memorandum on judgment defaulters, art. 2"
"""
)
REGISTRY = CatalogRegistry.of([CATALOG])


def decision(bundles: list[Bundle], day: dt.date, subject: str = PERSON):
    ref = SubjectRef.parse(subject)
    held = holding(
        "court-a/judgment-defaulters",
        "Judgment defaulters",
        [b.as_of for b in bundles],
        [(b.as_of, e) for b in bundles for e in b.entries if e.subject == subject],
    )
    return check_of(ref, "rail.high_speed.ticket", day, [], REGISTRY, "CN-SD", {held.name: held})


# ------------------------------------------------------------------------ examples


def test_a_signed_bundle_reads_back_from_its_json_and_is_admitted():
    bundle = signed((entry(), entry(OTHER, "c-2", until=dt.date(2027, 1, 1))))
    again = read_bundle(json.loads(json.dumps(bundle.document())))
    assert again == bundle
    assert admit(again, NODE_PUBLIC, None) == bundle


def test_the_signature_covers_the_entries_in_the_order_given():
    bundle = signed((entry(OTHER, "c-2"), entry()))  # not in the order a node publishes
    assert admit(read_bundle(bundle.document()), NODE_PUBLIC, None) == bundle
    reordered = bundle.document()
    reordered["entries"].reverse()
    with pytest.raises(BundleRefused) as refused:
        admit(read_bundle(reordered), NODE_PUBLIC, None)
    assert refused.value.reason == "signature"


def test_a_bundle_as_of_a_day_to_come_is_refused():
    bundle = signed((entry(),), as_of=DAY + dt.timedelta(days=1))
    with pytest.raises(BundleRefused) as refused:
        admit(bundle, NODE_PUBLIC, None, today=DAY)
    assert refused.value.reason == "future"
    assert admit(bundle, NODE_PUBLIC, None, today=DAY + dt.timedelta(days=1)) == bundle


def test_a_tampered_bundle_is_refused_for_its_signature():
    document = signed((entry(),)).document()
    document["entries"][0]["until"] = "2026-02-01"
    with pytest.raises(BundleRefused) as refused:
        admit(read_bundle(document), NODE_PUBLIC, None)
    assert refused.value.reason == "signature"


def test_a_bundle_signed_under_another_key_is_refused_as_untrusted():
    other_key, other_public = keypair()
    with pytest.raises(BundleRefused) as refused:
        admit(signed((entry(),), key=other_key, public=other_public), NODE_PUBLIC, None)
    assert refused.value.reason == "untrusted"
    assert fingerprint(other_public)[:16] in str(refused.value)


def test_a_bundle_naming_the_trusted_key_but_signed_by_another_is_refused():
    other_key, _ = keypair()
    with pytest.raises(BundleRefused) as refused:
        admit(signed((entry(),), key=other_key, public=NODE_PUBLIC), NODE_PUBLIC, None)
    assert refused.value.reason == "signature"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"format": "xinyong-list/2"}, "format"),
        ({"as_of": "2026-02-30"}, "as_of"),
        ({"node": "Court A"}, "node name"),
        ({"entries": [{"subject": "someone"}]}, "entries[0]"),
        ({"extra": 1}, "extra"),
        ({"title": None}, "title"),
    ],
)
def test_a_malformed_bundle_is_refused_naming_the_field(change, field):
    document = signed((entry(),)).document() | change
    with pytest.raises(BundleRefused) as refused:
        read_bundle(document)
    assert refused.value.reason == "format"
    assert field in str(refused.value)


def test_a_measure_on_a_foreign_list_denies_naming_list_node_bundle_and_legal_basis():
    answer = decision([signed((entry(),))], DAY + dt.timedelta(days=2))
    assert answer.decision == "deny"
    (reason,) = answer.reasons
    assert reason.trigger["list"] == "court-a/judgment-defaulters"
    assert reason.trigger["node"] == "court-a"
    assert reason.trigger["bundle_as_of"] == DAY.isoformat()
    assert reason.trigger["list_legal_basis"] == "Civil Procedure Law, art. 262"
    assert reason.legal_basis == "Joint memorandum on judgment defaulters, art. 2"
    assert reason.trigger["stale"] is False


def test_on_the_seventh_day_the_list_is_current_and_on_the_eighth_it_is_stale():
    bundles = [signed((entry(),))]
    assert decision(bundles, DAY + dt.timedelta(days=STALE_AFTER)).decision == "deny"
    late = decision(bundles, DAY + dt.timedelta(days=STALE_AFTER + 1))
    assert late.decision == "review"
    assert late.reasons[0].trigger["stale"] is True
    assert late.reasons[0].trigger["stale_since"] == (DAY + dt.timedelta(days=8)).isoformat()


def test_removal_propagates_from_the_newer_bundles_as_of():
    newer = DAY + dt.timedelta(days=5)
    bundles = [signed((entry(),)), signed((), as_of=newer)]
    assert decision(bundles, newer - dt.timedelta(days=1)).decision == "deny"
    assert decision(bundles, newer).decision == "allow"


def test_a_subject_without_an_entry_or_a_list_without_a_bundle_is_allowed():
    assert decision([signed((entry(OTHER),))], DAY).decision == "allow"
    ref = SubjectRef.parse(PERSON)
    assert check_of(ref, "rail.high_speed", DAY, [], REGISTRY, "CN-SD").decision == "allow"


def test_first_reached_are_the_entries_no_earlier_bundle_held():
    old = signed((entry(),))
    new = signed((entry(), entry(OTHER, "c-2")), as_of=DAY + dt.timedelta(days=1))
    assert first_reached(old.entries, new) == [entry(OTHER, "c-2")]


def test_node_and_foreign_list_names_are_checked():
    assert node_name("court-a") == "court-a"
    assert node_name("A") == "A"
    with pytest.raises(InvalidNodeName):
        node_name("Court A")
    assert foreign_list("court-a/judgment-defaulters") == ("court-a", "judgment-defaulters")
    assert foreign_list("A/judgment-defaulters") == ("A", "judgment-defaulters")
    for bad in ("court-a/", "/list", "a/b/c", "court a/list", "court-a/List"):
        with pytest.raises(InvalidForeignList):
            foreign_list(bad)


def test_the_linter_checks_a_foreign_list_name_and_warns_until_a_bundle_is_imported():
    findings = lint([CATALOG])
    assert [(f.severity, f.code) for f in findings if "foreign" in f.code] == [("warning", "foreign-list-not-imported")]
    assert not [f for f in lint([CATALOG], imported=["court-a/judgment-defaulters"]) if "foreign" in f.code]


def test_the_linter_refuses_a_malformed_foreign_list_name():
    text = """
id = "city-rail"
title = "City rail"
jurisdiction = "CN-SD"
subject_kind = "person"
version = "2026.1"
effective_from = "2020-01-01"
base = 0
grades = [ { name = "none" } ]

[[measures]]
when = { list = "Court A/defaulters/x" }
action = "rail.high_speed"
effect = "deny"
legal_basis = "Joint memorandum"
"""
    findings = lint([parse_catalog(text)])
    assert [(f.severity, f.code, f.where) for f in findings if "foreign" in f.code or "unknown" in f.code] == [
        ("error", "foreign-list-name", "measures[0].when.list")
    ]


# ---------------------------------------------------------------------- properties

days = st.integers(min_value=0, max_value=60).map(lambda n: DAY + dt.timedelta(days=n))


@st.composite
def histories(draw):
    """A node's bundles of one list over time: each as of a later day, each holding a
    random subset of a few entries of two people."""
    pool = [
        entry(subject, f"c-{n}", DAY - dt.timedelta(days=draw(st.integers(0, 30))), until)
        for n, (subject, until) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from([PERSON, OTHER]), st.none() | days), min_size=1, max_size=4))
        )
    ]
    as_ofs = sorted(set(draw(st.lists(days, min_size=1, max_size=4))))
    return [signed(tuple(e for e in pool if draw(st.booleans())), as_of=as_of) for as_of in as_ofs]


PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(histories(), days)
def test_a_stale_list_never_denies(bundles, day):
    late = max(day, bundles[-1].as_of + dt.timedelta(days=STALE_AFTER + 1))
    answer = decision(bundles, late)
    assert answer.decision != "deny"
    assert all(r.trigger["stale"] for r in answer.reasons)


@PROPERTY
@given(histories(), days)
def test_an_entry_absent_from_a_newer_bundle_never_counts_from_its_as_of(bundles, day):
    answer = decision(bundles, day)
    counted = {r.trigger["record"] for r in answer.reasons}
    for later in bundles:
        if later.as_of <= day and not any(b.as_of > later.as_of and b.as_of <= day for b in bundles):
            held = {e.record for e in later.entries if e.subject == PERSON}
            assert counted <= held
    if counted:
        assert answer.decision in ("deny", "review")


@PROPERTY
@given(histories(), days)
def test_an_entry_counts_exactly_when_the_bundle_for_the_day_holds_it_in_effect(bundles, day):
    speaking = [b for b in bundles if b.as_of <= day] or bundles[:1]
    bundle = speaking[-1]
    in_effect = [e for e in bundle.entries if e.subject == PERSON and e.counts_on(day)]
    answer = decision(bundles, day)
    assert bool(answer.reasons) == bool(in_effect)
    if answer.reasons:
        assert answer.reasons[0].trigger["bundle_as_of"] == bundle.as_of.isoformat()


@PROPERTY
@given(histories(), st.integers(min_value=0, max_value=30))
def test_a_bundle_older_than_the_latest_or_imported_before_is_refused_as_a_replay(bundles, back):
    latest = bundles[-1].as_of + dt.timedelta(days=back)
    imported = {b.digest() for b in bundles}
    for old in bundles:
        with pytest.raises(BundleRefused) as refused:
            admit(old, NODE_PUBLIC, latest, imported=imported)
        assert refused.value.reason == "replay"


def test_a_days_list_published_again_with_other_entries_replaces_it():
    first = signed((entry(),))
    again = signed((entry(), entry(OTHER, "c-2")))
    assert admit(again, NODE_PUBLIC, DAY, imported={first.digest()}) == again
    with pytest.raises(BundleRefused, match="imported already"):
        admit(first, NODE_PUBLIC, DAY, imported={first.digest(), again.digest()})


@PROPERTY
@given(histories(), st.data())
def test_any_change_to_a_signed_bundle_breaks_its_signature(bundles, data):
    document = bundles[-1].document()
    change = data.draw(st.sampled_from(["title", "as_of", "list", "entry"]))
    if change == "title":
        document["title"] += "!"
    elif change == "as_of":
        document["as_of"] = (bundles[-1].as_of + dt.timedelta(days=1)).isoformat()
    elif change == "list":
        document["list"] = "tax-a-grade"
    else:
        document["entries"].append(entry(OTHER, "forged").as_json())
    with pytest.raises(BundleRefused) as refused:
        admit(read_bundle(document), NODE_PUBLIC, None)
    assert refused.value.reason == "signature"
