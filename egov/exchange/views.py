"""The fake ministry (/lien-thong/gia-lap/): in the demo, the province's IT staff answer what was sent to a
central ministry, as that ministry's officials would through the national exchange."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.accounts.selectors import user_is_province_admin
from egov.core.web import allowed_only, run_action

from . import selectors, services
from .models import ExchangeMessage

admin_required = allowed_only(
    user_is_province_admin, gettext_lazy("Trang giả lập bộ, ngành dành cho quản trị cấp tỉnh.")
)


@admin_required
def fake_ministry(request: HttpRequest) -> HttpResponse:
    """Messages waiting at the fake ministry, oldest first, each with a form to answer it."""
    inbox = selectors.fake_ministry_inbox()
    return render(request, "exchange/fake_ministry.html", {"inbox": inbox[:100], "count": inbox.count()})


@admin_required
@require_POST
def fake_ministry_reply(request: HttpRequest, pk: int) -> HttpResponse:
    message = ExchangeMessage.objects.filter(pk=pk, direction=ExchangeMessage.Direction.OUT).first()
    if message is None:
        raise Http404(_("Không tìm thấy thông điệp."))
    agreed = request.POST.get("decision") == services.AGREED
    note = request.POST.get("note", "")
    run_action(
        request,
        lambda: services.exchange_fake_reply(actor=request.user, message=message, agreed=agreed, note=note),
        _("Đã gửi phản hồi của %(system)s.") % {"system": message.system},
    )
    return redirect("exchange:fake_ministry")
