"""Officials and administrators reach the back office only after the second factor (TOTP) of this sign-in."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# What an official may open before the second factor: that page, signing out, static files, the
# language switch and the OAuth endpoints that clients call without a session.
_OPEN = (
    "/tai-khoan/xac-thuc-hai-buoc/",
    "/tai-khoan/dang-xuat/",
    "/static/",
    "/i18n/",
    "/o/token/",
    "/o/revoke_token/",
    "/o/introspect/",
    "/o/userinfo/",
    "/.well-known/",
)


def needs_second_factor(user: object) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (getattr(user, "kind", "") == "official" or getattr(user, "is_staff", False))
    )


class SecondFactorForOfficialsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.OFFICIALS_REQUIRE_2FA
            and needs_second_factor(user)
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(_OPEN)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "identity.second_factor", "message": "Cần xác thực hai bước."}, status=403)
            return redirect(f"{reverse('identity_account:second_factor')}?next={quote(request.get_full_path())}")
        return self.get_response(request)
