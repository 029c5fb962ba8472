"""Gateways that fail, named by dotted path in the settings like real backends."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

from egov.notifications import sms


class FailingSmsBackend:
    """Always refuses, and (as real gateways do) repeats the number in its error."""

    calls = 0

    def send(self, to: str, text: str) -> None:
        type(self).calls += 1
        raise ConnectionError(f"gateway refused {to}: quota exceeded")


class FlakySmsBackend:
    """Fails twice, then delivers to the in-memory outbox."""

    calls = 0
    failures = 2

    def send(self, to: str, text: str) -> None:
        type(self).calls += 1
        if type(self).calls <= self.failures:
            raise TimeoutError(f"no answer from gateway for {to}")
        sms.outbox.append(sms.SmsMessage(to=to, text=text))


class FailingEmailBackend(BaseEmailBackend):
    """The mail server refuses the recipient, naming the address in its error."""

    calls = 0

    def send_messages(self, email_messages: Any) -> int:
        type(self).calls += 1
        recipients = [r for m in email_messages for r in m.recipients()]
        raise smtplib.SMTPRecipientsRefused({r: (550, b"5.1.1 mailbox unavailable") for r in recipients})
