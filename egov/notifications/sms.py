"""SMS backends, chosen by `settings.SMS_BACKEND` like Django's e-mail backends."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string

from .models import mask_recipient


class SmsBackend(Protocol):
    """Sends one text message; raises on any failure so the outbox retries it."""

    def send(self, to: str, text: str) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


# What LocmemSmsBackend sent, in order; tests clear it.
outbox: list[SmsMessage] = []


class ConsoleSmsBackend:
    """For the demo: prints the message to standard output, with the phone number masked."""

    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS → {mask_recipient(to)}\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


class LocmemSmsBackend:
    """For tests: keeps the messages in `outbox`."""

    def send(self, to: str, text: str) -> None:
        outbox.append(SmsMessage(to=to, text=text))


def get_sms_backend() -> SmsBackend:
    """A new instance of the backend named by `settings.SMS_BACKEND` (read each time, so tests can change it)."""
    return cast(SmsBackend, import_string(settings.SMS_BACKEND)())
