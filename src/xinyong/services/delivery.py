"""Channels that carry notices beyond the inbox. Email goes through SMTP to the address
in force for the subject (its latest ``contact`` event, or subject event carrying an
email); the announcement of a change of address goes to the old address as well as the
new one. Failures are retried with backoff and every attempt is logged, with no address
in the log.

A notice is emailed in the language the subject chose with its address (a ``contact``
event's ``language``: the portal's contact form, ``PUT /v1/me/contact``). A subject
that never chose reads Chinese: the residents and firms of a Chinese credit system read
Chinese, so guessing English would be wrong more often than right. A deployment that
serves readers of English sets that default (``xinyong notices deliver --lang en``).
The email never names an API path: it points to the portal."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
from dataclasses import dataclass
from typing import Protocol

from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import CONTACT_CHANGED
from xinyong.services.unit_of_work import Notice, UnitsOfWork

MAX_BACKOFF = dt.timedelta(hours=24)
LANGUAGE = "zh-CN"
_ADDRESS = re.compile(r"[^\s@<>()\[\]{},;:'\"]+@[^\s@<>()\[\]{},;:'\"]+")


def backoff(attempt: int) -> dt.timedelta:
    """How long to wait after the ``attempt``-th failure: 1, 2, 4 ... minutes, at most a day."""
    return min(dt.timedelta(minutes=2 ** (attempt - 1)), MAX_BACKOFF)


def without_addresses(text: str, addresses: list[str]) -> str:
    """``text`` (an SMTP error) with every email address in it blanked out: addresses are
    personal data and are kept only sealed."""
    for address in addresses:
        text = text.replace(address, "<address>")
    return _ADDRESS.sub("<address>", text)


class Channel(Protocol):
    """Where email goes out (``xinyong.adapters.smtp.SmtpChannel``); a failure raises
    ``OSError`` or ``smtplib.SMTPException``."""

    def send(self, to: str, title: str, text: str, /) -> None: ...


def contact_address(units: UnitsOfWork, subject: SubjectRef) -> str | None:
    """The address the subject's notices are emailed to, or None."""
    with units(read_only=True) as uow:
        history = uow.ledger.contact_histories([subject])[subject]
    return history[-1] if history else None


def contact_language(units: UnitsOfWork, subject: SubjectRef) -> str | None:
    """The language the subject chose for its email, or None (never chosen)."""
    with units(read_only=True) as uow:
        return uow.ledger.contact_languages([subject])[subject]


def recipients(history: list[str], notice: Notice) -> list[str]:
    """Where ``notice`` is emailed: the address in force; for the announcement of a
    change of address, also the address before the change and the one it set."""
    wanted = []
    if notice.kind == CONTACT_CHANGED:
        change = notice.fields.get("contact_change")
        if isinstance(change, int) and 0 <= change < len(history):
            wanted += history[max(change - 1, 0) : change + 1]
    if history:
        wanted.append(history[-1])
    return list(dict.fromkeys(wanted))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _log_attempt(
    units: UnitsOfWork,
    notice: Notice,
    attempt: int,
    outcome: str,
    error: str | None = None,
    retry_in: dt.timedelta | None = None,
) -> None:
    """One attempt logged: a unit of work of its own, written once the attempt is made
    (a message sent cannot be taken back by a rollback)."""
    with units() as uow:
        uow.notices.log_attempt(notice, "email", attempt, outcome, error, retry_in)
        uow.commit()


def deliver_email(
    units: UnitsOfWork, channel: Channel, now: dt.datetime | None = None, language: str = LANGUAGE
) -> DeliveryReport:
    """Send every notice whose email delivery is due, in the language its subject chose,
    else ``language``; log each
    attempt. A notice to several addresses is one message to each, sent separately
    (neither learns the other address)."""
    report = DeliveryReport()
    with units(read_only=True) as uow:
        due = uow.notices.due_for_delivery("email", now or dt.datetime.now(dt.UTC))
        # The rule titles and legal bases a notice quotes, in the language of the message.
        catalogs = CatalogRegistry.of(uow.catalogs.all()) if due else None
    # Each subject's addresses and language, read once for all its due notices.
    subjects = list(dict.fromkeys(SubjectRef.parse(notice.subject) for notice, _ in due))
    with units(read_only=True) as uow:
        histories = uow.ledger.contact_histories(subjects) if subjects else {}
        languages = uow.ledger.contact_languages(subjects) if subjects else {}
    for notice, attempts in due:
        subject = SubjectRef.parse(notice.subject)
        history, chosen = histories[subject], languages[subject]
        to = recipients(history, notice)
        if not to:
            _log_attempt(units, notice, attempts + 1, "skipped", "no email address known")
            report.skipped += 1
            continue
        # In the language the subject chose for its email, else the deployment's.
        title, text = notice.rendered(chosen or language, "email", catalogs)
        try:
            for address in to:
                channel.send(address, title, text)
        except (OSError, smtplib.SMTPException) as error:
            _log_attempt(
                units,
                notice,
                attempts + 1,
                "failed",
                without_addresses(f"{type(error).__name__}: {error}", to),
                retry_in=backoff(attempts + 1),
            )
            report.failed += 1
            continue
        _log_attempt(units, notice, attempts + 1, "sent")
        report.sent += 1
    return report
