"""Keeping the list of a user's signed-in browsers: written when Django signs someone in or out."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.http import HttpRequest

from egov.core.clock import system_clock

from .models import UserSession


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "signed_in_at": system_clock.now(),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "network": _network(request.META.get("REMOTE_ADDR", "")),
        },
    )


def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="egov.identity.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="egov.identity.signed_out")
