"""Identity pages: the client registry (secrets shown once), the second factor, the user's sessions, deactivation."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import get_application_model

from egov.accounts.selectors import user_is_province_admin
from egov.core.errors import DomainError
from egov.core.web import allowed_only, run_action

from .models import UserSession
from .protocol import SCOPES
from .services import (
    account_deactivate,
    account_may_deactivate,
    client_register,
    client_secret_rotate,
    second_factor_confirm,
    session_end,
    vneid_sign_in,
)
from .vneid import vneid_finish, vneid_start

admin_only = allowed_only(user_is_province_admin, gettext_lazy("Chỉ quản trị cấp tỉnh quản lý hệ thống kết nối."))


@admin_only
def client_list(request: HttpRequest) -> HttpResponse:
    clients = get_application_model().objects.select_related("egov_policy").order_by("name")
    return render(request, "identity/clients.html", {"clients": clients})


@admin_only
def client_new(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"scopes": SCOPES, "values": request.POST, "chosen": request.POST.getlist("scopes")}
    if request.method == "POST":
        try:
            issued = client_register(
                actor=request.user,
                name=request.POST.get("name", ""),
                redirect_uris=request.POST.get("redirect_uris", "").split(),
                post_logout_redirect_uris=request.POST.get("post_logout_redirect_uris", "").split(),
                scopes=request.POST.getlist("scopes"),
                public=request.POST.get("client_type") == "public",
            )
        except DomainError as exc:
            context["error"] = exc.message
        else:
            return render(request, "identity/issued.html", {"issued": issued}, status=201)
    return render(request, "identity/client_new.html", context)


@admin_only
def client_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(get_application_model(), pk=pk)
    if request.method == "POST":
        try:
            issued = client_secret_rotate(
                actor=request.user, application=application, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            return render(request, "identity/rotate.html", {"application": application, "error": exc.message})
        return render(request, "identity/issued.html", {"issued": issued, "rotated": True})
    return render(request, "identity/rotate.html", {"application": application})


# --- the user's own: second factor and sessions --------------------------------------------------------


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enter this sign-in's TOTP code; the first time, set up the authenticator app from a QR code."""
    user = request.user
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:  # the same pending device on every visit, even if an earlier bug left several
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, confirmed=False, name="Ứng dụng xác thực")
    error = ""
    if request.method == "POST":
        if second_factor_confirm(actor=user, device=device, token=request.POST.get("token", "")):
            otp_login(request, device)
            return redirect(target)
        error = _("Mã xác thực không đúng hoặc đã hết hạn; hãy nhập mã đang hiện trên ứng dụng.")
    context = {"enrolling": enrolling, "next": target, "error": error}
    if enrolling:
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "identity/second_factor.html", context, status=400 if error else 200)


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    rows = UserSession.objects.filter(user_id=request.user.pk or 0)
    return render(request, "identity/sessions.html", {"rows": rows, "current": request.session.session_key})


@login_required
@require_POST
def session_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(UserSession, pk=pk, user_id=request.user.pk)  # another user's session: 404
    run_action(request, lambda: session_end(actor=request.user, session=row), _("Đã đăng xuất phiên đó."))
    return redirect("identity_account:sessions")


@login_required
def account_deactivate_page(request: HttpRequest, public_id: str) -> HttpResponse:
    user = get_object_or_404(get_user_model(), public_id=public_id)
    if not account_may_deactivate(request.user, user):  # not even who the account belongs to
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            account_deactivate(actor=request.user, user=user, reason=request.POST.get("reason", ""))
        except DomainError as exc:
            if exc.status == 403:
                raise DjangoPermissionDenied(exc.message) from exc
            error = exc.message
        else:
            messages.success(request, _("Đã vô hiệu hóa tài khoản; mọi phiên và mã truy cập đã chấm dứt."))
            return redirect("identity:deactivate", public_id=public_id)
    return render(request, "identity/deactivate.html", {"account": user, "error": error})


# --- signing in through VNeID ------------------------------------------------------------------------------


def _vneid_callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("identity_account:vneid_callback"))


def vneid(request: HttpRequest) -> HttpResponse:
    """Send the browser to VNeID, remembering (in the session) what its answer must match."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    try:
        start = vneid_start(redirect_uri=_vneid_callback_url(request))
    except (DomainError, OSError):
        messages.error(request, _("Chưa kết nối được VNeID; vui lòng thử lại sau hoặc đăng nhập bằng mật khẩu."))
        return redirect("accounts:login")
    request.session["vneid"] = {"state": start.state, "nonce": start.nonce, "verifier": start.verifier, "next": target}
    return redirect(start.url)


def vneid_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop("vneid", None)
    if not pending or request.GET.get("state") != pending["state"] or not request.GET.get("code"):
        messages.error(request, _("Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn; vui lòng thử lại."))
        return redirect("accounts:login")
    try:
        person = vneid_finish(
            redirect_uri=_vneid_callback_url(request),
            code=request.GET["code"],
            nonce=pending["nonce"],
            verifier=pending["verifier"],
        )
        user = vneid_sign_in(person=person)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Đã đăng nhập bằng VNeID (mức %(level)s).") % {"level": person.level})
    return redirect(pending["next"])
