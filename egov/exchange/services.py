"""Writes to the exchange log: queue a message (sent after commit, retried), one delivery attempt, the sweep,
a reply received (deduplicated), the fake ministry's answer, and marking a reply as applied."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from egov.accounts.selectors import user_is_province_admin
from egov.core.audit import audit_record
from egov.core.clock import Clock, system_clock
from egov.core.errors import DomainError, PermissionDenied
from egov.core.outbox import backoff, requeue_overdue
from egov.core.pii import mask_pii

from .backends import get_central_backend
from .models import ExchangeMessage
from .selectors import message_list_due

logger = logging.getLogger(__name__)

RETRY_DELAY = 60  # seconds before the first retry; doubled after each failure
MAX_RETRY_DELAY = timedelta(hours=1)
# A pending message this long past its due time lost its task (worker crash, broker down): re-queue it.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 200
AGREED, COMMENTS = "agreed", "comments"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8... minutes, at most an hour."""
    return backoff(attempts, first_seconds=RETRY_DELAY, cap=MAX_RETRY_DELAY)


def _object_fields(obj: models.Model | None) -> dict[str, str]:
    if obj is None:
        return {"object_type": "", "object_id": ""}
    if obj.pk is None:
        raise ValueError("save the object before exchanging a message about it")
    return {"object_type": obj._meta.label_lower, "object_id": str(obj.pk)}


def exchange_send(
    *,
    actor: Any,
    system: str,
    kind: str,
    reference: str,
    payload: dict[str, Any],
    obj: models.Model | None = None,
    clock: Clock = system_clock,
) -> ExchangeMessage:
    """Put one message to `system` in the outbox; a worker sends it after the caller's transaction commits.

    Must run inside the caller's transaction: the message exists with the change that asks for it, or not
    at all. `reference` names the event; queuing it again returns the first message and sends nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("exchange_send must be called inside the caller's transaction.atomic()")
    earlier = ExchangeMessage.objects.filter(direction=ExchangeMessage.Direction.OUT, reference=reference).first()
    if earlier is not None:
        return earlier
    now = clock.now()
    message = ExchangeMessage.objects.create(
        direction=ExchangeMessage.Direction.OUT,
        system=system[:100],
        kind=kind,
        reference=reference,
        payload=payload,
        status=ExchangeMessage.Status.PENDING,
        created_at=now,
        next_attempt_at=now,
        **_object_fields(obj),
    )
    audit_record(
        actor=actor,
        action="exchange.message.queue",
        obj=message,
        changes={"system": message.system, "kind": kind, "reference": reference},
        clock=clock,
    )
    from .tasks import send_exchange_message  # tasks imports this module

    # robust: a broker that is down must not fail the caller after its data committed; the sweep sends later.
    transaction.on_commit(lambda: send_exchange_message.delay(message.pk), robust=True)
    return message


def exchange_deliver(*, message_id: int, clock: Clock = system_clock) -> ExchangeMessage | None:
    """Try once to deliver a pending outgoing message and record the outcome.

    Returns the message: `sent`; `failed` after the last allowed attempt; or still `pending` with
    `next_attempt_at` set. A message already sent or failed is returned unchanged; None when it does not
    exist or another worker holds it.
    """
    with transaction.atomic():
        message = ExchangeMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            logger.info("exchange message %s: missing or being sent by another worker", message_id)
            return None
        if message.direction != ExchangeMessage.Direction.OUT or message.status != ExchangeMessage.Status.PENDING:
            return message
        now = clock.now()
        message.attempts += 1
        backend = get_central_backend()
        try:
            message.remote_reference = backend.send(message)[:200]
        except Exception as exc:  # any failure of the other side or the network is retried; the text is kept
            message.last_error = mask_pii(f"{type(exc).__name__}: {exc}")[:2000]
            if message.attempts >= settings.EXCHANGE_MAX_ATTEMPTS:
                message.status = ExchangeMessage.Status.FAILED
                logger.error("exchange message %s to %s failed: %s", message.pk, message.system, message.last_error)
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
                logger.warning(
                    "exchange message %s attempt %s failed, next at %s: %s",
                    message.pk,
                    message.attempts,
                    f"{message.next_attempt_at:%H:%M:%S}",
                    message.last_error,
                )
        else:
            message.status, message.sent_at, message.via = ExchangeMessage.Status.SENT, now, backend.name
            logger.info("exchange message %s sent to %s, attempt %s", message.pk, message.system, message.attempts)
        message.save(
            update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at", "remote_reference", "via"]
        )
    return message


def exchange_requeue_due(*, clock: Clock = system_clock) -> list[int]:
    """Ids of pending messages overdue by more than SWEEP_GRACE, marked due now so they are not taken twice."""
    now = clock.now()
    ids = requeue_overdue(message_list_due(before=now - SWEEP_GRACE), now=now, batch=SWEEP_BATCH)
    if ids:
        logger.warning("re-queued %s overdue exchange messages", len(ids))
    return ids


def _wake_consumers() -> None:
    for path in settings.EXCHANGE_REPLY_CONSUMERS:
        import_string(path).delay()


@transaction.atomic
def exchange_receive(
    *,
    actor: Any,
    system: str,
    kind: str,
    reference: str,
    payload: dict[str, Any],
    reply_to: ExchangeMessage | None = None,
    clock: Clock = system_clock,
) -> tuple[ExchangeMessage, bool]:
    """Record a message from another system once (deduplicated by its `reference`); (message, created).

    After commit the consumers named in `EXCHANGE_REPLY_CONSUMERS` are woken to apply it (at once in the
    demo's eager mode; the beat runs them too, in case a wake-up is lost).
    """
    earlier = ExchangeMessage.objects.filter(direction=ExchangeMessage.Direction.IN, reference=reference).first()
    if earlier is not None:
        return earlier, False
    message = ExchangeMessage.objects.create(
        direction=ExchangeMessage.Direction.IN,
        system=system[:100],
        kind=kind,
        reference=reference,
        reply_to=reply_to,
        object_type=reply_to.object_type if reply_to else "",
        object_id=reply_to.object_id if reply_to else "",
        payload=payload,
        status=ExchangeMessage.Status.RECEIVED,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="exchange.message.receive",
        obj=message,
        changes={"system": message.system, "kind": kind, "reference": reference},
        clock=clock,
    )
    transaction.on_commit(_wake_consumers, robust=True)
    return message, True


def exchange_fake_reply(
    *, actor: Any, message: ExchangeMessage, agreed: bool, note: str = "", clock: Clock = system_clock
) -> ExchangeMessage:
    """The fake ministry answers a request: agrees, or has comments (then a note is required).

    Only the province's IT staff (province administrators) play the ministry in the demo.
    """
    if not user_is_province_admin(actor):
        raise PermissionDenied("exchange.admin_only", _("Chỉ quản trị cấp tỉnh dùng được trang giả lập bộ, ngành."))
    note = note.strip()
    if not agreed and not note:
        raise DomainError("exchange.note_required", _("Cần ghi ý kiến của bộ, ngành."))
    with transaction.atomic():
        request = ExchangeMessage.objects.select_for_update().filter(pk=message.pk).first()
        if (
            request is None
            or request.direction != ExchangeMessage.Direction.OUT
            or request.via != "fake"
            or request.status != ExchangeMessage.Status.SENT
        ):
            raise DomainError("exchange.not_waiting", _("Thông điệp này không chờ phản hồi từ bộ, ngành giả lập."))
        if request.replies.exists():
            raise DomainError("exchange.answered", _("Thông điệp này đã được phản hồi."))
        reply, _created = exchange_receive(
            actor=actor,
            system=request.system,
            kind=ExchangeMessage.Kind.STEP_REPLY,
            reference=f"{request.remote_reference}:reply",
            reply_to=request,
            payload={
                "decision": AGREED if agreed else COMMENTS,
                "note": note,
                "in_reply_to": request.remote_reference,
                "answered_at": clock.now().isoformat(),
            },
            clock=clock,
        )
    return reply


def exchange_reply_lock(*, message_id: int) -> ExchangeMessage | None:
    """The reply, locked for the caller's transaction, if it still waits to be applied (else None)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("exchange_reply_lock must be called inside the caller's transaction.atomic()")
    return (
        ExchangeMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("reply_to")
        .filter(
            pk=message_id,
            direction=ExchangeMessage.Direction.IN,
            status=ExchangeMessage.Status.RECEIVED,
        )
        .first()
    )


def exchange_reply_processed(
    *, actor: Any, message: ExchangeMessage, note: str, clock: Clock = system_clock
) -> ExchangeMessage:
    """Mark a reply as applied, with what it did; in the caller's transaction, with the change it made."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("exchange_reply_processed must be called inside the caller's transaction.atomic()")
    message.status, message.processed_at, message.processing_note = (
        ExchangeMessage.Status.PROCESSED,
        clock.now(),
        note[:2000],
    )
    message.save(update_fields=["status", "processed_at", "processing_note"])
    audit_record(actor=actor, action="exchange.message.processed", obj=message, reason=note, clock=clock)
    return message
