"""Issue 4, email: notices to a subject whose subject event gives an address go out by
SMTP (here a real aiosmtpd server on loopback) with ``xinyong notices deliver``; a
delivery that fails while the SMTP server is down is logged with its next attempt and
retried with backoff until it succeeds, exactly once; subjects without an address get
no email."""

from __future__ import annotations

import datetime as dt
import email
import re
import subprocess
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from tests.due_process.conftest import (
    RC,
    TRAFFIC,
    Cli,
    copy_database,
    environment,
    opened,
    record,
    rid,
)
from tests.support.cli import XINYONG
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

WITH_EMAIL = rid("37108219900101011")
WITHOUT_EMAIL = rid("37108219900101012")
NO_SUBJECT_EVENT = rid("37108219900101013")
ADDRESS = "wang.wu@example.org"
SENDER = "notices@rongcheng.example"

EVENTS = [
    {"type": "subject", "subject": WITH_EMAIL, "jurisdiction": "CN-SD-RC", "name": "Wang Wu", "email": ADDRESS},
    {"type": "subject", "subject": WITHOUT_EMAIL, "jurisdiction": "CN-SD-RC", "name": "Zhao Liu"},
    record("mail-ticket", WITH_EMAIL, f"{RC}/traffic.ticket", 0, TRAFFIC),
    record("mail-none", WITHOUT_EMAIL, f"{RC}/traffic.ticket", 0, TRAFFIC),
    record("mail-unknown", NO_SUBJECT_EVENT, f"{RC}/traffic.ticket", 0, TRAFFIC),
]


class Collector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def smtp_server(port: int) -> tuple[Controller, Collector]:
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, collector


def smtp_env(port: int) -> dict[str, str]:
    return {"XINYONG_SMTP_HOST": "127.0.0.1", "XINYONG_SMTP_PORT": str(port), "XINYONG_SMTP_FROM": SENDER}


# Besides its record notice, each subject with a subject event was told its registration
# and Wang Wu the address his notices go to: 3 notices to Wang Wu's address, 2 to Zhao Liu
# (no address), 1 to the subject without a subject event (no address).
TO_WANG_WU, WITHOUT_ADDRESS = 3, 3


def _ticket(collector: Collector, title: str) -> list:
    return [(rcpt, message) for rcpt, message in collector.messages if message["Subject"] == title]


def _report(result) -> tuple[int, int, int]:
    found = re.search(r"sent (\d+), failed (\d+) \(to be retried\), no address (\d+)", result.stdout)
    assert found, result.stdout
    return tuple(int(g) for g in found.groups())  # type: ignore[return-value]


@pytest.fixture
def mail_db(catalogs_db, tmp_path):
    """A fresh database with the sample catalogs and three subjects' records."""
    db = copy_database(catalogs_db, tmp_path)
    with opened(db) as d:
        d.intake.submit(EVENTS)
    return db, Cli(db, tmp_path)


def _notice_of(db, subject: str, record_id: str):
    from xinyong.domain.identifiers import SubjectRef

    with opened(db) as d:
        return next(n for n in d.outbox.inbox(SubjectRef.parse(subject)) if n.record == record_id)


def _attempts(db, notice_id: str) -> list[dict]:
    with opened(db) as d:
        return d.outbox.attempts(notice_id)


def _in_chinese(db, notice) -> tuple[str, str]:
    """A notice as the email gives it: in Chinese, the catalog's texts it quotes too."""
    with opened(db) as d:
        return notice.rendered("zh-CN", "email", d.catalogs.registry())


def _deliver(db, port: int, now: dt.datetime | None = None):
    from xinyong.adapters.smtp import SmtpChannel
    from xinyong.services.delivery import deliver_email

    with opened(db) as d:
        return deliver_email(d.units, SmtpChannel("127.0.0.1", port, SENDER), now=now)


def test_notices_to_a_subject_with_an_address_are_emailed_by_notices_deliver(mail_db):
    db, cli = mail_db
    port = free_port()
    controller, collector = smtp_server(port)
    try:
        result = cli("notices", "deliver", env=smtp_env(port))
        assert _report(result) == (TO_WANG_WU, 0, WITHOUT_ADDRESS)
        again = _deliver(db, port, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    finally:
        controller.stop()

    assert (again.sent, again.failed) == (0, 0)
    assert len(collector.messages) == TO_WANG_WU
    notice = _notice_of(db, WITH_EMAIL, "mail-ticket")
    title, text = _in_chinese(db, notice)
    assert "交通违法罚单" in title
    [(recipients, message)] = _ticket(collector, title)
    assert recipients == [ADDRESS]
    assert (message["To"], message["From"], message["Subject"]) == (ADDRESS, SENDER, title)
    body = message.get_content()
    assert body.strip() == text
    assert notice.fields["effective_on"] in body and "REF-MAIL-TICKET" in body
    # In Chinese, pointing to the portal, never to an API path.
    assert title.startswith("新记录") and "异议" in body and "/v1/" not in body
    assert [a["outcome"] for a in _attempts(db, notice.id)] == ["sent"]


def test_notices_to_subjects_without_an_address_are_not_emailed(mail_db):
    db, cli = mail_db
    port = free_port()
    controller, collector = smtp_server(port)
    try:
        cli("notices", "deliver", env=smtp_env(port))
    finally:
        controller.stop()

    assert [rcpt for rcpt, _ in collector.messages] == [[ADDRESS]] * TO_WANG_WU
    for subject, record_id in ((WITHOUT_EMAIL, "mail-none"), (NO_SUBJECT_EVENT, "mail-unknown")):
        notice = _notice_of(db, subject, record_id)
        assert [(a["outcome"], a["error"]) for a in _attempts(db, notice.id)] == [("skipped", "no email address known")]


def test_an_email_that_failed_while_the_smtp_server_was_down_is_delivered_once_it_is_back(mail_db):
    db, cli = mail_db
    port = free_port()  # nothing listens here yet

    down = cli("notices", "deliver", env=smtp_env(port))

    assert _report(down) == (0, TO_WANG_WU, WITHOUT_ADDRESS)
    notice = _notice_of(db, WITH_EMAIL, "mail-ticket")  # still in the inbox: nothing is lost
    [failed] = _attempts(db, notice.id)
    assert failed["outcome"] == "failed" and failed["error"]
    tried = dt.datetime.fromisoformat(failed["at"])
    retry = dt.datetime.fromisoformat(failed["next_attempt_at"])
    assert retry - tried == dt.timedelta(minutes=1)  # the first backoff

    controller, collector = smtp_server(port)
    try:
        # Back up, but the backoff has not passed: nothing is tried yet.
        early = _deliver(db, port, now=tried + dt.timedelta(seconds=30))
        assert (early.sent, early.failed, early.skipped) == (0, 0, 0)
        assert collector.messages == []

        later = _deliver(db, port, now=retry + dt.timedelta(seconds=1))
        assert (later.sent, later.failed) == (TO_WANG_WU, 0)
        much_later = _deliver(db, port, now=retry + dt.timedelta(days=3))
        assert (much_later.sent, much_later.failed) == (0, 0)
    finally:
        controller.stop()

    assert len(collector.messages) == TO_WANG_WU
    assert [rcpt for rcpt, _ in _ticket(collector, _in_chinese(db, notice)[0])] == [[ADDRESS]]
    assert [a["outcome"] for a in _attempts(db, notice.id)] == ["failed", "sent"]


def test_repeated_failures_wait_longer_each_time(mail_db):
    db, _ = mail_db
    port = free_port()  # never up
    now = dt.datetime.now(dt.UTC)
    notice = _notice_of(db, WITH_EMAIL, "mail-ticket")

    for _ in range(4):
        report = _deliver(db, port, now=now + dt.timedelta(days=1))
        assert report.failed == TO_WANG_WU
        now += dt.timedelta(days=1)

    attempts = _attempts(db, notice.id)
    assert [a["attempt"] for a in attempts] == [1, 2, 3, 4]
    waits = [dt.datetime.fromisoformat(a["next_attempt_at"]) - dt.datetime.fromisoformat(a["at"]) for a in attempts]
    assert waits == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_notices_deliver_without_an_smtp_host_says_how_to_configure_it(mail_db):
    db, _ = mail_db
    result = subprocess.run(
        [XINYONG, "--db", db.url, "notices", "deliver"],
        capture_output=True,
        text=True,
        env=environment(**db.env),
        timeout=120,
        check=False,
    )

    assert result.returncode == 2
    assert "XINYONG_SMTP_HOST" in result.stderr


def test_a_subject_that_chose_english_gets_its_email_in_english_from_then_on(mail_db):
    """Issue 12: email in the subject's language. A contact event naming a language sets
    it (told in a notice, in that language); the same choice again changes nothing; one
    without a language leaves it; a subject that never chose reads Chinese."""
    from xinyong.domain.identifiers import SubjectRef
    from xinyong.services.delivery import contact_language

    db, _ = mail_db
    subject = SubjectRef.parse(WITH_EMAIL)
    today = dt.date.today().isoformat()
    chose = {"type": "contact", "subject": WITH_EMAIL, "email": ADDRESS, "on": today, "language": "en"}
    with opened(db) as d:
        assert contact_language(d.units, subject) is None
        assert d.intake.submit([chose]).written == 1
        assert d.intake.submit([chose]).written == 0  # the same choice again: nothing new
        kept = {"type": "contact", "subject": WITH_EMAIL, "email": ADDRESS, "on": today}
        assert d.intake.submit([kept]).written == 0  # same address, no language: as it was
        assert contact_language(d.units, subject) == "en"
        told = [n for n in d.outbox.inbox(subject) if n.key == "notice.contact.language.en"]
        assert len(told) == 1
    port = free_port()
    controller, collector = smtp_server(port)
    try:
        _deliver(db, port)
    finally:
        controller.stop()
    titles = [message["Subject"] for rcpt, message in collector.messages if rcpt == [ADDRESS]]
    assert "Your email will be in English" in titles
    assert any(title.startswith("New record") for title in titles)
    assert not any(re.search(r"[\u4e00-\u9fff]", title) for title in titles if title != "Wang Wu")
