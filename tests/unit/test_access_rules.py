"""The access rules every entrypoint applies alike: an officer's stated purpose, what a
service point may see of a decision, and the outcomes an officer's decision can have."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.domain.access import PurposeRequired, Reader
from xinyong.domain.decisions import OUTCOMES, InvalidOutcome, valid_outcome
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import CheckDecision, Reason

pytestmark = pytest.mark.unit

SUBJECT = SubjectRef.parse("rid:11010519491231002X")
OFFICER = Reader("officer-li", "officer")
SERVICE_POINT = Reader("rail-desk", "service-point", scopes=("rail",))
RESIDENT = Reader("resident", "subject", subject=SUBJECT)


# ------------------------------------------------------------------ stated purpose


@pytest.mark.parametrize("purpose", [None, "", "   ", "\t\n"], ids=["absent", "empty", "blank", "whitespace"])
def test_an_officer_without_a_purpose_is_refused(purpose):
    with pytest.raises(PurposeRequired) as refused:
        OFFICER.stated_purpose(purpose)
    assert refused.value.key == "purpose.required"


@pytest.mark.parametrize("purpose", ["x", "case 2025-17", "  complaint 311  "])
def test_an_officer_with_any_purpose_that_is_not_blank_reads_and_it_is_kept_as_given(purpose):
    assert OFFICER.stated_purpose(purpose) == purpose


@pytest.mark.parametrize("reader", [SERVICE_POINT, RESIDENT], ids=["service-point", "subject"])
@pytest.mark.parametrize("purpose", [None, "", "ticket sale"])
def test_other_readers_may_give_a_purpose_or_not(reader, purpose):
    assert reader.stated_purpose(purpose) == purpose


# ------------------------------------------------------------------ scores hidden


def _decision() -> CheckDecision:
    graded = Reason("city", "2025.1", "m1", "rail.ticket", "deny", {"grade": "D", "score": 612}, "Art. 1", None)
    listed = Reason("city", "2025.1", "m2", "rail.ticket", "deny", {"list": "black", "record": "r1"}, None, None)
    return CheckDecision(SUBJECT, "rail.ticket", dt.date(2025, 6, 1), "deny", (graded, listed), ())


def test_a_service_point_sees_the_decision_and_its_reasons_without_a_score():
    seen = SERVICE_POINT.sees(_decision())
    assert [dict(r.trigger) for r in seen.reasons] == [{"grade": "D"}, {"list": "black", "record": "r1"}]
    assert (seen.decision, [r.measure for r in seen.reasons]) == ("deny", ["m1", "m2"])


def test_an_officer_sees_the_score_behind_a_decision():
    assert OFFICER.sees(_decision()).reasons[0].trigger == {"grade": "D", "score": 612}


def test_hiding_the_score_leaves_the_decision_itself_unchanged():
    decision = _decision()
    SERVICE_POINT.sees(decision)
    assert decision.reasons[0].trigger == {"grade": "D", "score": 612}


# ------------------------------------------------------------------ outcomes


@pytest.mark.parametrize(("kind", "outcome"), [(k, o) for k, outcomes in OUTCOMES.items() for o in outcomes])
def test_each_kind_of_case_takes_its_own_outcomes(kind, outcome):
    assert valid_outcome(kind, outcome) == outcome


@pytest.mark.parametrize(
    ("kind", "outcome"), [("dispute", "granted"), ("repair", "upheld"), ("review", "annulled"), ("dispute", "")]
)
def test_an_outcome_of_another_kind_of_case_is_refused_naming_the_allowed_ones(kind, outcome):
    with pytest.raises(InvalidOutcome) as refused:
        valid_outcome(kind, outcome)
    assert refused.value.allowed == OUTCOMES[kind]
    assert str(refused.value) == f"outcome must be one of {', '.join(OUTCOMES[kind])}"
