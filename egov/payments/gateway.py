"""The payment platform adapter: create an order (→ redirect URL), verify a signed callback, a day's statement.

`PAYMENT_GATEWAY_BACKEND` names the class. `FakeGateway` is a local platform that behaves like a real one
(VNPay-like): its own book of transactions, a payment page, callbacks signed with HMAC-SHA256 over the
sorted parameters, the server-to-server callback (IPN) retried with backoff until the merchant answers,
and a daily statement. docs/payments.md says how to plug in a real platform.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.module_loading import import_string

from egov.core.clock import VN_TZ, Clock, ensure_aware, system_clock
from egov.core.outbox import backoff

from .models import FakeGatewayTransaction

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "signature"
RESPONSE_OK = "00"  # paid
RESPONSE_CANCELLED = "24"  # the payer cancelled on the gateway's page
PAY_DATE_FORMAT = "%Y%m%d%H%M%S"  # in Asia/Ho_Chi_Minh, as VNPay's vnp_PayDate


@dataclass(frozen=True)
class Order:
    """What the merchant asks the platform to collect."""

    order_id: str
    amount: int  # đồng
    description: str
    return_url: str
    created_at: datetime


@dataclass(frozen=True)
class CallbackData:
    """A callback whose signature checked out, in the platform's own words made plain."""

    order_id: str
    amount: int
    success: bool
    response_code: str
    gateway_txn: str
    paid_at: datetime | None


@dataclass(frozen=True)
class StatementLine:
    """One paid transaction in the platform's statement for a day (đối soát)."""

    order_id: str
    gateway_txn: str
    amount: int
    paid_at: datetime


class BadSignature(Exception):
    """The callback is not signed by the platform (or was changed on the way): nothing may be done with it."""


class PaymentGateway(Protocol):
    """What egov needs from any payment platform (the national platform of DVCQG, VNPay, a bank's)."""

    name: str

    def order_create(self, order: Order) -> str:
        """Register the order with the platform; return the URL to send the payer's browser to."""
        ...

    def callback_verify(self, params: Mapping[str, str]) -> CallbackData:
        """Check the signature of a callback (IPN or browser return) and read it; raise BadSignature."""
        ...

    def statement(self, day: date) -> list[StatementLine]:
        """The platform's list of transactions paid on `day` (Asia/Ho_Chi_Minh), for reconciliation."""
        ...


def get_gateway() -> PaymentGateway:
    gateway: PaymentGateway = import_string(settings.PAYMENT_GATEWAY_BACKEND)()
    return gateway


def gateway_is_fake() -> bool:
    return isinstance(get_gateway(), FakeGateway)


# --- signatures -------------------------------------------------------------------------------------


def canonical(params: Mapping[str, str]) -> str:
    """`a=1&b=x%20y`: every non-empty parameter but the signature, sorted by name, values URL-encoded."""
    return "&".join(
        f"{key}={quote(str(params[key]), safe='')}"
        for key in sorted(params)
        if key != SIGNATURE_FIELD and str(params[key]) != ""
    )


def sign(params: Mapping[str, str], secret: str) -> str:
    """HMAC-SHA256 (hex) of the canonical form."""
    return hmac.new(secret.encode("utf-8"), canonical(params).encode("utf-8"), hashlib.sha256).hexdigest()


def signed(params: Mapping[str, str], secret: str) -> dict[str, str]:
    return {**{k: str(v) for k, v in params.items()}, SIGNATURE_FIELD: sign(params, secret)}


def signature_valid(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get(SIGNATURE_FIELD, ""))
    return bool(given) and hmac.compare_digest(given.lower(), sign(params, secret))


# --- the fake platform -------------------------------------------------------------------------------

FAKE_MERCHANT = "EGOVLAMDONG"
FAKE_MERCHANT_NAME = "Cổng Dịch vụ công tỉnh Lâm Đồng"
# The IPN is tried this many times, waiting 30 s, 1 min, 2 min… (at most an hour) between tries.
FAKE_IPN_MAX_ATTEMPTS = 10
FAKE_IPN_FIRST_DELAY = 30


def fake_ipn_delay(attempts: int) -> float:
    return backoff(attempts, first_seconds=FAKE_IPN_FIRST_DELAY).total_seconds()


class FakeGateway:
    """A payment platform that runs inside the demo: nothing leaves the machine, every step is real."""

    name = "fake"

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret or settings.PAYMENT_FAKE_SECRET

    def order_create(self, order: Order) -> str:
        FakeGatewayTransaction.objects.create(
            order_id=order.order_id,
            merchant=FAKE_MERCHANT,
            amount=order.amount,
            description=order.description[:255],
            return_url=order.return_url,
            created_at=order.created_at,
        )
        return reverse("payments:fake_gateway", args=[order.order_id])

    def callback_verify(self, params: Mapping[str, str]) -> CallbackData:
        if not signature_valid(params, self.secret) or params.get("merchant") != FAKE_MERCHANT:
            raise BadSignature("chữ ký không hợp lệ")
        try:
            code = str(params["response_code"])
            paid = datetime.strptime(params["pay_date"], PAY_DATE_FORMAT).replace(tzinfo=VN_TZ)
            return CallbackData(
                order_id=str(params["order_id"]),
                amount=int(params["amount"]),
                success=code == RESPONSE_OK,
                response_code=code,
                gateway_txn=str(params.get("txn_no", "")),
                paid_at=paid if code == RESPONSE_OK else None,
            )
        except (KeyError, ValueError) as exc:
            raise BadSignature("thiếu hoặc sai tham số") from exc

    def statement(self, day: date) -> list[StatementLine]:
        start = datetime.combine(day, time(0, 0), tzinfo=VN_TZ)
        rows = FakeGatewayTransaction.objects.filter(
            status=FakeGatewayTransaction.Status.PAID, finished_at__gte=start, finished_at__lt=start + timedelta(days=1)
        ).order_by("finished_at", "id")
        return [
            StatementLine(order_id=t.order_id, gateway_txn=t.txn_no, amount=t.amount, paid_at=t.finished_at)
            for t in rows
            if t.finished_at is not None
        ]


def fake_callback_params(txn: FakeGatewayTransaction, secret: str | None = None) -> dict[str, str]:
    """The signed parameters the fake sends (IPN) and appends to the return URL, as VNPay does."""
    when = ensure_aware(txn.finished_at or txn.created_at)
    return signed(
        {
            "merchant": txn.merchant,
            "order_id": txn.order_id,
            "amount": str(txn.amount),
            "response_code": txn.response_code,
            "txn_no": txn.txn_no,
            "pay_date": when.strftime(PAY_DATE_FORMAT),
        },
        secret or settings.PAYMENT_FAKE_SECRET,
    )


def fake_return_url(txn: FakeGatewayTransaction) -> str:
    separator = "&" if "?" in txn.return_url else "?"
    return f"{txn.return_url}{separator}{urlencode(fake_callback_params(txn))}"


@transaction.atomic
def fake_finish(*, order_id: str, pay: bool, clock: Clock = system_clock) -> FakeGatewayTransaction:
    """The payer presses "Thanh toán" or "Hủy giao dịch" on the fake's page; the IPN goes out after commit.

    A second press changes nothing (a platform settles an order once).
    """
    txn = FakeGatewayTransaction.objects.select_for_update().get(order_id=order_id)
    if txn.status != FakeGatewayTransaction.Status.PENDING:
        return txn
    txn.finished_at = clock.now()
    if pay:
        txn.status, txn.response_code = FakeGatewayTransaction.Status.PAID, RESPONSE_OK
        txn.txn_no = f"FK{clock.now():%y%m%d}{secrets.randbelow(10**8):08d}"
    else:
        txn.status, txn.response_code = FakeGatewayTransaction.Status.CANCELLED, RESPONSE_CANCELLED
    txn.save()
    from .tasks import fake_ipn_send  # the task module imports this one

    transaction.on_commit(lambda: fake_ipn_send.delay(txn.pk), robust=True)
    return txn


def fake_ipn_attempt(*, txn_id: int, clock: Clock = system_clock) -> float | None:
    """Send the IPN once. Returns the wait before the next try, or None when answered or given up.

    Called in-process (the demo has no second server), but through the same signature check as the HTTP
    endpoint: `payment_callback_apply` receives exactly the parameters a POST to /thanh-toan/ipn/ would.
    Any answer stops the retries (as with a real platform, a definite "bad signature" is final too); an
    exception on the merchant's side is a failed delivery.
    """
    from .services import payment_callback_apply  # services import this module

    txn = FakeGatewayTransaction.objects.get(pk=txn_id)
    if txn.ipn_delivered_at is not None or txn.ipn_attempts >= FAKE_IPN_MAX_ATTEMPTS:
        return None
    txn.ipn_attempts += 1
    txn.save(update_fields=["ipn_attempts"])
    try:
        outcome = payment_callback_apply(params=fake_callback_params(txn), source="ipn", clock=clock)
    except Exception:  # the merchant failed: log (no personal data here) and try again later
        logger.warning("IPN for order %s failed on attempt %s", txn.order_id, txn.ipn_attempts, exc_info=True)
        if txn.ipn_attempts >= FAKE_IPN_MAX_ATTEMPTS:
            txn.ipn_answer = "gave_up"
            txn.save(update_fields=["ipn_answer"])
            return None
        return fake_ipn_delay(txn.ipn_attempts)
    txn.ipn_answer, txn.ipn_delivered_at = outcome.answer, clock.now()
    txn.save(update_fields=["ipn_answer", "ipn_delivered_at"])
    return None
