"""The repository contract: the same assertions against the SQL unit of work (on the
suite's backend, SQLite or PostgreSQL) and against the first ring's fake, so that the
fake cannot drift from the store the services really run on."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from tests.conftest import scenario_files
from tests.support.fakes import FakeUnitsOfWork
from tests.support.identifiers import rid, uscc
from xinyong.domain.access import Reader
from xinyong.domain.attachments import Accepted
from xinyong.domain.catalog.files import parse_catalog
from xinyong.domain.events import parse_event
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.messages import Message
from xinyong.domain.notices import NoticeDraft
from xinyong.services.unit_of_work import Collision, DisputeActivity, NoticeRounds, ReadOnly, UnitsOfWork

pytestmark = pytest.mark.integration

D = dt.date
PERSON = SubjectRef.parse(rid("37108219900101003"))
OTHER = SubjectRef.parse(rid("37108219850505004"))
FIRM = SubjectRef.parse(uscc("91370000MA3C5EXA0"))
OFFICER = Reader("officer-zhou", "officer", "t1")


@pytest.fixture(params=["sql", "fake"])
def units(request, database: str, tmp_path: Path) -> UnitsOfWork:
    if request.param == "fake":
        return FakeUnitsOfWork()
    from xinyong.adapters.storage.unit_of_work import SqlUnitsOfWork
    from xinyong.bootstrap import open_deployment
    from xinyong.settings import Settings

    deployment = open_deployment(database, Settings(db=database, key_file=str(tmp_path / "k"), notice_interval=0))
    request.addfinalizer(deployment.close)
    return SqlUnitsOfWork(deployment.store)  # the adapter itself, without the services' hooks


def event(**fields):
    return parse_event(fields)


def record(record_id: str, subject: SubjectRef = PERSON, rule: str = "city-personal/traffic.red_light", **more):
    return event(
        type="record",
        id=record_id,
        subject=str(subject),
        rule=rule,
        occurred_on=more.pop("occurred_on", "2024-03-01"),
        decided_on=more.pop("decided_on", "2024-03-05"),
        source="traffic-police",
        **more,
    )


def facts(subject: SubjectRef, jurisdiction: str = "CN-SD-RC", **more):
    return event(type="subject", subject=str(subject), jurisdiction=jurisdiction, **more)


def write(units: UnitsOfWork, events, by: str | None = None) -> int:
    subjects = {e.id: e.subject for e in events if e.type == "record"}
    with units() as uow:
        stored = uow.ledger.records(
            [e.record for e in events if e.type not in ("record", "subject", "contact")], text=False
        )
        subjects |= {rid_: s.file.subject for rid_, s in stored.items()}
        written = uow.ledger.append(events, by, subjects)
        uow.commit()
    return written


# ------------------------------------------------------------------ the unit of work


def test_what_a_unit_writes_is_kept_only_when_it_commits(units):
    with units() as uow:
        uow.ledger.append([facts(PERSON)])
    with units() as uow:
        uow.ledger.append([facts(OTHER)])
        uow.commit()
    with pytest.raises(RuntimeError, match="boom"), units() as uow:
        uow.ledger.append([facts(FIRM)])
        raise RuntimeError("boom")
    with units(read_only=True) as uow:
        assert uow.ledger.event_count() == 1
        assert uow.ledger.latest_subject_events([PERSON, OTHER, FIRM]) == {OTHER: facts(OTHER)}


def test_a_read_only_unit_refuses_to_write_or_commit(units):
    with units(read_only=True) as uow:
        with pytest.raises(ReadOnly):
            uow.ledger.append([facts(PERSON)])
        with pytest.raises(ReadOnly):
            uow.access_log.write([PERSON], OFFICER, "score", "a purpose")
        with pytest.raises(ReadOnly):
            uow.commit()
    with units(read_only=True) as uow:
        assert uow.ledger.event_count() == 0


def test_a_unit_is_used_inside_its_block_only(units):
    uow = units()
    with pytest.raises(RuntimeError):
        uow.ledger.head()
    with uow:
        uow.commit()
        with pytest.raises(RuntimeError):
            uow.ledger.head()


# --------------------------------------------------------------------------- ledger


def test_records_come_back_with_their_later_events_in_order_and_their_provenance(units):
    ticket = record("r1", summary="ran the red light")
    filed = event(type="dispute_filed", id="d1", record="r1", on="2024-03-10", grounds="the light was green")
    decided = event(type="dispute_resolved", id="d1-decision", record="r1", on="2024-04-01", outcome="upheld")
    assert write(units, [facts(PERSON), ticket], by="traffic-police") == 2
    write(units, [filed, decided], by="officer")
    with units(read_only=True) as uow:
        stored = uow.ledger.records(["r1", "missing"])
        bare = uow.ledger.records(["r1"], text=False)["r1"].file
        fingerprint = uow.ledger.fingerprint(ticket.canonical())
    assert set(stored) == {"r1"}
    assert stored["r1"].file.record == ticket and stored["r1"].file.changes == (filed, decided)
    assert stored["r1"].fingerprint == fingerprint and stored["r1"].submitted_by == "traffic-police"
    assert bare.record.summary is None and bare.changes[0].grounds is None
    assert bare.changes[0].on == D(2024, 3, 10)


def test_a_subjects_ledger_holds_its_files_and_its_latest_facts(units):
    write(units, [facts(PERSON, "CN-SD"), record("r1"), record("r2"), record("o1", OTHER), facts(PERSON, "CN-BJ")])
    write(units, [event(type="fulfilled", id="f1", record="r1", on="2024-05-01")])
    with units(read_only=True) as uow:
        mine = uow.ledger.subject_ledger(PERSON)
        by_key = uow.ledger.subject_ledger(uow.ledger.subject_key(PERSON))
        nobody = uow.ledger.subject_ledger(FIRM)
    assert [f.id for f in mine.files] == ["r1", "r2"] and [c.id for c in mine.files[0].changes] == ["f1"]
    assert mine.jurisdiction == "CN-BJ" and by_key == mine
    assert nobody.files == [] and nobody.facts is None and nobody.jurisdiction is None


def test_contact_histories_keep_each_address_once_in_the_order_they_took_over(units):
    write(
        units,
        [
            facts(PERSON, email="a@example.org"),
            event(type="contact", subject=str(PERSON), email="b@example.org", on="2024-01-02"),
            event(type="contact", subject=str(PERSON), email="b@example.org", on="2024-01-03"),
            facts(PERSON),
            event(type="contact", subject=str(PERSON), email="a@example.org", on="2024-01-04"),
        ],
    )
    with units(read_only=True) as uow:
        assert uow.ledger.contact_histories([PERSON, OTHER]) == {
            PERSON: ["a@example.org", "b@example.org", "a@example.org"],
            OTHER: [],
        }


def test_a_later_event_id_is_taken_once_and_a_second_one_writes_nothing(units):
    write(units, [record("r1"), event(type="fulfilled", id="same", record="r1", on="2024-05-01")])
    with units(read_only=True) as uow:
        known = uow.ledger.later_events_by_id(["same", "other", "r1"])
        same = event(type="fulfilled", id="same", record="r1", on="2024-05-01")
        fingerprint = uow.ledger.fingerprint(same.canonical())
    assert known == {"same": fingerprint}
    with pytest.raises(Collision), units() as uow:
        uow.ledger.append(
            [record("r2"), event(type="annulled", id="same", record="r1", on="2024-06-01")], None, {"r1": PERSON}
        )
        uow.commit()
    with units(read_only=True) as uow:
        assert uow.ledger.record_ids() == ["r1"] and uow.ledger.event_count() == 2


def test_heads_and_counts(units):
    write(units, [facts(PERSON), record("r1")])
    with units(read_only=True) as uow:
        head = uow.ledger.head()
    write(units, [record("o1", OTHER), event(type="fulfilled", id="f", record="r1", on="2024-05-01")])
    with units(read_only=True) as uow:
        assert uow.ledger.head() == head + 2
        assert uow.ledger.event_count() == 4 and uow.ledger.record_count() == 2


def test_the_records_changed_after_an_event_and_where_the_notice_rounds_stand(units):
    write(units, [facts(PERSON), record("r1")])
    with units(read_only=True) as uow:
        head = uow.ledger.head()
        assert uow.notices.rounds() is None
    write(units, [record("o1", OTHER), event(type="fulfilled", id="f", record="r1", on="2024-05-01"), facts(OTHER)])
    with units() as uow:
        assert uow.ledger.record_ids_changed_after(head) == ["o1", "r1"]
        assert uow.ledger.record_ids_changed_after(head + 1) == ["r1"]
        assert uow.ledger.record_ids_changed_after(uow.ledger.head()) == []
        uow.notices.note_rounds(NoticeRounds(D(2024, 6, 1), head, "c1", D(2024, 6, 1)))
        uow.notices.note_rounds(NoticeRounds(D(2024, 6, 2), head + 2, "c2", D(2024, 5, 30)))  # in place of the first
        uow.commit()
    with units(read_only=True) as uow:
        assert uow.notices.rounds() == NoticeRounds(D(2024, 6, 2), head + 2, "c2", D(2024, 5, 30))


def test_next_due_days_are_kept_in_place_of_the_last_and_found_by_the_days_between(units):
    with units() as uow:
        uow.notices.keep_due({"r1": D(2024, 6, 10), "r2": D(2024, 6, 11), "r3": D(2024, 7, 1), "r4": None})
        uow.commit()
    with units() as uow:
        uow.notices.keep_due({"r1": D(2024, 8, 1), "r2": None})  # r1 later, r2 nothing more
        uow.commit()
    with units(read_only=True) as uow:
        assert uow.notices.due_between(D(2024, 6, 9), D(2024, 7, 1)) == ["r3"]
        assert sorted(uow.notices.due_between(D(2024, 6, 30), D(2024, 8, 1))) == ["r1", "r3"]
        assert uow.notices.due_between(D(2024, 7, 1), D(2024, 7, 31)) == []  # after, not on, the first day


def test_the_latest_act_that_stands_ignores_annulled_records_and_the_future(units):
    write(
        units,
        [
            record("early", occurred_on="2024-01-01", decided_on="2024-01-02"),
            record("annulled", occurred_on="2024-06-01", decided_on="2024-06-02"),
            record("dismissed", occurred_on="2024-07-01", decided_on="2024-07-02"),
            record("other-catalog", rule="market/x.y", occurred_on="2024-12-01", decided_on="2024-12-01"),
            record("late", occurred_on="2024-08-01", decided_on="2024-08-02"),
        ],
    )
    write(
        units,
        [
            event(type="annulled", id="a", record="annulled", on="2024-06-10"),
            event(type="dispute_filed", id="d", record="dismissed", on="2024-07-03"),
            event(type="dispute_resolved", id="dd", record="dismissed", on="2024-07-04", outcome="annulled"),
        ],
    )
    with units(read_only=True) as uow:
        assert uow.ledger.latest_act("city-personal", D(2025, 1, 1)) == D(2024, 8, 1)
        assert uow.ledger.latest_act("city-personal", D(2024, 7, 31)) == D(2024, 1, 1)
        assert uow.ledger.latest_act("nothing", D(2025, 1, 1)) is None


def test_dispute_filings_are_known_by_their_place_in_the_ledger(units):
    write(units, [record("r1"), record("r2")])
    write(units, [event(type="dispute_filed", id="d1", record="r1", on="2024-03-10")])
    with units(read_only=True) as uow:
        first = uow.ledger.head()
    write(
        units,
        [
            event(type="dispute_resolved", id="d1r", record="r1", on="2024-03-20", outcome="upheld"),
            event(type="dispute_filed", id="d2", record="r1", on="2024-04-10"),
        ],
    )
    with units(read_only=True) as uow:
        assert uow.ledger.dispute_filings() == {"r1": [first, uow.ledger.head()]}


def test_records_by_rule_and_in_pages_in_ledger_order(units):
    write(units, [record(f"r{i}", rule="a/x" if i % 2 else "a/y") for i in range(7)])
    with units(read_only=True) as uow:
        assert uow.ledger.record_ids_for_rules(["a/x"]) == ["r1", "r3", "r5"]
        assert uow.ledger.record_ids_for_rules([]) == []
        pages = [[f.id for f in page] for page in uow.ledger.record_pages(3)]
    assert pages == [["r0", "r1", "r2"], ["r3", "r4", "r5"], ["r6"]]


def test_subject_pages_give_every_subject_once_with_its_kind_jurisdiction_and_files(units):
    write(units, [facts(PERSON, "CN-SD"), record("r1"), facts(FIRM, "CN", name="Acme"), record("o1", OTHER)])
    with units(read_only=True) as uow:
        pages = list(uow.ledger.subject_pages(2))
        keys = {uow.ledger.subject_key(s): s for s in (PERSON, OTHER, FIRM)}
    assert [len(p) for p in pages] == [2, 1]
    seen = {keys[s.key]: s for page in pages for s in page}
    assert seen[PERSON].kind == "person" and seen[PERSON].jurisdiction == "CN-SD" and seen[PERSON].known
    assert [f.id for f in seen[PERSON].files] == ["r1"]
    assert seen[FIRM].kind == "organisation" and seen[FIRM].files == []
    assert not seen[OTHER].known and seen[OTHER].jurisdiction is None and [f.id for f in seen[OTHER].files] == ["o1"]
    assert [s.key for page in pages for s in page] == sorted(keys)


def test_the_latest_subject_event_of_every_subject_in_pages(units):
    write(units, [facts(PERSON, "CN-SD"), facts(OTHER, "CN-BJ"), facts(PERSON, "CN-SH"), record("r1")])
    with units(read_only=True) as uow:
        pages = list(uow.ledger.latest_subject_event_pages(1))
    assert pages == [[facts(OTHER, "CN-BJ")], [facts(PERSON, "CN-SH")]]


def test_disputes_are_counted_by_month(units):
    write(units, [record("r1"), record("r2")])
    write(
        units,
        [
            event(type="dispute_filed", id="d0", record="r2", on="2024-02-28"),
            event(type="dispute_filed", id="d1", record="r1", on="2024-03-10"),
            event(type="dispute_resolved", id="d1r", record="r1", on="2024-04-01", outcome="upheld"),
            event(type="dispute_filed", id="d2", record="r1", on="2024-04-10"),
        ],
    )
    with units(read_only=True) as uow:
        assert uow.ledger.dispute_activity(D(2024, 3, 15)) == [
            DisputeActivity(D(2024, 3, 1), 1, 0),
            DisputeActivity(D(2024, 4, 1), 1, 1),
        ]


# ------------------------------------------------------------------------ free text


def test_erasing_a_subjects_key_erases_its_free_text_everywhere_and_only_its_own(units):
    write(units, [record("r1", summary="mine"), record("o1", OTHER, summary="theirs")])
    with units() as uow:
        uow.access_log.write([PERSON, OTHER], OFFICER, "report", "checking a loan")
        case = uow.cases.open("repair", PERSON, "r1", {"proof": "a receipt", "applied_on": "2024-06-01"})
        uow.commit()
    with units(read_only=True) as uow:
        key = uow.ledger.subject_key(PERSON)
        assert set(uow.texts.holders()) == {key, uow.ledger.subject_key(OTHER)}
    with units() as uow:
        assert uow.texts.erase(key)
        assert not uow.texts.erase(key)
        uow.commit()
    with units(read_only=True) as uow:
        assert uow.texts.holders() == [uow.ledger.subject_key(OTHER)]
        assert uow.ledger.records(["r1"])["r1"].file.record.summary is None
        assert uow.ledger.records(["o1"])["o1"].file.record.summary == "theirs"
        assert [e.purpose for e in uow.access_log.entries(PERSON)[1]] == [None]
        assert [e.purpose for e in uow.access_log.entries(OTHER)[1]] == ["checking a loan"]
        opened = uow.cases.get(case)
        assert opened is not None and "proof" not in opened.opened and opened.opened["applied_on"] == "2024-06-01"
    write(units, [event(type="fulfilled", id="f", record="r1", on="2024-07-01", note="paid at last")])
    with units(read_only=True) as uow:
        assert uow.ledger.records(["r1"])["r1"].file.changes[0].note == "paid at last"
        assert uow.ledger.subject_key(PERSON) in uow.texts.holders()


# --------------------------------------------------------------- catalogs, directory


def test_catalog_versions_are_kept_in_order(units):
    paths = scenario_files("basic")["catalogs"]
    catalogs = [parse_catalog(p.read_text(), str(p)) for p in reversed(paths)]
    with units() as uow:
        for catalog, path in zip(catalogs, reversed(paths), strict=True):
            uow.catalogs.add(catalog, path.read_text())
        uow.commit()
    with units(read_only=True) as uow:
        assert uow.catalogs.count() == len(catalogs)
        assert [(c.id, c.effective_from) for c in uow.catalogs.all()] == sorted(
            (c.id, c.effective_from) for c in catalogs
        )


def test_the_directory_follows_organisations_subject_events(units):
    other_firm = SubjectRef.parse(uscc("91110000MA00ABCD1"))
    write(
        units,
        [
            facts(FIRM, "CN", name="Old Name Ltd"),
            facts(other_firm, "CN-BJ", name="Beijing Ａｃｍｅ  Trading"),
            facts(PERSON, name="Zhang San"),
            facts(FIRM, "CN-SD", name="Rongcheng Acme Works"),
        ],
    )
    with units(read_only=True) as uow:
        firm = uow.directory.organisation(FIRM)
        assert firm is not None and (firm.code, firm.name, firm.jurisdiction) == (
            FIRM.value,
            "Rongcheng Acme Works",
            "CN-SD",
        )
        assert firm.subject == str(FIRM)
        assert uow.directory.organisation(PERSON) is None
        assert [o.code for o in uow.directory.search("acme")] == [other_firm.value, FIRM.value]
        assert [o.code for o in uow.directory.search("ACME", limit=1)] == [other_firm.value]
        assert [o.code for o in uow.directory.search(FIRM.value[:6].lower())] == [FIRM.value]
        assert uow.directory.search("old name") == [] and uow.directory.search("zhang") == []
        assert uow.directory.search("%") == [] and uow.directory.search("  ") == []
        assert uow.directory.names([FIRM.value, "nobody"]) == {FIRM.value: "Rongcheng Acme Works"}


def full_width(text: str) -> str:
    """``text`` as a Chinese input method in full-width mode types it (Ｕ＋ＦＦ０１ on)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def test_a_search_is_counted_in_all_and_paged_by_name_with_unnamed_organisations_last(units):
    firms = [SubjectRef.parse(uscc(f"9137000{n:02d}MA3C5EXA")) for n in range(9)]
    names = [
        "荣成 海洋 公司",
        "Acme 公司",
        "北辰公司",
        "acme 二号 公司",
        None,
        "东方公司",
        "Zeta 公司",
        None,
        "不相干集团",
    ]
    write(
        units,
        [facts(f, "CN-SD", **({"name": n} if n else {})) for f, n in zip(firms, names, strict=True)],
    )
    with units(read_only=True) as uow:
        assert uow.directory.count("公司") == 6
        pages = [uow.directory.search("公司", limit=4, offset=start) for start in (0, 4, 8)]
        assert [len(p) for p in pages] == [4, 2, 0]
        found = [o.name for p in pages for o in p]
        assert len(set(found)) == 6 and found == sorted(found, key=lambda n: n.casefold() if n else "")
        # A code prefix finds the unnamed too: they come after every named one.
        prefix = "9137000"
        assert uow.directory.count(prefix) == 9
        every = uow.directory.search(prefix, limit=20)
        assert [o.name is None for o in every] == [False] * 7 + [True] * 2
        assert uow.directory.search(prefix, limit=3, offset=7) == every[7:]
        assert uow.directory.count("") == 0 and uow.directory.count("%") == 0 and uow.directory.count("\\") == 0


def test_a_code_typed_in_lower_case_grouped_or_full_width_finds_its_organisation(units):
    write(units, [facts(FIRM, "CN-SD", name="Rongcheng Acme Works")])
    code = FIRM.value
    typed = [
        code.lower(),
        f"{code[:4]} {code[4:10]}-{code[10:]}",
        full_width(code.lower()),
        full_width(f"{code[:6]} {code[6:12]} {code[12:]}"),
        f"uscc:{code}",
        full_width(code[:8].lower()),
    ]
    with units(read_only=True) as uow:
        for text in typed:
            assert [o.code for o in uow.directory.search(text)] == [code], text
            assert uow.directory.count(text) == 1, text
        assert [o.code for o in uow.directory.search(full_width("ACME works"))] == [code]


def test_the_catalogs_a_subject_has_records_under_come_from_the_ledger(units):
    write(
        units,
        [
            record("r1", FIRM, rule="city-org/tax.late_filing"),
            record("r2", FIRM, rule="national-org/court.judgment_default"),
            record("r3", FIRM, rule="city-org/tax.arrears"),
            record("r4", PERSON),
        ],
    )
    with units(read_only=True) as uow:
        keys = {s: uow.ledger.subject_key(s) for s in (FIRM, PERSON, OTHER)}
        filed = uow.ledger.filed_catalogs(keys.values())
    assert filed == {keys[FIRM]: {"city-org", "national-org"}, keys[PERSON]: {"city-personal"}}


# ---------------------------------------------------------------------------- cases


def test_a_case_is_opened_then_decided_once(units):
    with units() as uow:
        case_id = uow.cases.open(
            "repair", PERSON, "r1", {"proof": "receipt 11010519491231002X", "decide_by": None}, slot="repair:r1:1"
        )
        uow.cases.open("review", PERSON, None, {"grounds": "wrong", "decision": {"action": "loan"}})
        uow.cases.open("repair", OTHER, "o1", {"proof": "x"})
        uow.commit()
    with units(read_only=True) as uow:
        case = uow.cases.get(case_id)
        assert uow.cases.get("nothing") is None
        assert [c.kind for c in uow.cases.all()] == ["repair", "review", "repair"]
        assert [c.record for c in uow.cases.all("repair", PERSON)] == ["r1"]
        assert uow.cases.opened_for_record("repair", "r1") == 1 and uow.cases.opened_for_record("review", "r1") == 0
    assert case is not None and case.is_open and case.subject == PERSON and case.decided is None
    assert case.opened == {"subject": str(PERSON), "proof": "receipt **************002X", "decide_by": None}
    with units() as uow:
        uow.cases.decide(case, {"outcome": "granted", "reasons": "checked"})
        uow.commit()
    with pytest.raises(Collision), units() as uow:
        uow.cases.decide(case, {"outcome": "refused", "reasons": "late"})
        uow.commit()
    with pytest.raises(Collision), units() as uow:
        uow.cases.open("repair", PERSON, "r1", {"proof": "again"}, slot="repair:r1:1")
        uow.commit()
    with units(read_only=True) as uow:
        decided = uow.cases.get(case_id)
        assert uow.cases.opened_for_record("repair", "r1") == 1
    assert decided is not None and not decided.is_open and decided.decided_at is not None
    assert decided.decided == {"subject": str(PERSON), "outcome": "granted", "reasons": "checked"}


# ---------------------------------------------------------------------- attachments

PDF = b"%PDF-1.7\n% a receipt\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00"


def test_attachments_come_back_by_case_in_order_without_their_bytes_and_their_bytes_alone(units):
    with units() as uow:
        first = uow.attachments.add("repair", "c1", PERSON, Accepted("application/pdf", "收据.pdf", PDF))
        uow.attachments.add("dispute", "c1", PERSON, Accepted("image/png", "photo.png", PNG))
        second = uow.attachments.add("repair", "c1", PERSON, Accepted("image/png", "scan.png", PNG))
        uow.attachments.add("repair", "c2", OTHER, Accepted("application/pdf", "theirs.pdf", PDF))
        uow.commit()
    with units(read_only=True) as uow:
        found = uow.attachments.of_cases("repair", ["c1", "c3"])
        one = uow.attachments.get(first.id)
        assert uow.attachments.content(second.id) == PNG
        assert uow.attachments.get("nothing") is None and uow.attachments.content("nothing") is None
    assert list(found) == ["c1"]
    assert [(a.id, a.filename, a.media_type, a.size) for a in found["c1"]] == [
        (first.id, "收据.pdf", "application/pdf", len(PDF)),
        (second.id, "scan.png", "image/png", len(PNG)),
    ]
    assert one == first and one.subject_key == found["c1"][0].subject_key and one.case_kind == "repair"
    assert one.sha256 == hashlib.sha256(PDF).hexdigest()


def test_attachments_are_kept_only_when_the_unit_commits(units):
    with units() as uow:
        added = uow.attachments.add("dispute", "7", PERSON, Accepted("application/pdf", "a.pdf", PDF))
    with units(read_only=True) as uow:
        assert uow.attachments.get(added.id) is None and uow.attachments.of_cases("dispute", ["7"]) == {}
    with pytest.raises(ReadOnly), units(read_only=True) as uow:
        uow.attachments.add("dispute", "7", PERSON, Accepted("application/pdf", "a.pdf", PDF))


def test_erasing_a_subjects_key_erases_its_attachments_names_and_bytes_only(units):
    with units() as uow:
        mine = uow.attachments.add("repair", "c1", PERSON, Accepted("application/pdf", "mine.pdf", PDF))
        theirs = uow.attachments.add("repair", "c2", OTHER, Accepted("application/pdf", "theirs.pdf", PDF))
        uow.commit()
    with units() as uow:
        assert uow.texts.erase(uow.ledger.subject_key(PERSON))
        uow.commit()
    with units(read_only=True) as uow:
        erased = uow.attachments.get(mine.id)
        assert erased is not None and erased.filename is None and erased.size == len(PDF)
        assert uow.attachments.content(mine.id) is None
        assert uow.attachments.content(theirs.id) == PDF


def test_attachments_are_on_their_keyed_chain(units):
    with units() as uow:
        uow.attachments.add("repair", "c1", PERSON, Accepted("application/pdf", "a.pdf", PDF))
        uow.attachments.add("repair", "c1", PERSON, Accepted("application/pdf", "b.pdf", PDF))
        uow.commit()
    with units(read_only=True) as uow:
        report = next(r for r in uow.audit.verify() if r.table == "attachments")
    assert report.intact and report.rows == 2 and report.head != "0" * 64


# -------------------------------------------------------------------------- notices


def test_notices_are_written_once_per_dedupe_key_and_read_newest_first(units):
    placed = Message("notice.record.placement", {"list": "defaulters"})
    drafts = [
        NoticeDraft("record_filed", PERSON, "notice.one", {"n": 1, "on": None}, (placed,), "r1", dedupe="r1:filed"),
        NoticeDraft("record_filed", PERSON, "notice.one.again", {"n": 1}, (), "r1", dedupe="r1:filed"),
        NoticeDraft("to_source", PERSON, "notice.police", {}, (), "r1", to_source="traffic-police"),
        NoticeDraft("other", OTHER, "notice.two", {}),
    ]
    with units() as uow:
        assert uow.notices.write(drafts) == 3
        uow.commit()
    with units() as uow:
        assert uow.notices.write([drafts[0], NoticeDraft("later", PERSON, "notice.three", {"n": 3})]) == 1
        uow.commit()
    with units(read_only=True) as uow:
        inbox = uow.notices.inbox(PERSON)
        assert [n.key for n in inbox] == ["notice.three", "notice.one"]
        assert inbox[1].fields == {"n": 1, "on": None} and inbox[1].record == "r1" and inbox[1].subject == str(PERSON)
        assert inbox[1].lines == (("notice.record.placement", {"list": "defaulters"}),) and inbox[0].lines == ()
        assert (inbox[1].kind, inbox[1].source, inbox[1].written) == ("record_filed", None, None)
        assert [n.key for n in uow.notices.inbox(PERSON, limit=1)] == ["notice.three"]
        assert [n.key for n in uow.notices.for_source("traffic-police")] == ["notice.police"]
        assert uow.notices.count() == 4
        # Which dedupe keys were written under, asked without writing.
        assert uow.notices.written(["r2:filed", "r1:filed", "r1:filed"]) == {"r1:filed"}
        assert uow.notices.written([]) == set()


def test_deliveries_are_due_until_sent_and_retried_after_their_wait(units):
    with units() as uow:
        uow.notices.write([NoticeDraft("a", PERSON, "notice.a"), NoticeDraft("b", OTHER, "notice.b")])
        uow.commit()
    now = dt.datetime.now(dt.UTC)
    with units(read_only=True) as uow:
        (a, tries_a), (b, tries_b) = uow.notices.due_for_delivery("email", now)
    assert (a.key, tries_a, b.key, tries_b) == ("notice.a", 0, "notice.b", 0)
    with units() as uow:
        uow.notices.log_attempt(a, "email", 1, "sent")
        uow.notices.log_attempt(b, "email", 1, "failed", "mailbox full", retry_in=dt.timedelta(minutes=1))
        uow.commit()
    with units(read_only=True) as uow:
        assert uow.notices.due_for_delivery("email", now) == []
        assert [(n.key, t) for n, t in uow.notices.due_for_delivery("email", now + dt.timedelta(minutes=2))] == [
            ("notice.b", 1)
        ]
        assert len(uow.notices.due_for_delivery("sms", now)) == 2


def test_notices_are_marked_read_once_by_their_subject_only(units):
    with units() as uow:
        uow.notices.write(
            [
                NoticeDraft("a", PERSON, "notice.a"),
                NoticeDraft("b", PERSON, "notice.b"),
                NoticeDraft("c", OTHER, "notice.c"),
                NoticeDraft("s", PERSON, "notice.s", to_source="traffic-police"),
            ]
        )
        uow.commit()
    with units(read_only=True) as uow:
        b, a = uow.notices.inbox(PERSON)
        (c,) = uow.notices.inbox(OTHER)
    assert a.read_at is None and b.read_at is None
    with units() as uow:
        # Another subject's notice is not marked by PERSON, whatever id is given.
        assert uow.notices.mark_read(PERSON, [a.id, c.id, "no-such-notice"]) == 1
        uow.commit()
    with units(read_only=True) as uow:
        b2, a2 = uow.notices.inbox(PERSON)
        assert uow.notices.inbox(OTHER)[0].read_at is None
    assert a2.read_at is not None and b2.read_at is None
    with units() as uow:
        assert uow.notices.mark_read(PERSON) == 1  # only b was unread
        assert uow.notices.mark_read(PERSON, [a.id]) == 0
        assert uow.notices.mark_read(PERSON, []) == 0
        uow.commit()
    with units(read_only=True) as uow:
        b3, a3 = uow.notices.inbox(PERSON)
        # Marked once: the time of the first receipt stays; email delivery is not affected.
        assert a3.read_at == a2.read_at and b3.read_at is not None
        assert {n.key for n, _ in uow.notices.due_for_delivery("email", dt.datetime.now(dt.UTC))} == {
            "notice.a",
            "notice.b",
            "notice.c",
        }


# ----------------------------------------------------------------------- access log


def test_the_access_log_keeps_every_read_newest_first_with_its_purpose_masked(units):
    with units() as uow:
        uow.access_log.write([PERSON, OTHER], OFFICER, "check", "loan for 11010519491231002X", ["c1", None])
        uow.access_log.write([PERSON], Reader("public", "public"), "public.organisation", None)
        uow.commit()
    with units(read_only=True) as uow:
        total, mine = uow.access_log.entries(PERSON)
        everyone = uow.access_log.entries(limit=2, offset=1)
    assert total == 2 and [e.what for e in mine] == ["public.organisation", "check"]
    assert mine[1].purpose == "loan for **************002X" and mine[1].detail == "c1"
    assert (mine[1].reader, mine[1].role) == ("officer-zhou", "officer") and mine[0].purpose is None
    assert everyone[0] == 3 and [e.what for e in everyone[1]] == ["check", "check"]
    assert everyone[1][0].detail is None and everyone[1][0].purpose == "loan for **************002X"


def test_the_access_log_names_who_of_a_role_read_what_of_a_subject(units):
    with units() as uow:
        uow.access_log.write([PERSON, OTHER], Reader("bank-a", "lender"), "optin-score", "lending")
        uow.access_log.write([PERSON], Reader("bank-a", "lender"), "optin-score", "lending")
        uow.access_log.write([PERSON], Reader("bank-b", "lender"), "report", None)
        uow.access_log.write([OTHER], Reader("bank-c", "lender"), "optin-score", "lending")
        uow.access_log.write([PERSON], OFFICER, "optin-score", "a complaint")
        uow.commit()
    with units(read_only=True) as uow:
        assert uow.access_log.readers(PERSON, "lender", "optin-score") == {"bank-a"}
        assert uow.access_log.readers(OTHER, "lender", "optin-score") == {"bank-a", "bank-c"}
        assert uow.access_log.readers(PERSON, "service-point", "optin-score") == set()


def test_the_access_log_reads_a_subjects_own_views_apart_from_everyone_elses(units):
    itself = Reader("resident", "subject", "t2", subject=PERSON)
    with units() as uow:
        uow.access_log.write([PERSON], itself, "report", "own file")
        uow.access_log.write([PERSON], OFFICER, "report", "a complaint")
        uow.access_log.write([PERSON], itself, "report", "own file again")
        uow.commit()
    with units(read_only=True) as uow:
        others = uow.access_log.entries(PERSON, own=False)
        own = uow.access_log.entries(PERSON, limit=1, own=True)
    assert others[0] == 1 and [e.purpose for e in others[1]] == ["a complaint"]
    assert own[0] == 2 and [e.purpose for e in own[1]] == ["own file again"]


# ---------------------------------------------------------------------------- audit


def test_every_chained_table_is_verified_the_ledger_first_and_its_head_moves_with_each_row(units):
    tables = [
        "ledger",
        "catalog_versions",
        "notices",
        "deliveries",
        "cases",
        "attachments",
        "scorecard_versions",
        "optin_events",
        "access_log",
        "webhook_endpoints",
        "webhook_endpoint_changes",
        "webhook_messages",
        "webhook_attempts",
        "federation_bundles",
        "federation_entries",
        "federation_partners",
    ]
    with units(read_only=True) as uow:
        empty = uow.audit.verify({"ledger": 0})
    assert [r.table for r in empty] == tables
    assert all(r.intact and r.rows == 0 and r.head == "0" * 64 for r in empty)
    assert empty[0].marked == "0" * 64 and empty[1].marked is None
    write(units, [facts(PERSON)])
    with units(read_only=True) as uow:
        one = uow.audit.verify()[0]
    write(units, [record("r-audit", PERSON)])
    with units() as uow:
        uow.access_log.write([PERSON, OTHER], OFFICER, "check", "a loan")
        uow.commit()
    with units(read_only=True) as uow:
        found = {r.table: r for r in uow.audit.verify({"ledger": 1, "access_log": 2})}
    assert (one.rows, found["ledger"].rows, found["access_log"].rows) == (1, 2, 2)
    assert len({"0" * 64, one.head, found["ledger"].head}) == 3 and all(r.intact for r in found.values())
    assert found["ledger"].marked == one.head and found["access_log"].marked == found["access_log"].head
    assert found["ledger"].problem is None and found["ledger"].broken_at is None


def test_the_directory_agrees_with_the_ledger_it_is_projected_from(units):
    with units(read_only=True) as uow:
        assert uow.audit.directory_drift() == []
    write(units, [facts(FIRM, "CN", name="Old Name Ltd"), facts(PERSON), facts(FIRM, "CN-SD", name="Acme")])
    with units(read_only=True) as uow:
        assert uow.audit.directory_drift() == []


# ------------------------------------------------------------------ read models


def _model(subject: SubjectRef, listed_from: dt.date | None = None):
    from xinyong.domain.read_model import ListPiece, ReadModel, Span
    from xinyong.domain.standing import ListEntry

    span = Span("city-personal", D(2024, 1, 1), None, "2024.1", 1000, 995, "A", True)
    pieces = ()
    if listed_from is not None:
        entry = ListEntry("judgment-defaulters", "r-1", listed_from, None, "city-personal", "city-personal/court.x")
        pieces = (ListPiece(entry, listed_from, D(2025, 1, 1)),)
    return ReadModel(subject, "CN-SD-RC", {"city-personal": (span,)}, {"city-personal": ()}, pieces)


def test_a_stored_read_model_comes_back_with_what_it_was_computed_from_and_the_latest_event(units):
    write(units, [facts(PERSON), record("r-1")])
    with units() as uow:
        key = uow.ledger.subject_key(PERSON)
        assert uow.ledger.appended_subjects() == set()
        assert uow.read_models.stored(PERSON) is None
        uow.read_models.put([(key, 2, _model(PERSON, D(2024, 3, 15)))], "catalogs-1")
        uow.commit()
    with units(read_only=True) as uow:
        stored = uow.read_models.stored(PERSON)
        assert stored is not None
        assert (stored.model, stored.head, stored.catalogs, stored.latest) == (
            _model(PERSON, D(2024, 3, 15)),
            2,
            "catalogs-1",
            2,
        )
        assert uow.read_models.count() == 1
        [piece] = uow.read_models.listed("judgment-defaulters", D(2024, 6, 1))
        assert (piece.subject_key, piece.kind, piece.entry.record) == (key, "person", "r-1")
        assert uow.read_models.listed("judgment-defaulters", D(2025, 1, 1)) == []
        assert uow.read_models.listed("judgment-defaulters", D(2024, 3, 14)) == []
        assert uow.read_models.listed("other-list", D(2024, 6, 1)) == []
    # A later event of the subject: the stored model is no longer the latest.
    write(units, [event(type="fulfilled", record="r-1", on="2024-05-01")])
    with units(read_only=True) as uow:
        stored = uow.read_models.stored(PERSON)
        assert stored is not None and (stored.head, stored.latest) == (2, 3)


def test_putting_a_read_model_replaces_the_subjects_model_and_list_pieces(units):
    write(units, [facts(PERSON), facts(OTHER)])
    with units() as uow:
        keys = {s: uow.ledger.subject_key(s) for s in (PERSON, OTHER)}
        uow.read_models.put(
            [(keys[PERSON], 1, _model(PERSON, D(2024, 3, 15))), (keys[OTHER], 2, _model(OTHER, D(2024, 4, 1)))], "c"
        )
        uow.read_models.put([(keys[PERSON], 1, _model(PERSON))], "c")
        uow.commit()
    with units(read_only=True) as uow:
        assert [p.subject_key for p in uow.read_models.listed("judgment-defaulters", D(2024, 6, 1))] == [keys[OTHER]]
        assert uow.read_models.stored(PERSON).model == _model(PERSON)  # type: ignore[union-attr]


def test_settled_subjects_are_left_out_of_the_appended_until_filed_under_again(units):
    write(units, [record("r-1")])
    with units() as uow:
        uow.ledger.append([facts(OTHER)])
        uow.ledger.append([event(type="fulfilled", record="r-1", on="2024-05-01")], None, {"r-1": PERSON})
        # Their read models stored as the ledger stands: nothing left for the commit.
        uow.ledger.settled([uow.ledger.subject_key(PERSON), uow.ledger.subject_key(OTHER)])
        assert uow.ledger.appended_subjects() == set()
        uow.ledger.append([event(type="repaired", id="rp", record="r-1", on="2025-06-01")], None, {"r-1": PERSON})
        assert uow.ledger.appended_subjects() == {uow.ledger.subject_key(PERSON)}


def test_appended_subjects_are_those_this_unit_filed_events_under(units):
    write(units, [record("r-1")])
    with units() as uow:
        uow.ledger.append([facts(OTHER)])
        uow.ledger.append([event(type="fulfilled", record="r-1", on="2024-05-01")], None, {"r-1": PERSON})
        assert uow.ledger.appended_subjects() == {uow.ledger.subject_key(OTHER), uow.ledger.subject_key(PERSON)}
        nobody = hashlib.sha256(b"no-such-key").hexdigest()  # a lookup key no event was filed under
        histories = uow.ledger.subject_histories([uow.ledger.subject_key(PERSON), nobody])
        [history] = histories.values()
        assert (history.subject, history.jurisdiction, history.head) == (PERSON, None, 3)
        assert [len(f.changes) for f in history.files] == [1]
        pages = list(uow.ledger.subject_key_pages(1))
        assert sorted(k for page in pages for k in page) == sorted(
            {uow.ledger.subject_key(OTHER), uow.ledger.subject_key(PERSON)}
        )
        assert all(len(page) == 1 for page in pages)


# ------------------------------------------------------------------- opt-in scores


def test_opt_in_events_read_back_until_a_withdrawal_destroys_their_keys(units):
    from xinyong.domain.optin import ConsentEvent, Obligation
    from xinyong.domain.scorecard import parse_scorecard

    text = (Path(__file__).resolve().parents[2] / "catalogs" / "civic-optin.toml").read_text("utf-8")
    card = parse_scorecard(text)
    consent = {"sources": ["water-co"], "purposes": ["lending"], "on": "2025-01-01"}
    with units() as uow:
        uow.optin.add_scorecard(card, text)
        uow.optin.file("c1", "consent_given", PERSON, consent, "f-c1", D(2025, 1, 2), None, scorecard=card.id)
        bill = {"due_on": "2025-02-01", "amount": 10}
        uow.optin.file("o1", "obligation", PERSON, bill, "f-o1", D(2025, 1, 2), "water-co", source="water-co")
        uow.optin.file("o2", "obligation", PERSON, bill, "f-o2", D(2025, 1, 3), "city-bank", source="city-bank")
        filed = uow.optin.obligation("o1")
        assert filed is not None and filed.kept and not filed.paid and filed.source == "water-co"
        uow.optin.file("p1", "paid", None, {"on": "2025-01-30"}, "f-p1", D(2025, 1, 4), "water-co", obligation=filed)
        uow.commit()
    with units(read_only=True) as uow:
        assert [c.id for c in uow.optin.scorecards()] == ["civic-optin"] and uow.optin.scorecard_count() == 1
        assert uow.optin.fingerprints(["c1", "o1", "nope"]) == {"c1": "f-c1", "o1": "f-o1"}
        assert uow.optin.consents(PERSON) == {
            "civic-optin": [ConsentEvent("c1", "given", D(2025, 1, 1), ("water-co",), ("lending",))]
        }
        assert uow.optin.consents(OTHER) == {}
        assert uow.optin.obligations(PERSON) == [
            (Obligation("o1", "water-co", D(2025, 2, 1), D(2025, 1, 30)), D(2025, 1, 2)),
            (Obligation("o2", "city-bank", D(2025, 2, 1)), D(2025, 1, 3)),
        ]
        assert uow.optin.obligation("o1").paid  # type: ignore[union-attr]
    with units() as uow:
        assert uow.optin.erase(PERSON, ["water-co"]) == 1
        assert uow.optin.erase(PERSON, ["water-co"]) == 0
        uow.commit()
    with units(read_only=True) as uow:
        assert [o.id for o, _ in uow.optin.obligations(PERSON)] == ["o2"]
        assert uow.optin.obligation("o1").kept is False  # type: ignore[union-attr]
        assert uow.optin.fingerprints(["o1"]) == {"o1": "f-o1"}  # known by its id, for replays
