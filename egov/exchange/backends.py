"""Clients for a central ministry's system, chosen by `settings.CENTRAL_EXCHANGE_BACKEND` (like SMS_BACKEND).

A backend delivers one outgoing message and returns the receiving system's reference for it; it raises
on any failure, and the outbox tries again later. Replies come back separately, through
`services.exchange_receive` (a callback endpoint of the live system, or the fake ministry's page).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string

from .models import ExchangeMessage


class CentralBackend(Protocol):
    """Sends one message to a central system; returns that system's reference; raises on failure."""

    #: Short name kept on each message, so the fake ministry lists only what was sent to it.
    name: str

    def send(self, message: ExchangeMessage) -> str: ...


class FakeCentralBackend:
    """The demo's and tests' ministry: accepts every message; an administrator answers it on
    /lien-thong/gia-lap/ (`services.exchange_fake_reply`), as the ministry's officials would."""

    name = "fake"

    def send(self, message: ExchangeMessage) -> str:
        return f"GIA-LAP-{message.pk:06d}"


class HttpCentralBackend:
    """A JSON POST to the provincial LGSP (or the ministry's gateway): the starting point for going live.

    Sends {"reference", "kind", "system", "payload"} to `CENTRAL_EXCHANGE_URL` with the bearer token
    `CENTRAL_EXCHANGE_TOKEN` and expects {"id": "<their reference>"}. Adapt the body and headers to the
    gateway's contract (docs/exchange.md); the outbox, retries and replies stay as they are.
    """

    name = "http"
    timeout = 20

    def send(self, message: ExchangeMessage) -> str:
        url = settings.CENTRAL_EXCHANGE_URL
        if not url.startswith(("https://", "http://")):
            raise RuntimeError("CENTRAL_EXCHANGE_URL must be an http(s) address")
        body = json.dumps(
            {
                "reference": message.reference,
                "kind": message.kind,
                "system": message.system,
                "payload": message.payload,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (an http(s) address from the settings)
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.CENTRAL_EXCHANGE_TOKEN}",
                "Idempotency-Key": message.reference,
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
        return str(answer.get("id") or "")


def get_central_backend() -> CentralBackend:
    """A new instance of the backend named by the setting (read each time, so tests can change it)."""
    return cast(CentralBackend, import_string(settings.CENTRAL_EXCHANGE_BACKEND)())
