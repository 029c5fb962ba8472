"""A notification is written with the change it announces and sent only once that change has committed."""

import pytest
from django.db import transaction

from egov.core.errors import DomainError
from egov.notifications.models import Message
from egov.notifications.selectors import message_list_for_object
from egov.notifications.services import notification_enqueue, notifications_enqueue, outgoing
from egov.notifications.sms import SmsMessage
from tests.notifications.conftest import EMAIL, PHONE

pytestmark = pytest.mark.django_db

BODY = "Hồ sơ 000.00.12.H39-260310-0001 đã được tiếp nhận."


def _sms(key="dossier:1:received:sms", recipient=PHONE, body=BODY, **kwargs):
    return notification_enqueue(channel="sms", recipient=recipient, subject="", body=body, key=key, **kwargs)


class Boom(Exception):
    pass


def test_sms_is_sent_after_the_transaction_commits(sms_outbox, citizen, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = _sms(obj=citizen, clock=clock)
        assert sms_outbox == []
    assert sms_outbox == [SmsMessage(to=PHONE, text=BODY)]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.created_at == clock.now() and message.sent_at is not None
    assert (message.object_type, message.object_id) == ("accounts.user", str(citizen.pk))
    assert list(message_list_for_object(citizen)) == [message]


def test_email_is_sent_after_the_transaction_commits(mailoutbox, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification_enqueue(
            channel="email",
            recipient=EMAIL,
            subject="Tiếp nhận\nhồ sơ",
            body=BODY,
            key="dossier:1:received:email",
            clock=clock,
        )
        assert mailoutbox == []
    [mail] = mailoutbox
    assert (mail.to, mail.subject, mail.body) == ([EMAIL], "Tiếp nhận hồ sơ", BODY)
    assert Message.objects.get().status == "sent"


def test_nothing_is_stored_or_sent_when_the_transaction_rolls_back(
    sms_outbox, mailoutbox, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        _sms(clock=clock)
        notification_enqueue(
            channel="email", recipient=EMAIL, subject="S", body=BODY, key="dossier:1:email", clock=clock
        )
        raise Boom
    assert callbacks == []
    assert sms_outbox == [] and mailoutbox == []
    assert not Message.objects.exists()


def test_the_same_key_gives_one_message_sent_once(sms_outbox, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = _sms(clock=clock)
        again = _sms(body="Một nội dung khác", clock=clock)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        later = _sms(clock=clock)
    assert callbacks == []
    assert first.pk == again.pk == later.pk and later.body == BODY
    assert Message.objects.count() == 1 and sms_outbox == [SmsMessage(to=PHONE, text=BODY)]


def test_messages_queued_together_are_written_and_published_once_each_sent_once(
    sms_outbox, mailoutbox, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        earlier = _sms(key="dossier:1:received:sms", clock=clock)
    items = [
        outgoing(channel="email", recipient=EMAIL, subject="Tiếp nhận", body=BODY, key="dossier:1:received:email"),
        outgoing(channel="sms", recipient=PHONE, subject="", body="khác", key="dossier:1:received:sms"),
        outgoing(channel="sms", recipient=PHONE, subject="", body=BODY, key="dossier:1:supplement-1:sms"),
    ]
    with django_capture_on_commit_callbacks(execute=True) as published, transaction.atomic():
        messages = notifications_enqueue(items, clock=clock)
    assert len(published) == 1
    assert [m.key for m in messages] == [item.key for item in items]
    assert messages[1].pk == earlier.pk and messages[1].body == BODY  # already queued: kept as it was
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    assert sms_outbox == [SmsMessage(to=PHONE, text=BODY)] * 2  # the earlier one and the new one, once each
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"} and Message.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_sends_and_a_real_rollback_does_not(sms_outbox, clock):
    with transaction.atomic():
        _sms(key="a", clock=clock)
        assert sms_outbox == []
    assert [m.to for m in sms_outbox] == [PHONE]

    with pytest.raises(Boom), transaction.atomic():
        _sms(key="b", clock=clock)
        raise Boom
    assert len(sms_outbox) == 1 and list(Message.objects.values_list("key", flat=True)) == ["a"]


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_raises(sms_outbox, clock):
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        _sms(clock=clock)
    assert not Message.objects.exists() and sms_outbox == []


@pytest.mark.parametrize(
    ("channel", "recipient", "body", "code", "text"),
    [
        ("sms", "", BODY, "notifications.recipient_required", "Chưa có địa chỉ thư điện tử hoặc số điện thoại"),
        ("email", "   ", BODY, "notifications.recipient_required", "Chưa có địa chỉ thư điện tử hoặc số điện thoại"),
        ("zalo", PHONE, BODY, "notifications.bad_channel", "Kênh thông báo “zalo” không được hỗ trợ."),
        ("sms", "09123-abc", BODY, "notifications.bad_phone", "Số điện thoại nhận tin nhắn không hợp lệ."),
        ("email", "an@", BODY, "notifications.bad_email", "Địa chỉ thư điện tử nhận thông báo không hợp lệ."),
        ("sms", PHONE, "  ", "notifications.body_required", "Nội dung thông báo đang để trống."),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message(channel, recipient, body, code, text, clock):
    with pytest.raises(DomainError) as error, transaction.atomic():
        notification_enqueue(channel=channel, recipient=recipient, subject="", body=body, key="k", clock=clock)
    assert error.value.code == code and text in error.value.message
    assert not Message.objects.exists()


def test_phone_numbers_are_stored_without_separators(clock):
    with transaction.atomic():
        message = _sms(recipient=" 0912 345.678 ", clock=clock)
    assert message.recipient == PHONE


def test_a_message_shows_its_recipient_masked(clock):
    with transaction.atomic():
        by_sms = _sms(clock=clock)
        by_email = notification_enqueue(channel="email", recipient=EMAIL, subject="S", body=BODY, key="e", clock=clock)
    assert PHONE not in str(by_sms) and str(by_sms).endswith("********78 (Chờ gửi)")
    assert "nguyen.van.an" not in str(by_email) and "n***@example.vn" in str(by_email)
