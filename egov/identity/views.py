"""Pages of the client registry: list, register (the secret shown once), rotate a secret."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model

from egov.accounts.selectors import user_is_province_admin
from egov.core.errors import DomainError
from egov.core.web import allowed_only

from .protocol import SCOPES
from .services import client_register, client_secret_rotate

admin_only = allowed_only(user_is_province_admin, _("Chỉ quản trị cấp tỉnh quản lý hệ thống kết nối."))


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
