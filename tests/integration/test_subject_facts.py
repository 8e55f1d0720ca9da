"""Authority over subject facts (issue 9, item 1), at the intake: only the registry
writes a subject's jurisdiction and name; the contact address is the subject's own or the
registry's; every change notifies the subject, in the same transaction; a re-send of
the same facts changes nothing. On SQLite and PostgreSQL (``--backend``)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.conftest import scenario_files
from xinyong.adapters.storage.tables import ledger, notices
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.intake import ImportForbidden

pytestmark = pytest.mark.integration

PERSON = SubjectRef.parse("rid:11010519491231002X")
OTHER = SubjectRef.parse("rid:140451198304254480")
TODAY = dt.date.today().isoformat()

SOURCE = Reader(name="traffic-police", role="source", token_id="t1", scopes=("city-personal/traffic.*",))
REGISTRY = Reader(name="civil-registry", role="registry", token_id="t2")
RESIDENT = Reader(name="subject-t3", role="subject", token_id="t3", subject=PERSON)


def facts(jurisdiction="CN-BJ", name="Zhang San", **more) -> dict:
    return {"type": "subject", "subject": str(PERSON), "jurisdiction": jurisdiction, "name": name, **more}


def contact(email: str, subject: SubjectRef = PERSON) -> dict:
    return {"type": "contact", "subject": str(subject), "email": email, "on": TODAY}


RED_LIGHT = {
    "type": "record",
    "id": "facts-red-1",
    "subject": str(PERSON),
    "rule": "city-personal/traffic.red_light",
    "occurred_on": "2024-03-01",
    "decided_on": "2024-03-05",
    "source": "traffic-police",
}


@pytest.fixture
def loaded(deployment):
    deployment.catalogs.load(scenario_files("basic")["catalogs"])
    deployment.intake.submit([facts()])  # the operator's import: trusted
    return deployment


def counts(d) -> tuple[int, int]:
    with d.store.reading() as c:
        return (
            c.execute(select(func.count()).select_from(ledger)).scalar_one(),
            c.execute(select(func.count()).select_from(notices)).scalar_one(),
        )


def current(d) -> tuple[str, str | None, list[str]]:
    with d.store.reading() as c:
        latest = d.store.subject_facts(c, PERSON)
        history = d.store.contact_histories(c, [PERSON])[PERSON]
    return latest.jurisdiction, latest.name, history


def kinds(d, subject: SubjectRef = PERSON) -> list[str]:
    return [n.kind for n in d.outbox.inbox(subject)]


@pytest.mark.parametrize(
    "event",
    [
        facts(jurisdiction="CN-SD-RC"),
        facts(name="Someone Else"),
        facts(email="attacker@example.net"),
        contact("attacker@example.net"),
        {**facts(), "subject": str(OTHER)},  # creating a subject is the registry's too
    ],
    ids=["jurisdiction", "name", "email", "contact", "create"],
)
def test_a_source_cannot_write_a_subjects_facts_and_nothing_of_its_batch_is_written(loaded, event):
    before = counts(loaded)
    with pytest.raises(ImportForbidden) as refused:
        loaded.intake.submit([RED_LIGHT, event], submitter=SOURCE)
    assert refused.value.rejections[0].line == 2
    assert "registry" in refused.value.rejections[0].reason
    assert counts(loaded) == before
    assert current(loaded) == ("CN-BJ", "Zhang San", [])


def test_the_registry_changes_a_subjects_facts_and_the_subject_is_notified(loaded):
    result = loaded.intake.submit([facts(jurisdiction="CN-SD-RC", name="Zhang Sanfeng")], submitter=REGISTRY)
    assert (result.written, result.notices) == (1, 1)
    assert current(loaded)[:2] == ("CN-SD-RC", "Zhang Sanfeng")
    [notice] = [n for n in loaded.outbox.inbox(PERSON) if n.kind == "subject_facts"][:1]
    assert notice.fields["previous_jurisdiction"] == "CN-BJ"
    assert notice.fields["jurisdiction"] == "CN-SD-RC"
    assert set(notice.fields["changed"]) == {"jurisdiction", "name"}
    assert "CN-SD-RC" in notice.rendered("en")[1] and "CN-SD-RC" in notice.rendered("zh-CN")[1]
    assert "山东省荣成市（CN-SD-RC）" in notice.rendered("zh-CN")[1]
    assert "Rongcheng, Shandong (CN-SD-RC)" in notice.rendered("en")[1]


def test_a_registrys_resend_of_the_same_facts_changes_nothing_and_notifies_nothing(loaded):
    loaded.intake.submit([facts(jurisdiction="CN-SD-RC", email="zhang@example.org")], submitter=REGISTRY)
    before = counts(loaded)
    again = loaded.intake.submit([facts(jurisdiction="CN-SD-RC", email="zhang@example.org")], submitter=REGISTRY)
    without_email = loaded.intake.submit([facts(jurisdiction="CN-SD-RC")], submitter=REGISTRY)
    same_contact = loaded.intake.submit([contact("zhang@example.org")], submitter=REGISTRY)
    assert [r.written for r in (again, without_email, same_contact)] == [0, 0, 0]
    assert counts(loaded) == before


def test_a_later_subject_event_without_an_email_leaves_the_address(loaded):
    loaded.intake.submit([contact("zhang@example.org")], submitter=RESIDENT)
    loaded.intake.submit([facts(jurisdiction="CN-SD-RC")], submitter=REGISTRY)
    assert current(loaded) == ("CN-SD-RC", "Zhang San", ["zhang@example.org"])


def test_a_subject_sets_its_own_contact_and_each_change_is_announced(loaded):
    loaded.intake.submit([contact("zhang@example.org")], submitter=RESIDENT)
    loaded.intake.submit([contact("zhang.san@example.com")], submitter=RESIDENT)
    assert current(loaded)[2] == ["zhang@example.org", "zhang.san@example.com"]
    announced = [n for n in loaded.outbox.inbox(PERSON) if n.kind == "contact_changed"]
    newest = announced[0]
    assert newest.fields["contact_change"] == 1
    assert (newest.fields["email"], newest.fields["previous_email"]) == ("z***@example.com", "z***@example.org")
    assert len(announced) == 2


def test_a_subject_cannot_set_another_subjects_contact_nor_its_own_facts(loaded):
    before = counts(loaded)
    for event in (contact("zhang@example.org", subject=OTHER), facts(jurisdiction="CN-SD-RC")):
        with pytest.raises(ImportForbidden):
            loaded.intake.submit([event], submitter=RESIDENT)
    assert counts(loaded) == before


def test_the_registry_files_no_records(loaded):
    before = counts(loaded)
    with pytest.raises(ImportForbidden) as refused:
        loaded.intake.submit([RED_LIGHT], submitter=REGISTRY)
    assert "sources" in refused.value.rejections[0].reason
    assert counts(loaded) == before


def test_the_operators_import_may_still_carry_subject_facts(loaded):
    result = loaded.intake.import_lines(
        [
            '{"type": "subject", "subject": "rid:11010519491231002X", "jurisdiction": "CN-SD-RC", '
            '"name": "Zhang San"}\n',
            f'{{"type": "contact", "subject": "rid:11010519491231002X", "email": "z@example.org", "on": "{TODAY}"}}\n',
        ]
    )
    assert result.written == 2
    assert current(loaded) == ("CN-SD-RC", "Zhang San", ["z@example.org"])
    assert kinds(loaded)[:2] == ["contact_changed", "subject_facts"]


def test_an_email_address_is_never_in_clear_in_the_ledger(loaded):
    loaded.intake.submit([contact("secret.address@example.org")], submitter=RESIDENT)
    loaded.intake.submit([facts(email="other.secret@example.org")], submitter=REGISTRY)
    with loaded.store.reading() as c:
        rows = [tuple(r) for r in c.execute(select(ledger))] + [tuple(r) for r in c.execute(select(notices))]
    dumped = repr(rows)
    assert "secret.address" not in dumped and "other.secret" not in dumped
