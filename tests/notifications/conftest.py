"""Fixtures for the outbox: SMS and e-mail captured in memory, gateways that fail, raw log messages."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from egov.notifications import sms
from tests.notifications.backends import FailingEmailBackend, FailingSmsBackend, FlakySmsBackend

PHONE = "0912345678"
EMAIL = "nguyen.van.an@example.vn"


@pytest.fixture
def sms_outbox(settings) -> Iterator[list[sms.SmsMessage]]:
    settings.SMS_BACKEND = "egov.notifications.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def failing_sms(settings) -> type[FailingSmsBackend]:
    settings.SMS_BACKEND = "tests.notifications.backends.FailingSmsBackend"
    FailingSmsBackend.calls = 0
    return FailingSmsBackend


@pytest.fixture
def flaky_sms(settings, sms_outbox) -> type[FlakySmsBackend]:
    settings.SMS_BACKEND = "tests.notifications.backends.FlakySmsBackend"
    FlakySmsBackend.calls = 0
    return FlakySmsBackend


@pytest.fixture
def failing_email(settings) -> type[FailingEmailBackend]:
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingEmailBackend"
    FailingEmailBackend.calls = 0
    return FailingEmailBackend


class _RawCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(logging.Formatter().format(record))


@pytest.fixture
def raw_logs(caplog) -> Iterator[list[str]]:
    """Every log line as our code emitted it, with its traceback.

    The settings put the masking filter on the root's console handler, and that filter rewrites the
    record in place before caplog's handler (added later) sees it. Checking caplog alone would test
    the safety net, not the code: this handler goes first, so it sees what the code actually wrote.
    """
    caplog.set_level(logging.DEBUG)
    handler = _RawCapture()
    root = logging.getLogger()
    root.handlers.insert(0, handler)
    yield handler.messages
    root.removeHandler(handler)
