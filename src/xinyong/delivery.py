"""Channels that carry notices beyond the inbox. Email goes through SMTP to the address
a subject event gave; failures are retried with backoff and every attempt is logged."""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from xinyong.identifiers import SubjectRef
from xinyong.ledger.outbox import Outbox
from xinyong.ledger.store import LedgerStore

MAX_BACKOFF = dt.timedelta(hours=24)


def backoff(attempt: int) -> dt.timedelta:
    """How long to wait after the ``attempt``-th failure: 1, 2, 4 ... minutes, at most a day."""
    return min(dt.timedelta(minutes=2 ** (attempt - 1)), MAX_BACKOFF)


@dataclass(frozen=True)
class SmtpChannel:
    host: str
    port: int
    sender: str
    timeout: float = 10.0

    def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def deliver_email(store: LedgerStore, outbox: Outbox, channel: SmtpChannel,
                  now: dt.datetime | None = None) -> DeliveryReport:
    """Send every notice whose email delivery is due; log each attempt."""
    report = DeliveryReport()
    for notice, attempts in outbox.due_for_delivery("email", now):
        subject = SubjectRef.parse(notice.subject)
        with store.reading() as connection:
            facts = store.subject_facts(connection, subject)
        if facts is None or not facts.email:
            outbox.log_attempt(notice, "email", attempts + 1, "skipped", "no email address known")
            report.skipped += 1
            continue
        try:
            channel.send(facts.email, notice.title, notice.text)
        except (OSError, smtplib.SMTPException) as error:
            outbox.log_attempt(notice, "email", attempts + 1, "failed", f"{type(error).__name__}: {error}",
                               retry_in=backoff(attempts + 1))
            report.failed += 1
            continue
        outbox.log_attempt(notice, "email", attempts + 1, "sent")
        report.sent += 1
    return report
