"""The domain's notices and outlook steps say nothing in a language: each carries a
message key, the keys of its further sentences and its facts as fields. Every key the
domain can emit has words in both catalogs, and no fact a notice used to tell is lost."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_standing_examples import ZHANG, D, event, history, person, record, registry, version
from xinyong import messages
from xinyong.domain import attachments as _attachments  # noqa: F401  (its keys go into KEYS)
from xinyong.domain import notices as n
from xinyong.domain.catalog.model import Text
from xinyong.domain.events import SubjectEvent
from xinyong.domain.messages import KEYS, Message
from xinyong.domain.standing import Rejected, apply_change, check, outlook

pytestmark = pytest.mark.unit

PLACEHOLDER = re.compile(r"{([\w|]+)(?::[^}]*)?}")


def _words(language: str) -> dict[str, str]:
    text = resources.files("xinyong.messages").joinpath(f"{language}.json").read_text("utf-8")
    return json.loads(text)


# ---------------------------------------------------------------------- the catalogs


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_every_key_the_domain_can_emit_has_words_in_the_catalog(language):
    assert len(KEYS) > 60  # the registry is filled as the domain's modules are imported
    missing = sorted(k for k in KEYS if k not in _words(language))
    assert not missing, f"{language} lacks {missing}"


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_the_catalog_holds_no_words_for_keys_the_domain_does_not_emit(language):
    stale = sorted(k for k in _words(language) if k.partition("@")[0] not in KEYS)
    assert not stale, f"{language} has words for {stale}"


def test_both_languages_fill_a_message_from_the_same_fields():
    english, chinese = _words("en"), _words("zh-CN")
    assert set(english) == set(chinese)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(chinese[key])), key


def test_the_words_shown_to_residents_name_no_api_path():
    for language in messages.LANGUAGES:
        for key, text in _words(language).items():
            if "@api" not in key:
                assert "/v1/" not in text, (language, key)


def test_a_message_takes_the_first_field_set_and_shows_an_unset_one_as_a_dash():
    assert messages.render("notice.record.new.title", {"rule": "a.b", "rule_title": None}, "en") == "New record: a.b"
    assert messages.render("notice.record.new.title", {"rule": "a.b", "rule_title": "Red"}, "zh-CN") == "新记录：Red"
    assert messages.render("notice.list.ended", {"list": "x"}, "en").count(messages.UNSET) == 2


def test_a_channel_has_its_own_wording_where_the_catalog_gives_one():
    assert "POST /v1/me/disputes" in messages.render(n.HOW_TO_DISPUTE, {}, "en", "api")
    assert "/v1/" not in messages.render(n.HOW_TO_DISPUTE, {}, "en", "email")
    assert "异议" in messages.render(n.HOW_TO_DISPUTE, {}, "zh-CN", "portal")


def test_a_language_we_do_not_have_reads_english_and_an_unknown_key_reads_as_itself():
    assert messages.render("outlook.grade", {"was": "B", "grade": "A"}, "fr") == "grade B → A"
    assert messages.render("no.such.key", {}, "zh-CN") == "no.such.key"


# ---------------------------------------------------------------------- record notices


def test_a_record_notice_carries_its_key_every_fact_and_the_sentences_that_apply():
    reg = registry()
    file = history(reg, record())
    draft = n.record_notice(file, reg, today=D("2024-03-05"))

    assert (draft.kind, draft.key, draft.record, draft.dedupe) == ("record", n.RECORD_NEW, file.id, f"record:{file.id}")
    assert draft.fields == {
        "record": "tp-2024-000017",
        "rule": "rongcheng-personal/traffic.red_light",
        "rule_title": "Running a red light",
        "legal_basis": "Road Traffic Safety Law, art. 90",
        "catalog_version": "2022.1",
        "points": -5,
        "source": "traffic-police",
        "reference": "RC-TP-2024-17",
        "occurred_on": "2024-03-01",
        "decided_on": "2024-03-05",
        "effective_on": "2024-03-20",
        "expires_on": "2025-03-20",
        "ends_on": "2025-03-20",
        "repairable_from": "2024-06-20",
        "dispute_before_effect_until": "2024-03-19",
        "dispute_window": "open",
    }
    assert [line.key for line in draft.lines] == [n.WINDOW["open"], n.HOW_TO_DISPUTE]
    english = messages.render_notice(draft.key, draft.fields, [(m.key, m.fields) for m in draft.lines], "en")[1]
    for fact in ("2024-03-20", "2025-03-20", "2024-03-19", "RC-TP-2024-17", "traffic-police", "art. 90", "-5"):
        assert fact in english


@pytest.mark.parametrize(
    ("decided_on", "today", "window"),
    [("2024-03-05", "2024-03-19", "open"), ("2024-03-05", "2024-03-20", "closed"), ("2024-03-05", None, "open")],
)
def test_a_record_notice_says_whether_the_window_to_dispute_before_effect_is_still_open(decided_on, today, window):
    reg = registry()
    draft = n.record_notice(history(reg, record(decided_on=decided_on)), reg, D(today) if today else None)
    assert draft.fields["dispute_window"] == window
    assert n.WINDOW[window] in draft.message_keys()


def test_a_record_without_a_notice_window_takes_effect_at_once():
    reg = registry()
    draft = n.record_notice(history(reg, record("volunteer.service_day")), reg, D("2024-03-05"))
    assert draft.fields["dispute_before_effect_until"] is None
    assert n.WINDOW["none"] in draft.message_keys()


def test_a_listing_record_says_the_list_and_a_minors_says_no_list_is_made():
    reg = registry()
    adult = n.record_notice(history(reg, record("court.judgment_default", id="jd-1")), reg)
    assert (adult.fields["list"], n.PLACEMENT in adult.message_keys()) == ("judgment-defaulters", True)
    assert "list_withheld" not in adult.fields

    minor = person("2010-05-01")
    young = n.record_notice(history(reg, record("court.judgment_default", subject=minor, id="jd-2")), reg)
    assert young.fields["list_withheld"] == n.MINOR
    assert n.LIST_WITHHELD in young.message_keys() and n.PLACEMENT not in young.message_keys()


# ---------------------------------------------------------------------- later events


def _changed(reg, file, change):
    return n.change_notices(file, change, apply_change(file, change, reg), reg)


def test_a_dispute_before_effect_tells_the_subject_it_is_suspended_and_the_source_to_decide():
    reg = registry(version(dispute_deadline="P30D"))
    file = history(reg, record())
    told, source = _changed(reg, file, event("dispute_filed", "2024-03-10", grounds="not me"))

    assert (told.key, told.to_source, told.fields["suspended"]) == (n.DISPUTE_FILED, None, True)
    assert told.fields["decide_by"] == "2024-04-09"
    assert [line.key for line in told.lines] == [n.SUSPENDED[True], n.DISPUTE_DEADLINE]
    assert (source.key, source.to_source) == (n.DISPUTE_FILED_SOURCE, "traffic-police")
    assert [line.key for line in source.lines] == [n.DISPUTE_DEADLINE_SOURCE]


def test_a_dispute_after_effect_without_a_deadline_says_the_record_keeps_counting():
    reg = registry()
    told, _ = _changed(reg, history(reg, record()), event("dispute_filed", "2024-04-01"))
    assert told.fields["suspended"] is False and told.fields["decide_by"] is None
    assert [line.key for line in told.lines] == [n.SUSPENDED[False]]


@pytest.mark.parametrize("outcome", ["upheld", "annulled"])
def test_a_decided_dispute_carries_its_outcome_as_a_sentence_and_its_reasons_as_a_field(outcome):
    reg = registry()
    file = history(reg, record(), event("dispute_filed", "2024-03-10"))
    told, source = _changed(reg, file, event("dispute_resolved", "2024-03-25", outcome=outcome, reasons="checked"))
    assert (told.key, told.fields["outcome"], told.fields["reasons"]) == (n.DISPUTE_DECIDED, outcome, "checked")
    assert [line.key for line in told.lines] == [n.OUTCOME[outcome], n.DISPUTE_RESULT[outcome], n.REASONS]
    assert [line.key for line in source.lines] == [n.OUTCOME[outcome]]


def test_fulfilment_names_the_list_it_ends():
    reg = registry()
    file = history(reg, record("court.judgment_default", id="tp-2024-000017"))
    [told] = _changed(reg, file, event("fulfilled", "2024-05-01"))
    assert (told.key, told.fields["list_ended"], told.fields["on"]) == (
        n.FULFILLED,
        "judgment-defaulters",
        "2024-05-01",
    )
    assert [line.key for line in told.lines] == [n.FULFILLED_LIST_ENDED]


def test_repair_and_annulment_are_told_by_their_keys():
    reg = registry()
    file = history(reg, record())
    [repaired] = _changed(reg, file, event("repaired", "2024-07-01"))
    [annulled] = _changed(reg, file, event("annulled", "2024-07-01"))
    assert (repaired.key, repaired.fields["on"]) == (n.REPAIR_GRANTED, "2024-07-01")
    assert (annulled.key, annulled.fields["on"]) == (n.RECORD_ANNULLED, "2024-07-01")


def test_time_tells_the_record_in_effect_and_the_list_entry_started_and_ended():
    reg = registry()
    file = history(reg, record("court.judgment_default"))
    drafts = {d.kind: d for d in n.due_notices(file, reg, D("2027-01-01"))}
    assert set(drafts) == {"record_effective", "list_entry_started", "list_entry_ended"}
    assert drafts["record_effective"].fields["counting_from"] == "2024-03-15"
    started, ended = drafts["list_entry_started"], drafts["list_entry_ended"]
    assert (started.key, started.fields["from"], started.fields["until"]) == (
        n.LIST_STARTED,
        "2024-03-15",
        "2026-03-15",
    )
    assert [line.key for line in started.lines] == [n.LIST_UNTIL[True], n.LIST_WAYS_OFF, n.HOW_TO_DISPUTE]
    assert (ended.key, ended.dedupe) == (n.LIST_ENDED, f"list-end:{file.id}:2026-03-15")


def test_a_denied_check_tells_each_reason_as_a_sentence_with_its_measure_and_trigger():
    reg = registry()
    file = history(reg, record("court.judgment_default"))
    decision = check(ZHANG, "air_travel.ticket", D("2024-04-01"), [file], reg, "CN-SD-RC")
    draft = n.adverse_action_notice(decision, "sky-airline", "chk-1")
    assert draft is not None and draft.key == n.ADVERSE["deny"]
    reason, contest = draft.lines
    assert reason.key == n.ADVERSE_REASON[("deny", "list")]
    assert (reason.fields["list"], reason.fields["record"]) == ("judgment-defaulters", file.id)
    assert contest.key == n.HOW_TO_CONTEST
    assert draft.fields["reasons"][0]["trigger"]["list"] == "judgment-defaulters"


def test_subject_facts_and_contact_notices_carry_what_changed():
    first = SubjectEvent(type="subject", subject=ZHANG, jurisdiction="CN-SD-RC", name=None)
    moved = SubjectEvent(type="subject", subject=ZHANG, jurisdiction="CN-SD", name="Zhang San")
    registered = n.subject_facts_notice(None, first, D("2024-01-02"))
    changed = n.subject_facts_notice(first, moved, D("2024-02-02"))
    assert registered is not None and changed is not None
    assert [line.key for line in registered.lines] == [n.SUBJECT_NAMED[False], n.SUBJECT_WHY]
    assert changed.key == n.SUBJECT_CHANGED
    assert [line.key for line in changed.lines] == [
        n.SUBJECT_CHANGE["jurisdiction"],
        n.SUBJECT_CHANGE["name_set"],
        n.SUBJECT_WHY,
    ]
    assert n.subject_facts_notice(moved, moved, D("2024-03-01")) is None

    contact = n.contact_notice(ZHANG, "a.b@example.org", "c.d@example.org", 1, D("2024-01-03"))
    assert (contact.key, contact.fields["email"], contact.fields["previous_email"]) == (
        n.CONTACT_REPLACED,
        "c***@example.org",
        "a***@example.org",
    )


def test_case_notices_carry_their_case_and_day():
    applied = n.repair_applied_notice(ZHANG, "r-1", "case-1", D("2024-07-01"), D("2024-07-31"))
    refused = n.repair_refused_notice(ZHANG, "r-1", "case-1", D("2024-07-02"), "unpaid")
    review = n.review_decided_notice(ZHANG, "case-2", "air_travel.ticket", "overturned", "wrong", D("2024-07-03"))
    assert applied.message_keys() == [f"{n.REPAIR_APPLIED}.title", n.REPAIR_APPLIED, n.DECIDE_BY]
    assert refused.fields == {"record": "r-1", "case": "case-1", "on": "2024-07-02", "reasons": "unpaid"}
    assert [line.key for line in review.lines] == [n.OUTCOME["overturned"], n.REASONS]


# ---------------------------------------------------------------------- outlook


def test_an_outlook_step_says_each_change_as_a_key_with_fields():
    reg = registry()
    file = history(reg, record("court.judgment_default"))
    _, steps, _ = outlook(ZHANG, "rongcheng-personal", D("2024-04-01"), [file], reg, "CN-SD-RC")
    changes = [m for step in steps for m in step.changes]
    assert Message("outlook.list.ends", {"list": "judgment-defaulters", "record": file.id}) in changes
    assert Message("outlook.record.stops", {"record": file.id, "points": -100}) in changes
    assert Message("outlook.score", {"was": 900, "score": 1000}) in changes
    assert all(m.key in KEYS for m in changes)


# ---------------------------------------------------------------------- any history

CHANGES = st.lists(
    st.tuples(
        st.sampled_from(["dispute_filed", "dispute_resolved", "fulfilled", "repaired", "annulled"]),
        st.integers(min_value=0, max_value=900),
        st.sampled_from(["upheld", "annulled"]),
    ),
    max_size=5,
)


@settings(max_examples=120, deadline=None)
@given(
    rule=st.sampled_from(["traffic.red_light", "volunteer.service_day", "court.judgment_default", "tax.late_payment"]),
    born=st.sampled_from(["1980-01-01", "2010-01-01"]),
    changes=CHANGES,
    asked=st.integers(min_value=0, max_value=1200),
)
def test_every_notice_of_any_history_uses_declared_keys_and_renders_whole_in_both_languages(rule, born, changes, asked):
    reg = registry(version(dispute_deadline="P30D"))
    subject = person(born)
    file = history(reg, record(rule, subject=subject))
    start = D("2024-03-05")
    drafts = [n.record_notice(file, reg, start)]
    applied = set()
    for kind, offset, outcome in changes:
        on = (start + dt.timedelta(days=offset)).isoformat()
        extra = {"outcome": outcome} if kind == "dispute_resolved" else {}
        try:
            after = apply_change(file, event(kind, on, **extra), reg)
        except Rejected:
            continue
        drafts += n.change_notices(file, after.changes[-1], after, reg)
        applied.add(kind)
        file = after
    day = start + dt.timedelta(days=asked)
    drafts += n.due_notices(file, reg, day)
    decision = check(subject, "air_travel.ticket", day, [file], reg, "CN-SD-RC")
    adverse = n.adverse_action_notice(decision, "sky-airline", "chk")
    drafts += [adverse] if adverse else []

    for draft in drafts:
        assert set(draft.message_keys()) <= KEYS, draft
        for language in messages.LANGUAGES:
            for key in draft.message_keys():
                assert messages.template(key, language) is not None
            title, text = messages.render_notice(
                draft.key, draft.fields, [(m.key, m.fields) for m in draft.lines], language
            )
            assert title and text and "{" not in text + title and "}" not in text + title
            assert not any(key in text for key in draft.message_keys()), text
        # The facts a notice tells are all in its fields, not only in its words.
        if draft.record is not None:
            assert draft.fields["record"] == file.id and draft.fields["rule"] == file.record.rule


# ------------------------------------------------------- notice fields made plain


def _plain_reference(value):
    """The definition ``NoticeDraft`` keeps its fields by: every catalog text a plain
    ``str``, looked for in nested mappings, lists and tuples; anything else as it is."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain_reference(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_reference(v) for v in value)
    return value


_texts = st.builds(lambda own: Text(own, {"en": own.upper()}), st.text(max_size=5))
_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.dates(), st.text(max_size=5), _texts
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=3), inner, max_size=3),
    ),
    max_leaves=8,
)


def _exactly(value):
    """``value`` with each part's type spelled out, so that a catalog text left in and a
    plain string compare unequal."""
    if isinstance(value, dict):
        return ("dict", sorted((k, _exactly(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_exactly(v) for v in value])
    return (type(value).__name__, repr(value))


@settings(max_examples=300)
@given(
    fields=st.dictionaries(st.text(max_size=4), _values, max_size=5),
    line=st.dictionaries(st.text(max_size=4), _values, max_size=3),
)
def test_a_notice_keeps_its_fields_and_lines_exactly_as_the_plain_definition(fields, line):
    draft = n.NoticeDraft("record", ZHANG, "notice.record.new", fields, (Message("notice.how_to_dispute", line),))
    assert _exactly(draft.fields) == _exactly(_plain_reference(fields))
    assert draft.fields is not fields  # a copy: the caller's dict may change later
    assert _exactly(dict(draft.lines[0].fields)) == _exactly(_plain_reference(line))
    assert [m.key for m in draft.lines] == ["notice.how_to_dispute"]


def _a_history(rule: str, changes) -> tuple:
    """The registry, a record under ``rule`` decided on 2024-03-05 with the ``changes``
    that apply to it (those refused are left out), and that day."""
    reg = registry(version(dispute_deadline="P30D"))
    file = history(reg, record(rule))
    start = D("2024-03-05")
    for kind, offset, outcome in changes:
        on = (start + dt.timedelta(days=offset)).isoformat()
        extra = {"outcome": outcome} if kind == "dispute_resolved" else {}
        try:
            file = apply_change(file, event(kind, on, **extra), reg)
        except Rejected:
            continue
    return reg, file, start


@settings(max_examples=120, deadline=None)
@given(
    rule=st.sampled_from(["traffic.red_light", "court.judgment_default", "tax.late_payment"]),
    changes=CHANGES,
    asked=st.integers(min_value=0, max_value=1200),
    left_out=st.sets(st.sampled_from(["effective", "list-start", "list-end"])),
)
def test_a_round_asks_for_the_keys_of_the_notices_due_and_writes_out_only_those_not_written(
    rule, changes, asked, left_out
):
    """What a round asks the outbox about (``due_notice_keys``) is the dedupe keys of the
    notices due by the day: the record in effect from the day it starts counting, its
    list entry from the day it starts and again from the day it ends (never for an
    annulled record), each on its first day and not the day before. The notices written
    out with ``unless`` are the others, the same, in the same order."""
    from xinyong.domain.standing import timeline

    reg, file, start = _a_history(rule, changes)
    line = timeline(file, reg)
    placement = line.placement
    firsts = {
        f"effective:{file.id}": line.starts_counting(),
        f"list-start:{file.id}": placement.start if placement else None,
        f"list-end:{file.id}:{placement.until if placement else None}": placement.until if placement else None,
    }
    one = dt.timedelta(days=1)
    days = {start + dt.timedelta(days=asked)} | {d + shift for d in firsts.values() if d for shift in (-one, 0 * one)}
    for day in sorted(days):
        expected = [k for k, first in firsts.items() if first is not None and first <= day and not line.annulled]
        every = n.due_notices(file, reg, day)
        assert [d.dedupe for d in every] == expected
        assert n.due_notice_keys(line, day) == expected
        written = {k for k in expected if k.split(":")[0] in left_out}
        assert n.due_notices(file, reg, day, unless=written) == [d for d in every if d.dedupe not in written]


@settings(max_examples=150, deadline=None)
@given(
    rule=st.sampled_from(["traffic.red_light", "court.judgment_default", "tax.late_payment"]),
    changes=CHANGES,
    asked=st.integers(min_value=-30, max_value=1200),
)
def test_nothing_more_comes_due_for_a_record_before_its_next_due_day_and_something_does_on_it(rule, changes, asked):
    """A round reads a record again only from its next due day: the notices due stay the
    same every day before it, and one more is due on it; with none, the same for ever."""
    from xinyong.domain.standing import timeline

    reg, file, start = _a_history(rule, changes)
    line = timeline(file, reg)
    day = start + dt.timedelta(days=asked)
    now = n.due_notice_keys(line, day)
    following = n.next_due_day(line, day)
    one = dt.timedelta(days=1)
    if following is None:
        assert n.due_notice_keys(line, D("2999-12-31")) == now
        return
    assert following > day
    assert n.due_notice_keys(line, following - one) == now
    assert len(n.due_notice_keys(line, following)) > len(now)
    # Every day in between too, at a few points.
    for d in (day + one, day + (following - day) / 2):
        if d < following:
            assert n.due_notice_keys(line, d) == now
