"""Notice bodies are compressed before they are sealed, and a record's notice keeps its
rule's title and legal basis in the catalog rather than in every notice: every kind of
notice that intake, due process and checks write reads back exactly as written, a notice
sealed as plain JSON (before bodies were compressed) still reads, and a record's notice
takes a fraction of the room it took. On SQLite and PostgreSQL (``--backend``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.support.identifiers import resident_number
from xinyong import messages
from xinyong.adapters.storage.notice_bodies import unpack
from xinyong.adapters.storage.outbox import Outbox
from xinyong.adapters.storage.tables import notices
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import NoticeDraft

pytestmark = pytest.mark.integration

CATALOGS = Path(__file__).resolve().parents[2] / "catalogs"
TODAY = dt.date.today()
PERSON = SubjectRef.parse("rid:" + resident_number("37108219800101021"))
OFFICER = Reader(name="officer-zhou", role="officer", token_id="t-officer")
RC, JD = "rongcheng-personal", "national-judgment-defaulters"

# Every key a notice is written under in the scenario below.
KEYS = {
    "notice.subject.registered",
    "notice.subject.changed",
    "notice.contact.set",
    "notice.contact.changed",
    "notice.record.new",
    "notice.record.effective",
    "notice.record.annulled",
    "notice.dispute.filed",
    "notice.dispute.filed.source",
    "notice.dispute.decided",
    "notice.dispute.decided.source",
    "notice.fulfilled",
    "notice.repair.applied",
    "notice.repair.refused",
    "notice.repair.granted",
    "notice.review.decided",
    "notice.list.started",
    "notice.list.ended",
    "notice.adverse.deny",
    "notice.adverse.review",
}


def iso(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def record(record_id: str, rule: str, decided: int, source: str = "rc-court") -> dict:
    return {
        "type": "record",
        "id": record_id,
        "subject": str(PERSON),
        "rule": rule,
        "occurred_on": iso(decided - 3),
        "decided_on": iso(decided),
        "source": source,
        "reference": f"REF-{record_id.upper()}",
    }


def _everything(d) -> None:
    """Notices of every kind for one person: from the intake, due process, the passing
    of time and checks."""
    d.catalogs.load(sorted(CATALOGS.glob("*.toml")))
    person = str(PERSON)
    d.intake.submit(
        [
            {"type": "subject", "subject": person, "jurisdiction": "CN-SD-RC", "name": "王伟"},
            {"type": "subject", "subject": person, "jurisdiction": "CN-SD-RC", "name": "Wang Wei"},
            {"type": "contact", "subject": person, "email": "wang.wei@example.org", "on": iso(0)},
            {"type": "contact", "subject": person, "email": "w.wei@example.com", "on": iso(0)},
            # On the judgment-defaulters list: one entry ended by fulfilment, one open.
            record("jd-paid", f"{JD}/court.judgment_default", -300),
            {"type": "fulfilled", "record": "jd-paid", "on": iso(-10)},
            record("jd-open", f"{JD}/court.judgment_default", -200),
            # Enough penalties for grade C (a loan application is reviewed).
            record("rc-breach", f"{RC}/court.contract_breach", -200),
            record("rc-damage", f"{RC}/utility.equipment_damage", -200),
            record("rc-arrears", f"{RC}/loan.arrears_cycle", -100),
            # Disputed and decided, annulled, repaired, fulfilled: at the intake.
            record("rc-upheld", f"{RC}/lending.private_breach", -5),
            {"type": "dispute_filed", "record": "rc-upheld", "on": iso(-4)},
            {"type": "dispute_resolved", "record": "rc-upheld", "on": iso(-2), "outcome": "upheld"},
            record("rc-annulled", f"{RC}/guarantee.breach", -5),
            {"type": "annulled", "record": "rc-annulled", "on": iso(-1)},
            record("rc-ticket", f"{RC}/traffic.ticket", -60, "rc-traffic-police"),
            {"type": "repaired", "record": "rc-ticket", "on": iso(-1)},
            record("rc-fees", f"{RC}/utility.late_fees", -30),
            {"type": "fulfilled", "record": "rc-fees", "on": iso(-1)},
            # In its notice window, for due process.
            record("rc-fresh", f"{RC}/loan.arrears_cycle", 0),
            record("rc-repair", f"{RC}/traffic.ticket", -40, "rc-traffic-police"),
        ]
    )
    # Due process: a dispute filed and annulled by an officer, repair refused and granted.
    dispute = d.due_process.file_dispute(PERSON, "rc-fresh", "not my loan", TODAY)
    d.due_process.decide_dispute(dispute.id, "annulled", "The loan was repaid on time.", OFFICER, TODAY)
    refused = d.due_process.apply_for_repair(PERSON, "rc-repair", "paid", "I will drive carefully.", TODAY)
    d.due_process.decide_repair(refused.id, "refused", "The proof is not legible.", OFFICER, TODAY)
    granted = d.due_process.apply_for_repair(PERSON, "rc-repair", "paid, receipt", "I will drive carefully.", TODAY)
    d.due_process.decide_repair(granted.id, "granted", "Paid in full.", OFFICER, TODAY)
    # The passing of time: records in effect, list entries started and ended.
    d.due_process.send_due_notices(TODAY)
    # Checks: a flight denied (the list), a loan sent to review (the grade), and a review.
    d.inquiries.check(PERSON, "air_travel.ticket", TODAY, Reader("sky-airline", "service-point", "t-air"), "ticket")
    d.inquiries.check(PERSON, "loan.apply", TODAY, Reader("city-bank", "service-point", "t-bank"), "loan")
    adverse = next(n for n in d.outbox.inbox(PERSON) if n.key == "notice.adverse.deny")
    review = d.due_process.request_review(PERSON, adverse.id, "I paid the judgment.", TODAY)
    d.due_process.decide_review(review.id, "overturned", "The judgment was performed.", OFFICER, TODAY)


def _draft_lines(draft: NoticeDraft) -> tuple[tuple[str, dict], ...]:
    return tuple((line.key, dict(line.fields)) for line in draft.lines)


def _shown(key: str | None, fields: dict, lines) -> str:
    """A notice's key, fields (in their order) and lines, as JSON text."""
    return json.dumps([key, fields, lines], ensure_ascii=False)


def _all_notices(d) -> list:
    found = {n.id: n for n in d.outbox.inbox(PERSON)}
    for source in ("rc-court", "rc-traffic-police"):
        found.update({n.id: n for n in d.outbox.for_source(source)})
    return list(found.values())


def test_every_kind_of_notice_reads_back_exactly_as_it_was_written(deployment, monkeypatch):
    written: list[NoticeDraft] = []
    original = Outbox.write

    def write(self, connection, drafts):
        drafts = list(drafts)
        written.extend(drafts)
        return original(self, connection, drafts)

    monkeypatch.setattr(Outbox, "write", write)
    _everything(deployment)

    read = _all_notices(deployment)
    assert {n.key for n in read} == KEYS
    assert len(read) == deployment.outbox.count()
    drafts = {_shown(draft.key, draft.fields, _draft_lines(draft)): draft for draft in written}
    for notice in read:
        draft = drafts.get(_shown(notice.key, notice.fields, notice.lines))
        assert draft is not None, notice.key
        assert (notice.subject, notice.record, notice.source) == (str(draft.subject), draft.record, draft.to_source)
        for language in messages.LANGUAGES:
            for channel in (None, "api"):
                # Rendered alike (place names and all) from what was written.
                as_written = replace(notice, key=draft.key, fields=dict(draft.fields), lines=_draft_lines(draft))
                assert notice.rendered(language, channel) == as_written.rendered(language, channel)
    # A record's notices take the rule's title and legal basis from the catalog.
    new = next(n for n in read if n.key == "notice.record.new" and n.record == "rc-fresh")
    assert new.fields["rule_title"] and new.fields["legal_basis"]
    assert new.rendered("zh-CN")[1] != new.rendered("en")[1]


def _sealed(d, notice_id: str) -> tuple[bytes, dict]:
    """A notice's sealed value and the body it opens to, as stored."""
    with d.store.reading() as connection:
        row = connection.execute(select(notices).where(notices.c.id == notice_id)).one()
    sealed = bytes(row.sealed)
    return sealed, unpack(d.store.sealer.open(sealed, b"notice:" + notice_id.encode()))


def test_a_record_notice_is_sealed_in_a_fraction_of_its_json(deployment):
    _everything(deployment)
    new = next(n for n in deployment.outbox.inbox(PERSON) if n.key == "notice.record.new" and n.record == "rc-fresh")
    sealed, body = _sealed(deployment, new.id)
    # Sealed as JSON, as before, it took more than 600 bytes.
    lines = [key if not fields else [key, fields] for key, fields in new.lines]
    plain = {"subject": new.subject, "key": new.key, "fields": new.fields, "lines": lines}
    assert len(deployment.store.sealer.seal(json.dumps(plain, separators=(",", ":")).encode())) > 600
    assert len(sealed) < 200, len(sealed)
    # Neither the catalog's texts nor words are in what is sealed.
    assert body["catalog_texts"] == ["rule_title", "legal_basis"]
    assert body["fields"]["rule_title"] is None and body["fields"]["legal_basis"] is None


def test_a_title_that_differs_from_the_catalog_is_kept(deployment):
    """A record's notice whose texts are not its catalog's (written with another rule's
    title, say) keeps them as written."""
    deployment.catalogs.load([CATALOGS / "rongcheng-personal.toml"])
    deployment.intake.submit([{"type": "subject", "subject": str(PERSON), "jurisdiction": "CN-SD-RC"}])
    fields = {
        "record": "x-1",
        "rule": f"{RC}/traffic.ticket",
        "rule_title": "Not the catalog's title",
        "legal_basis": None,
        "catalog_version": "2022.1",
        "points": -5,
    }
    others = [
        {**fields, "rule_title": None},  # a legal basis the catalog has, no title
        {**fields, "catalog_version": "1999.1"},  # a version not stored
        {**fields, "rule": f"{RC}/no.such_rule"},
        {k: v for k, v in fields.items() if k != "catalog_version"},
    ]
    drafts = [NoticeDraft("record", PERSON, "notice.record.new", f, record="x-1") for f in (fields, *others)]
    with deployment.store.transaction() as connection:
        deployment.outbox.write(connection, drafts)
    read = sorted((n for n in deployment.outbox.inbox(PERSON) if n.key == "notice.record.new"), key=lambda n: n.seq)
    assert [json.dumps(n.fields) for n in read] == [json.dumps(d.fields) for d in drafts]


def test_each_catalog_version_is_parsed_once_a_process_not_once_a_write(deployment, monkeypatch):
    """The outbox of each unit of work finds the catalogs' texts parsed already: a notice
    round's writes of 200 notices each parsed every catalog again (10 ms a write)."""
    from xinyong.adapters.storage import store as store_module

    deployment.catalogs.load([CATALOGS / "rongcheng-personal.toml"])
    deployment.intake.submit([{"type": "subject", "subject": str(PERSON), "jurisdiction": "CN-SD-RC"}])
    parsed: list[str] = []
    parse = store_module.parse_catalog
    monkeypatch.setattr(store_module, "parse_catalog", lambda *a, **k: parsed.append(a[1]) or parse(*a, **k))
    fields = {"record": "x-1", "rule": f"{RC}/traffic.ticket", "catalog_version": "2022.1", "points": -5}
    for number in range(3):
        draft = NoticeDraft("record", PERSON, "notice.record.new", {**fields, "rule_title": f"title {number}"})
        with deployment.units() as uow:
            uow.notices.write([draft])
            uow.commit()
    assert len(parsed) <= 1, parsed  # the first write may parse it; no later one does
    assert len([n for n in deployment.outbox.inbox(PERSON) if n.key == "notice.record.new"]) == 3


def test_a_notice_sealed_as_plain_json_still_reads(deployment):
    """As notices were written before bodies were compressed: the JSON body sealed."""
    _everything(deployment)
    new = next(n for n in deployment.outbox.inbox(PERSON) if n.key == "notice.record.new" and n.record == "rc-fresh")
    body = {
        "subject": new.subject,
        "key": new.key,
        "fields": new.fields,
        "lines": [key if not fields else [key, fields] for key, fields in new.lines],
    }
    row = {
        "id": "01d01d01d01d",
        "created_at": "2025-01-01T00:00:00+00:00",
        "kind": "record",
        "subject_key": deployment.store.subject_key(PERSON),
        "source": None,
        "record_id": "rc-fresh",
        "dedupe": None,
        "sealed": deployment.store.sealer.seal(json.dumps(body, ensure_ascii=False).encode(), b"notice:01d01d01d01d"),
    }
    with deployment.store.transaction() as connection:
        deployment.store.append_rows(connection, "notices", [row])
    old = next(n for n in deployment.outbox.inbox(PERSON) if n.id == "01d01d01d01d")
    assert (old.key, old.fields, old.lines) == (new.key, new.fields, new.lines)
    assert json.dumps(old.fields) == json.dumps(new.fields)
    for language in messages.LANGUAGES:
        assert old.rendered(language) == new.rendered(language)
    with deployment.store.reading() as connection:
        reports = deployment.store.verify(connection)
    assert all(r.intact for r in reports), [r for r in reports if not r.intact]
