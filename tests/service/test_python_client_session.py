"""The scripted session through the typed client generated into clients/python, against
a live server (issue 15, item 2): the registry registers a person and a source files a
record on them; a service point checks a manifest; the person reads the report and
disputes the record; an officer decides the dispute; the source reads of it.

The client is imported from the repository's clients/python as it is committed (the
e2e tests hold it to the generator)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from tests.service.conftest import SOURCE_NAME, SUBJECT, ZHANG, ZHANG_NAME, running_server

pytestmark = pytest.mark.e2e

CLIENTS = Path(__file__).resolve().parents[2] / "clients" / "python"
if str(CLIENTS) not in sys.path:
    sys.path.insert(0, str(CLIENTS))

from xinyong_client import AuthenticatedClient  # noqa: E402
from xinyong_client.api.due_process import (  # noqa: E402
    decide_dispute_v1_disputes_dispute_id_decision_post as decide_dispute,
)
from xinyong_client.api.due_process import dispute_queue_v1_disputes_get as dispute_queue  # noqa: E402
from xinyong_client.api.due_process import file_dispute_v1_me_disputes_post as file_dispute  # noqa: E402
from xinyong_client.api.due_process import source_notices_v1_source_notices_get as source_notices  # noqa: E402
from xinyong_client.api.sources import submit_events_v1_events_post as submit_events  # noqa: E402
from xinyong_client.api.standing import checks_batch_v1_checks_batch_post as checks_batch  # noqa: E402
from xinyong_client.api.standing import checks_v1_checks_post as check  # noqa: E402
from xinyong_client.api.subjects import my_report_v1_me_report_get as my_report  # noqa: E402
from xinyong_client.models import (  # noqa: E402
    CheckAnswer,
    CheckAnswers,
    CheckManifest,
    CheckQuestion,
    Decision,
    DisputeFiling,
    DisputeView,
    EventsAnswer,
    FulfilledEvent,
    ProblemDetail,
    RecordEvent,
    Report,
    SubjectEvent,
)

RECORD = "client-tp-0001"


@pytest.fixture(scope="module")
def live(template, tmp_path_factory):
    with running_server(template, tmp_path_factory.mktemp("client-session")) as running:
        clients = {
            who: AuthenticatedClient(base_url=running.url, token=token, raise_on_unexpected_status=True)
            for who, token in template.tokens.items()
        }
        yield running, clients
        for client in clients.values():
            client.get_httpx_client().close()


def test_the_scripted_session_runs_through_the_generated_client(live):
    _, clients = live
    today = dt.date.today()

    # The registry registers Zhang; the source files a record on Zhang.
    registered = submit_events.sync(
        client=clients["registry"],
        body=[SubjectEvent(type_="subject", subject=ZHANG, jurisdiction="CN-SD-RC", name=ZHANG_NAME)],
    )
    assert isinstance(registered, EventsAnswer), registered
    assert registered.written_by_type.additional_properties in ({"subject": 1}, {})
    record = RecordEvent(
        type_="record",
        id=RECORD,
        subject=ZHANG,
        rule="city-personal/traffic.red_light",
        occurred_on=today - dt.timedelta(days=10),
        decided_on=today - dt.timedelta(days=3),
        source=SOURCE_NAME,
        reference="CLIENT-TP-1",
    )
    filed = submit_events.sync(client=clients["source"], body=[record])
    assert isinstance(filed, EventsAnswer), filed
    assert (filed.written, [(e.type_, e.id, e.outcome.value) for e in filed.events]) == (
        1,
        [("record", RECORD, "written")],
    )

    # A batch the intake refuses: a problem naming the event by its index, with the reason.
    refused_batch = submit_events.sync_detailed(
        client=clients["source"], body=[FulfilledEvent(type_="fulfilled", record="no-such-record", on=today)]
    )
    assert refused_batch.status_code == 422
    assert isinstance(refused_batch.parsed, ProblemDetail)
    assert refused_batch.parsed.type_.endswith("/events-refused")
    (error,) = refused_batch.parsed.errors
    assert error.index == 1 and "no-such-record" in error.reason

    # A service point checks a manifest; the answers are those of one check at a time,
    # and of the list form /v1/checks still takes.
    questions = [
        CheckQuestion(subject=ZHANG, action="air_travel.ticket", purpose="flight manifest"),
        CheckQuestion(subject=SUBJECT, action="rail.high_speed.ticket"),
    ]
    answered = checks_batch.sync(client=clients["service-point"], body=CheckManifest(questions=questions))
    assert isinstance(answered, CheckAnswers), answered
    assert [(a.subject, a.action) for a in answered.answers] == [(q.subject, q.action) for q in questions]
    one_by_one = [check.sync(client=clients["service-point"], body=q) for q in questions]
    assert all(isinstance(a, CheckAnswer) for a in one_by_one)
    assert [a.to_dict() for a in one_by_one] == [a.to_dict() for a in answered.answers]
    as_a_list = clients["service-point"].get_httpx_client().post("/v1/checks", json=[q.to_dict() for q in questions])
    assert as_a_list.status_code == 200, as_a_list.text
    assert as_a_list.json() == [a.to_dict() for a in answered.answers]

    # Outside the service point's scopes: a problem document, parsed as one.
    refused = checks_batch.sync_detailed(
        client=clients["service-point"],
        body=CheckManifest(questions=[CheckQuestion(subject=ZHANG, action="loan.apply")]),
    )
    assert refused.status_code == 403
    assert isinstance(refused.parsed, ProblemDetail)
    assert refused.parsed.type_.endswith("/forbidden")

    # Zhang reads the report, and disputes the record.
    report = my_report.sync(client=clients["zhang"])
    assert isinstance(report, Report), report
    assert (report.subject, report.name) == (ZHANG, ZHANG_NAME)
    assert [r.record for r in report.records] == [RECORD]
    dispute = file_dispute.sync(
        client=clients["zhang"], body=DisputeFiling(record=RECORD, grounds="I was abroad on that day.")
    )
    assert isinstance(dispute, DisputeView), dispute
    assert (dispute.record, dispute.status) == (RECORD, "open")

    # An officer finds it in the queue and decides it.
    queue = dispute_queue.sync(client=clients["officer"])
    assert isinstance(queue, list)
    assert dispute.id in [d.id for d in queue]
    decided = decide_dispute.sync(
        dispute.id, client=clients["officer"], body=Decision(outcome="annulled", reasons="The passport shows it.")
    )
    assert isinstance(decided, DisputeView), decided
    assert (decided.status, decided.outcome) == ("decided", "annulled")
    after = my_report.sync(client=clients["zhang"])
    assert isinstance(after, Report)
    assert [r.status for r in after.records if r.record == RECORD] == ["annulled"]

    # The source reads of the dispute and of its decision.
    notices = source_notices.sync(client=clients["source"])
    assert isinstance(notices, list)
    about = [n for n in notices if n.fields.additional_properties.get("record") == RECORD]
    assert len(about) >= 2, [n.to_dict() for n in notices]
