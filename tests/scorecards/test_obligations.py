"""The population's bills and payments (xinyong.synthetic.obligations): deterministic
from a seed, every bill filed while a consent naming its source is in force, nothing
dated after "today", ids unique, and the events of docs/design.md section 9."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.optin import admission_problem, consent_in_force
from xinyong.synthetic.behaviour import BehaviourFileError
from xinyong.synthetic.obligations import events_of, iter_optin_events, load_payments, parse_payments, payers
from xinyong.synthetic.population import persons

pytestmark = [pytest.mark.unit, pytest.mark.backend_independent]

START = dt.date(2022, 1, 1)
TODAY = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def people() -> list[SubjectRef]:
    return persons(seed=5, count=1500, start=START, end=TODAY)


@pytest.fixture(scope="module")
def generated(people, sample_card):
    return payers(people, sample_card, seed=5, start=START, today=TODAY)


@pytest.fixture(scope="module")
def events(generated, sample_card) -> list[dict]:
    return events_of(generated, sample_card)


def test_the_same_seed_gives_the_same_events_and_another_seed_others(people, sample_card, events):
    again = iter_optin_events(people, sample_card, seed=5, start=START, today=TODAY)
    other = iter_optin_events(people, sample_card, seed=6, start=START, today=TODAY)
    assert again == events
    assert other != events


def test_adding_persons_leaves_the_others_bills_unchanged(people, sample_card, generated):
    fewer = payers(people[:700], sample_card, seed=5, start=START, today=TODAY)
    assert fewer == [r for r in generated if r.subject in {str(p) for p in people[:700]}]


def test_events_carry_the_fields_of_section_9_and_unique_ids(events, sample_card):
    fields = {
        "consent_given": {"type", "id", "subject", "scorecard", "sources", "purposes", "on"},
        "consent_withdrawn": {"type", "id", "subject", "scorecard", "on"},
        "obligation": {"type", "id", "subject", "source", "due_on", "amount"},
        "paid": {"type", "id", "obligation", "on"},
    }
    kinds = Counter(e["type"] for e in events)
    assert set(kinds) == set(fields), kinds
    for event in events:
        assert set(event) == fields[event["type"]], event
        if "scorecard" in event:
            assert event["scorecard"] == sample_card.id
        if event["type"] == "obligation":
            assert event["source"] in sample_card.sources
            assert isinstance(event["amount"], float) and event["amount"] > 0
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids))


def test_no_identity_number_appears_in_an_id(events):
    for event in events:
        assert "rid:" not in event["id"] and "rid:" not in event.get("obligation", "")


def test_nothing_is_dated_after_today_and_events_come_in_date_order(events):
    def day(event: dict) -> dt.date | None:
        return dt.date.fromisoformat(event["on"]) if "on" in event else None

    days = [d for e in events if (d := day(e)) is not None]
    assert days == sorted(days)
    assert max(days) <= TODAY
    assert all(dt.date.fromisoformat(e["due_on"]) <= TODAY for e in events if e["type"] == "obligation")


def test_a_payment_follows_its_bill_once(events):
    filed: set[str] = set()
    paid: set[str] = set()
    for event in events:
        if event["type"] == "obligation":
            filed.add(event["id"])
        elif event["type"] == "paid":
            assert event["obligation"] in filed, event
            assert event["obligation"] not in paid, event
            paid.add(event["obligation"])


def test_every_bill_is_filed_while_a_consent_naming_its_source_is_in_force(generated, sample_card):
    checked = 0
    for record in generated:
        for bill in record.bills:
            assert bill.filed_on <= bill.obligation.due_on
            history = [c for c in record.consents if c.on <= bill.filed_on]
            assert admission_problem([history], bill.obligation.source, bill.filed_on) is None, (record, bill)
            if bill.obligation.paid_on is not None:
                assert bill.filed_on <= bill.obligation.paid_on <= TODAY
            checked += 1
    assert checked > 10_000


def test_consents_are_given_by_adults_to_the_scorecards_sources_and_purposes(generated, sample_card):
    for record in generated:
        given = record.consents[0]
        assert given.kind == "given"
        assert set(given.sources) <= set(sample_card.sources) and given.sources
        assert set(given.purposes) <= set(sample_card.purposes) and given.purposes
        age = SubjectRef.parse(record.subject).age_on(given.on)
        assert age is not None and age >= 18


def test_after_a_withdrawal_nothing_is_filed_or_paid(generated):
    withdrawn = [r for r in generated if r.withdrawn_on() is not None]
    assert withdrawn, "the population should have a few withdrawals"
    for record in withdrawn:
        day = record.withdrawn_on()
        assert consent_in_force(record.consents, day) is None
        for bill in record.bills:
            assert bill.filed_on < day
            assert bill.obligation.paid_on is None or bill.obligation.paid_on < day


def test_most_pay_on_time_some_late_a_few_default(generated):
    bills = [b.obligation for r in generated for b in r.bills]
    on_time = sum(o.on_time() for o in bills) / len(bills)
    unpaid = sum(o.paid_on is None for o in bills) / len(bills)
    assert 0.9 < on_time < 0.99
    assert 0 < unpaid < 0.03
    tiers = Counter(r.tier for r in generated)
    assert tiers.most_common(1)[0][0] == "prompt" and len(tiers) == len(load_payments().payers)


def test_a_payment_file_that_does_not_fit_its_schema_names_file_key_and_value():
    text = (load_payments_text()).replace("share = 0.72", "share = 1.72")
    with pytest.raises(BehaviourFileError) as refused:
        parse_payments(text)
    message = str(refused.value)
    assert "payments.toml" in message and "payers" in message and "1.72" in message


def load_payments_text() -> str:
    from importlib.resources import files

    return files("xinyong.synthetic").joinpath("payments.toml").read_text(encoding="utf-8")


@settings(max_examples=15)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    span=st.integers(min_value=0, max_value=1500),
    count=st.integers(min_value=1, max_value=40),
)
def test_any_seed_and_period_keep_consent_dates_and_ids(sample_card, seed, span, count):
    today = dt.date.fromordinal(START.toordinal() + span)
    people = persons(seed=seed, count=count, start=START, end=today)
    records = payers(people, sample_card, seed=seed, start=START, today=today)
    events = events_of(records, sample_card)
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids))
    for record in records:
        assert START <= record.consents[0].on <= today
        for bill in record.bills:
            history = [c for c in record.consents if c.on <= bill.filed_on]
            assert admission_problem([history], bill.obligation.source, bill.filed_on) is None
            assert bill.obligation.due_on <= today
            assert bill.obligation.paid_on is None or bill.filed_on <= bill.obligation.paid_on <= today
