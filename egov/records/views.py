"""Public page of egov.records: anyone checks whether a result PDF is genuine (/ket-qua/xac-minh/)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import selectors


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF kết quả cần kiểm tra"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        data: bytes = upload.read()
        if not data.lstrip()[:5] == b"%PDF-":
            raise forms.ValidationError(_("Tệp này không phải PDF."))
        return data


def verify(request: HttpRequest) -> HttpResponse:
    """Upload a PDF: is its signature intact, who signed it and when, does it chain to the province's CA,
    and is it exactly a result this system issued (then only the dossier code and procedure are shown)."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        check = selectors.result_check(form.cleaned_data["file"])
    return render(
        request,
        "records/verify.html",
        {"form": form, "check": check},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
