"""Notices are stored as message keys with fields, never as words: the outbox seals
subject, key, lines and fields. Notices written before (a title and a text in English)
still read, render as written, and keep the chain whole. On SQLite and PostgreSQL
(``--backend``)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.integration.conftest import PERSON, fill
from xinyong.adapters.storage.notice_bodies import unpack
from xinyong.adapters.storage.tables import notices

pytestmark = pytest.mark.integration

OLD_TITLE = "New record: Running a red light"
OLD_TEXT = "traffic-police recorded 'Running a red light' against you. To dispute it, use POST /v1/me/disputes."


def _bodies(d) -> list[dict]:
    with d.store.reading() as connection:
        rows = connection.execute(select(notices).order_by(notices.c.seq)).all()
    return [unpack(d.store.sealer.open(r.sealed, b"notice:" + r.id.encode())) for r in rows]


def test_a_notice_is_sealed_as_its_key_lines_and_fields_without_words(deployment):
    fill(deployment)
    bodies = _bodies(deployment)
    assert bodies
    for body in bodies:
        assert set(body) <= {"subject", "key", "fields", "lines", "catalog_texts"} and body["key"].startswith("notice.")
        sealed = json.dumps(body, ensure_ascii=False)
        assert "title" not in body and "text" not in body
        assert "To dispute it" not in sealed and "/v1/" not in sealed


def _write_old_notice(d) -> str:
    """A notice as the outbox wrote it before notices were keys: title and text."""
    body = {"subject": str(PERSON), "title": OLD_TITLE, "text": OLD_TEXT, "fields": {"record": "old-1"}}
    with d.store.transaction() as connection:
        row = {
            "id": "0ld0ld0ld0ld",
            "created_at": "2024-01-01T00:00:00+00:00",
            "kind": "record",
            "subject_key": d.store.subject_key(PERSON),
            "source": None,
            "record_id": "old-1",
            "dedupe": None,
            "sealed": d.store.sealer.seal(json.dumps(body).encode(), b"notice:0ld0ld0ld0ld"),
        }
        d.store.append_rows(connection, "notices", [row])
    return row["id"]


def test_a_notice_stored_as_words_reads_and_renders_as_written_and_the_chain_holds(deployment):
    fill(deployment)
    old = _write_old_notice(deployment)
    address = {"type": "contact", "subject": str(PERSON), "email": "a.b@example.org", "on": "2025-01-02"}
    deployment.intake.submit([address])

    inbox = {n.id: n for n in deployment.outbox.inbox(PERSON)}
    notice = inbox[old]
    assert (notice.key, notice.fields) == (None, {"record": "old-1"})
    assert notice.rendered("zh-CN") == notice.rendered("en") == (OLD_TITLE, OLD_TEXT)
    shown = notice.as_json("zh-CN")
    assert (shown["title"], shown["text"], shown["key"], shown["language"]) == (OLD_TITLE, OLD_TEXT, None, "en")
    # The notices after it are keys again, and render in either language.
    newer = next(n for n in inbox.values() if n.kind == "contact_changed")
    assert newer.key == "notice.contact.set"
    assert "a***@example.org" in newer.rendered("zh-CN")[1] and "电子邮箱" in newer.rendered("zh-CN")[1]
    with deployment.store.reading() as connection:
        reports = deployment.store.verify(connection)
    assert all(r.intact for r in reports), [r for r in reports if not r.intact]
