"""Attachments in the due-process service, against the fake unit of work: filed with a
dispute or a repair application in the same unit of work (a refused file writes nothing
of the filing), read back only by the case's subject or an officer, each read logged."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.services.conftest import RESIDENT, TICKET, TODAY
from xinyong.domain.access import PurposeRequired, Reader
from xinyong.domain.attachments import Upload
from xinyong.domain.identifiers import SubjectRef
from xinyong.services.due_process import AttachmentNotTaken, NotFound

pytestmark = pytest.mark.unit

OFFICER = Reader("officer-zhou", "officer", "t1")
STRANGER = SubjectRef.parse("rid:176172196602167796")
PDF = b"%PDF-1.4\n% the receipt\n"
PNG = b"\x89PNG\r\n\x1a\n\x00"


def _subject(subject: SubjectRef) -> Reader:
    return Reader(f"subject-{subject.value}", "subject", None, subject=subject)


def _changes(world) -> list[str]:
    with world.units(read_only=True) as uow:
        return [c.type for c in uow.ledger.records([TICKET])[TICKET].file.changes]


def test_files_filed_with_a_dispute_are_listed_on_it(world):
    filed = world.services.due_process.file_dispute(
        RESIDENT, TICKET, "green light", TODAY, [Upload("photo.pdf", PNG), Upload("r.pdf", PDF)]
    )
    assert [(a.filename, a.media_type) for a in filed.attachments] == [
        ("photo.png", "image/png"),
        ("r.pdf", "application/pdf"),
    ]
    [mine] = world.services.due_process.cases_of(RESIDENT, TODAY).disputes
    assert mine.attachments == filed.attachments


def test_a_refused_file_writes_nothing_of_the_dispute_it_came_with(world):
    with pytest.raises(AttachmentNotTaken) as refused:
        world.services.due_process.file_dispute(
            RESIDENT, TICKET, "green light", TODAY, [Upload("r.pdf", PDF), Upload("page.pdf", b"<html>")]
        )
    assert (refused.value.key, refused.value.values, refused.value.field) == (
        "attachment.refused.type",
        {"position": 2},
        "file",
    )
    assert _changes(world) == []
    with world.units(read_only=True) as uow:
        assert uow.attachments.of_cases("dispute", [str(n) for n in range(1, 10_000)]) == {}


def test_a_refused_file_writes_no_repair_application(world):
    with pytest.raises(AttachmentNotTaken):
        world.services.due_process.apply_for_repair(
            RESIDENT, TICKET, "receipt", "never again", TODAY, [Upload("empty.pdf", b"")]
        )
    assert world.services.due_process.cases_of(RESIDENT, TODAY).repairs == []


def test_files_attached_later_to_an_open_repair_application_are_read_by_the_subject_and_logged(world):
    due = world.services.due_process
    applied = due.apply_for_repair(RESIDENT, TICKET, "receipt", "never again", TODAY, [Upload("a.pdf", PDF)])
    [added] = due.attach(RESIDENT, "repair", applied.id, [Upload("b.png", PNG)])
    got = due.attachment(added.id, _subject(RESIDENT))
    assert (got.content, got.attachment.filename) == (PNG, "b.png")
    assert [a.filename for a in due.repairs(TODAY)[0].attachments] == ["a.pdf", "b.png"]
    with world.units(read_only=True) as uow:
        [entry] = [e for e in uow.access_log.entries(RESIDENT)[1] if e.what == "attachment"]
    assert entry.reader == f"subject-{RESIDENT.value}" and entry.detail == f"repair {applied.id}"


def test_a_decided_case_takes_no_more_files(world):
    due = world.services.due_process
    filed = due.file_dispute(RESIDENT, TICKET, "green light", TODAY)
    due.decide_dispute(filed.id, "upheld", "red it was", OFFICER, TODAY)
    with pytest.raises(AttachmentNotTaken) as refused:
        due.attach(RESIDENT, "dispute", str(filed.id), [Upload("late.pdf", PDF)])
    assert refused.value.key == "attachment.refused.decided"


def test_someone_elses_case_and_file_are_not_found(world):
    due = world.services.due_process
    filed = due.file_dispute(RESIDENT, TICKET, "green light", TODAY, [Upload("r.pdf", PDF)])
    with pytest.raises(NotFound):
        due.attach(STRANGER, "dispute", str(filed.id), [Upload("x.pdf", PDF)])
    with pytest.raises(NotFound):
        due.attachment(filed.attachments[0].id, _subject(STRANGER))
    with pytest.raises(NotFound):
        due.attachment("no-such-file", OFFICER, "to decide")


def test_an_officer_states_why_and_the_read_is_logged_with_it(world):
    due = world.services.due_process
    filed = due.file_dispute(RESIDENT, TICKET, "green light", dt.date(2026, 12, 1), [Upload("r.pdf", PDF)])
    with pytest.raises(PurposeRequired):
        due.attachment(filed.attachments[0].id, OFFICER)
    assert due.attachment(filed.attachments[0].id, OFFICER, f"to decide dispute {filed.id}").content == PDF
    with world.units(read_only=True) as uow:
        [entry] = [e for e in uow.access_log.entries(RESIDENT)[1] if e.what == "attachment"]
    assert (entry.reader, entry.purpose) == ("officer-zhou", f"to decide dispute {filed.id}")
