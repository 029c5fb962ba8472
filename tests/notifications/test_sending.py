"""Sending: failures are retried with growing waits, then shown as failed; the sweep sends lost messages."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction

from egov.notifications.models import Message
from egov.notifications.services import message_send, notification_enqueue
from egov.notifications.sms import SmsMessage
from egov.notifications.tasks import send_message, send_pending
from tests.notifications.conftest import EMAIL, PHONE

pytestmark = pytest.mark.django_db


def _enqueue(clock, channel="sms", recipient=PHONE, key="dossier:7:result"):
    with transaction.atomic():
        return notification_enqueue(
            channel=channel, recipient=recipient, subject="Kết quả", body="Đã có kết quả.", key=key, clock=clock
        )


def _enqueue_and_commit(clock, capture, **kwargs):
    with capture(execute=True):
        message = _enqueue(clock, **kwargs)
    message.refresh_from_db()
    return message


def test_a_gateway_that_keeps_failing_is_tried_five_times_then_marked_failed(
    failing_sms, clock, django_capture_on_commit_callbacks
):
    message = _enqueue_and_commit(clock, django_capture_on_commit_callbacks)
    assert failing_sms.calls == 5
    assert (message.status, message.attempts, message.sent_at) == ("failed", 5, None)
    assert message.last_error == "ConnectionError: gateway refused ********78: quota exceeded"


def test_max_attempts_is_a_setting(settings, failing_sms, clock, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    message = _enqueue_and_commit(clock, django_capture_on_commit_callbacks)
    assert (failing_sms.calls, message.status, message.attempts) == (2, "failed", 2)


def test_a_gateway_that_recovers_delivers_once(flaky_sms, sms_outbox, clock, django_capture_on_commit_callbacks):
    message = _enqueue_and_commit(clock, django_capture_on_commit_callbacks)
    assert (message.status, message.attempts) == ("sent", 3)
    assert sms_outbox == [SmsMessage(to=PHONE, text="Đã có kết quả.")]
    assert PHONE not in message.last_error and "TimeoutError" in message.last_error


def test_a_refused_email_address_is_masked_in_the_error(failing_email, clock, django_capture_on_commit_callbacks):
    message = _enqueue_and_commit(clock, django_capture_on_commit_callbacks, channel="email", recipient=EMAIL)
    assert (failing_email.calls, message.status) == (5, "failed")
    assert "SMTPRecipientsRefused" in message.last_error and "n***@example.vn" in message.last_error
    assert "nguyen.van.an" not in message.last_error


def test_the_wait_between_attempts_doubles(failing_sms, clock):
    message = _enqueue(clock)
    waits = []
    for _attempt in range(4):
        message = message_send(message_id=message.pk, clock=clock)
        assert message.status == "pending"
        waits.append(message.next_attempt_at - clock.now())
        clock.set(message.next_attempt_at)
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    message = message_send(message_id=message.pk, clock=clock)
    assert (message.status, message.attempts) == ("failed", 5)
    assert message_send(message_id=message.pk, clock=clock).attempts == 5 and failing_sms.calls == 5


def test_sending_again_does_nothing_once_sent(sms_outbox, clock, django_capture_on_commit_callbacks):
    message = _enqueue_and_commit(clock, django_capture_on_commit_callbacks)
    send_message.delay(message.pk)
    send_message(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, len(sms_outbox)) == ("sent", 1, 1)


def test_the_sweep_sends_a_message_whose_task_was_lost(sms_outbox, clock):
    # Under the `db` fixture the test transaction never commits, so on_commit never fires:
    # exactly what a worker crash or a broker outage right after the commit looks like.
    message = _enqueue(clock)
    assert send_pending(now=clock.now() + timedelta(seconds=30)) == 0 and sms_outbox == []
    assert send_pending(now=clock.now() + timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert message.status == "sent" and [m.to for m in sms_outbox] == [PHONE]
    assert send_pending(now=clock.now() + timedelta(hours=1)) == 0 and len(sms_outbox) == 1


def test_the_sweep_leaves_a_retry_to_its_own_time_and_skips_failed_messages(failing_sms, clock):
    message = _enqueue(clock)
    message_send(message_id=message.pk, clock=clock)  # first try fails at 9:30; retry due at 9:31
    assert send_pending(now=clock.now() + timedelta(seconds=90)) == 0
    assert send_pending(now=clock.now() + timedelta(seconds=121)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 5)
    assert send_pending(now=clock.now() + timedelta(days=1)) == 0 and failing_sms.calls == 5


def test_logs_never_contain_the_phone_number_or_the_email_address(
    raw_logs, caplog, settings, flaky_sms, failing_email, clock, django_capture_on_commit_callbacks
):
    sms_message = _enqueue_and_commit(clock, django_capture_on_commit_callbacks, key="a")
    mail_message = _enqueue_and_commit(
        clock, django_capture_on_commit_callbacks, channel="email", recipient=EMAIL, key="b"
    )
    settings.SMS_BACKEND = "tests.notifications.backends.FailingSmsBackend"
    lost = _enqueue(clock, key="c")
    send_pending(now=clock.now() + timedelta(minutes=5))
    assert [m.status for m in Message.objects.order_by("key")] == ["sent", "failed", "failed"]

    # The capture is not masked (control line) and did see the outbox at work.
    logging.getLogger("tests").info("control %s %s", PHONE, EMAIL)
    assert raw_logs[-1] == f"control {PHONE} {EMAIL}"
    ours = raw_logs[:-1]
    assert any(f"notification {sms_message.pk} (sms) sent" in line for line in ours)
    assert any(f"notification {mail_message.pk} (email) failed after 5 attempts" in line for line in ours)
    assert any(f"notification {lost.pk} (sms) attempt 1 of 5 failed" in line for line in ours)
    for line in ours:
        assert PHONE not in line and "nguyen.van.an" not in line and EMAIL not in line
    assert PHONE not in caplog.text and "nguyen.van.an" not in caplog.text
