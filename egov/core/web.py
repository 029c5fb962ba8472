"""Small pieces every back-office page uses: who may open it, and running a service behind a button."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise as StrPromise

from .errors import DomainError

View = Callable[..., HttpResponse]


def allowed_only(check: Callable[[Any], bool], refusal: str | StrPromise) -> Callable[[View], View]:
    """Signed in (else to the sign-in page) and passing `check` (else 403 with `refusal`)."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise DjangoPermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def run_action(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    """Run a service for a button: success or its refusal becomes a message; a 403 refusal stays a 403."""
    try:
        action()
        messages.success(request, done)
    except DomainError as exc:
        if exc.status == 403:
            raise DjangoPermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
