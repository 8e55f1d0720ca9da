"""Email out through an SMTP server: one message to one address at a time, as UTF-8
(notices are written in Chinese as well as English)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


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
        message.set_content(text, charset="utf-8")
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)
