"""Writes to the outbox: enqueue in the caller's transaction, one delivery attempt, the overdue sweep."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from egov.core.clock import Clock, system_clock
from egov.core.errors import DomainError
from egov.core.outbox import backoff, requeue_overdue
from egov.core.phone import phone_normalize
from egov.core.pii import mask_pii

from .models import KEY_MAX_LENGTH, SUBJECT_MAX_LENGTH, Message, mask_recipient
from .selectors import message_list_due
from .sms import get_sms_backend

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_RETRY_DELAY = 60  # seconds before the first retry; doubled after each failure
MAX_RETRY_DELAY = timedelta(hours=1)
# A pending message this long past its due time lost its task (worker crash, broker down): re-queue it.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 500


def max_attempts() -> int:
    """How many times a message is tried before it is marked failed (`NOTIFICATION_MAX_ATTEMPTS`)."""
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8... minutes by default, at most an hour."""
    base = float(getattr(settings, "NOTIFICATION_RETRY_DELAY", DEFAULT_RETRY_DELAY))
    return backoff(attempts, first_seconds=base, cap=MAX_RETRY_DELAY)


def _clean_recipient(channel: str, recipient: str) -> str:
    recipient = recipient.strip()
    if not recipient:
        raise DomainError(
            "notifications.recipient_required",
            _("Chưa có địa chỉ thư điện tử hoặc số điện thoại để gửi thông báo."),
        )
    if channel == Message.Channel.EMAIL:
        try:
            validate_email(recipient)
        except ValidationError:
            # The address itself stays out of the message: errors end up in logs and API responses.
            raise DomainError(
                "notifications.bad_email", _("Địa chỉ thư điện tử nhận thông báo không hợp lệ.")
            ) from None
        return recipient
    phone = phone_normalize(recipient)
    if phone is None:
        raise DomainError("notifications.bad_phone", _("Số điện thoại nhận tin nhắn không hợp lệ."))
    return phone


@dataclass(frozen=True)
class Outgoing:
    """One e-mail or SMS ready for the outbox, its fields checked: make it with `outgoing()`."""

    channel: str
    recipient: str
    subject: str
    body: str
    key: str


def outgoing(*, channel: str, recipient: str, subject: str, body: str, key: str) -> Outgoing:
    """Check one message before it is queued: a clear DomainError for a bad channel, address or text.

    `key` names the event (e.g. "dossier:123:received:sms"); the SMS channel ignores `subject`.
    """
    if channel not in Message.Channel.values:
        raise DomainError(
            "notifications.bad_channel", _("Kênh thông báo “%(channel)s” không được hỗ trợ."), channel=channel
        )
    recipient = _clean_recipient(channel, recipient)
    if not body.strip():
        raise DomainError("notifications.body_required", _("Nội dung thông báo đang để trống."))
    # A line break in a subject is refused by the mail library at send time; flatten it now.
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise DomainError("notifications.subject_too_long", _("Tiêu đề thông báo dài quá 255 ký tự."))
    key = key.strip()
    if not key or len(key) > KEY_MAX_LENGTH:
        raise ValueError("a notification key is 1 to 200 characters naming the event")
    return Outgoing(channel=channel, recipient=recipient, subject=subject, body=body, key=key)


def notifications_enqueue(
    items: Sequence[Outgoing], *, obj: models.Model | None = None, clock: Clock = system_clock
) -> list[Message]:
    """Put checked messages in the outbox together; they are sent after the caller's transaction commits.

    Must run inside the caller's transaction: the messages land with the change they announce, or not
    at all. One INSERT writes them and one task, published on commit, sends them. A key already in the
    outbox returns the existing message and sends nothing more. Returns one message per item, in order.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("notifications must be enqueued inside the caller's transaction.atomic()")
    if obj is not None and obj.pk is None:
        raise ValueError("save the object before enqueuing a notification about it")
    if not items:
        return []
    now = clock.now()
    by_key: dict[str, Message] = {}
    for item in items:
        by_key.setdefault(
            item.key,
            Message(
                key=item.key,
                channel=item.channel,
                recipient=item.recipient,
                subject=item.subject,
                body=item.body,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                created_at=now,
                next_attempt_at=now,
            ),
        )
    new_ids = _insert_unless_key_exists(list(by_key.values()))
    existing = [key for key, message in by_key.items() if message.pk is None]
    if existing:
        by_key.update({m.key: m for m in Message.objects.filter(key__in=existing)})
    if new_ids:
        # tasks imports this module, hence the import here.
        from .tasks import send_messages

        # robust: a broker that is down must not fail the caller's request after its data committed;
        # the messages stay pending and the sweep (send_pending) sends them later.
        transaction.on_commit(lambda: send_messages.delay(new_ids), robust=True)
    return [by_key[item.key] for item in items]


def notification_enqueue(
    *,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    key: str,
    obj: models.Model | None = None,
    clock: Clock = system_clock,
) -> Message:
    """Put one e-mail or SMS in the outbox: `outgoing()` then `notifications_enqueue()`."""
    if not connection.in_atomic_block:
        raise RuntimeError("notification_enqueue must be called inside the caller's transaction.atomic()")
    item = outgoing(channel=channel, recipient=recipient, subject=subject, body=body, key=key)
    (message,) = notifications_enqueue([item], obj=obj, clock=clock)
    return message


def _insert_unless_key_exists(messages: list[Message]) -> list[int]:
    """One `INSERT … ON CONFLICT (key) DO NOTHING RETURNING id, key` for all of them (PostgreSQL, SQLite
    ≥ 3.35): the ids of the new rows, also set on their messages; a message whose key exists keeps no pk.
    `get_or_create` would cost four statements per message (with its savepoint)."""
    meta = Message._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields if f.column)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = [f.get_db_prep_save(f.pre_save(m, add=True), connection) for m in messages for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row] * len(messages))} "
            f"ON CONFLICT ({quote('key')}) DO NOTHING RETURNING {quote('id')}, {quote('key')}",
            values,
        )
        inserted = {key: pk for pk, key in cursor.fetchall()}
    ids = []
    for message in messages:
        if message.key in inserted:
            message.pk = inserted[message.key]
            message._state.adding, message._state.db = False, connection.alias
            ids.append(message.pk)
    return ids


def _deliver(message: Message) -> None:
    if message.channel == Message.Channel.EMAIL:
        send_mail(message.subject, message.body, None, [message.recipient], fail_silently=False)
    else:
        get_sms_backend().send(message.recipient, message.body)


def _safe_error(exc: Exception, recipient: str) -> str:
    """The exception as text with the recipient and any other phone, ID or address masked."""
    text = f"{type(exc).__name__}: {exc}".replace(recipient, mask_recipient(recipient))
    return mask_pii(text)[:2000]


def message_send(*, message_id: int, clock: Clock = system_clock) -> Message | None:
    """Try once to deliver a pending message and record the outcome.

    Returns the message: `sent`; `failed` after the last allowed attempt; or still `pending` with
    `next_attempt_at` set, which asks the caller to try again then. A message already sent or failed
    is returned unchanged. None when the message does not exist or another worker is sending it.
    """
    with transaction.atomic():
        # A retry and the sweep may both hold this id; the row lock lets only one of them send.
        message = Message.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            logger.info("notification %s: missing or being sent by another worker", message_id)
            return None
        if message.status != Message.Status.PENDING:
            return message
        now = clock.now()
        message.attempts += 1
        limit = max_attempts()
        try:
            _deliver(message)
        except Exception as exc:  # any failure of a backend is retried; the text is kept, masked
            message.last_error = _safe_error(exc, message.recipient)
            if message.attempts >= limit:
                message.status = Message.Status.FAILED
                logger.error(
                    "notification %s (%s) failed after %s attempts: %s",
                    message.pk,
                    message.channel,
                    message.attempts,
                    message.last_error,
                )
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
                logger.warning(
                    "notification %s (%s) attempt %s of %s failed, next at %s: %s",
                    message.pk,
                    message.channel,
                    message.attempts,
                    limit,
                    f"{message.next_attempt_at:%H:%M:%S}",
                    message.last_error,
                )
        else:
            message.status = Message.Status.SENT
            message.sent_at = now
            logger.info("notification %s (%s) sent, attempt %s", message.pk, message.channel, message.attempts)
        message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
    return message


def message_requeue_due(*, clock: Clock = system_clock) -> list[int]:
    """Ids of pending messages overdue by more than SWEEP_GRACE, marked due now so they are not taken twice."""
    now = clock.now()
    ids = requeue_overdue(message_list_due(before=now - SWEEP_GRACE), now=now, batch=SWEEP_BATCH)
    if ids:
        logger.warning("re-queued %s overdue notifications", len(ids))
    return ids
