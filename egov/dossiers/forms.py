"""Forms of the application and reception pages; they collect input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.catalog import eforms
from egov.catalog.models import Procedure
from egov.org.models import Agency


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def component_fields(procedure: Procedure, already_attached: set[int] | None = None) -> dict[str, forms.Field]:
    """One file box per dossier component; required components must get at least one file (or have one
    in the draft already)."""
    fields: dict[str, forms.Field] = {}
    for component in procedure.components.all():
        label = component.name if component.required else _("%(name)s (nếu có)") % {"name": component.name}
        attached = component.pk in (already_attached or set())
        if attached:
            label = _("%(name)s (đã đính kèm trong bản nháp)") % {"name": component.name}
        fields[f"component_{component.pk}"] = MultipleFileField(
            label=label,
            required=component.required and not attached,
            help_text=_("PDF, JPEG hoặc PNG; tối đa 10 MB mỗi tệp."),
        )
    return fields


class ApplyForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Nộp tại"))
    on_behalf = forms.BooleanField(required=False, label=_("Tôi nộp thay (được ủy quyền) cho người khác"))
    principal_name = forms.CharField(required=False, max_length=200, label=_("Họ tên người ủy quyền"))
    principal_phone = forms.CharField(required=False, max_length=15, label=_("Số điện thoại người ủy quyền"))
    principal_personal_id = forms.CharField(required=False, max_length=12, label=_("Số định danh người ủy quyền"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        agencies: Any,
        eform_fields: list[dict[str, Any]],
        already_attached: set[int] | None = None,
        businesses: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if businesses:  # a member of a business account may apply in its name
            self.fields["business"] = forms.ChoiceField(
                label=_("Nộp hồ sơ với tư cách"),
                required=False,
                choices=[("", _("Cá nhân tôi"))]
                + [
                    (str(b.pk), _("Doanh nghiệp: %(name)s (MST %(tax)s)") % {"name": b.full_name, "tax": b.tax_code})
                    for b in businesses
                ],
            )
        self.fields.update(eforms.build_form(eform_fields).base_fields)
        self.fields.update(component_fields(procedure, already_attached or set()))
        # Where, what the form asks, the documents; acting for someone else comes last.
        proxy = ["on_behalf", "principal_name", "principal_phone", "principal_personal_id"]
        self.order_fields([name for name in self.fields if name not in proxy] + proxy)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_behalf") and data.get("business"):
            raise forms.ValidationError(_("Chọn nộp cho doanh nghiệp hoặc nộp thay một người, không cả hai."))
        if data.get("on_behalf") and not (data.get("principal_name") and data.get("principal_phone")):
            raise forms.ValidationError(_("Nộp thay thì cần họ tên và số điện thoại của người ủy quyền."))
        return data


class TrackForm(forms.Form):
    ma = forms.CharField(label=_("Mã hồ sơ"), max_length=40)
    so = forms.CharField(label=_("4 số cuối điện thoại của người nộp"), max_length=4, min_length=4)


class DeskRegisterForm(forms.Form):
    procedure = forms.ModelChoiceField(queryset=Procedure.objects.none(), label=_("Thủ tục"))
    channel = forms.ChoiceField(
        label=_("Kênh"), choices=[("desk", _("Trực tiếp")), ("postal", _("Bưu chính công ích"))]
    )
    applicant_name = forms.CharField(label=_("Họ tên người nộp"), max_length=200)
    applicant_phone = forms.CharField(label=_("Số điện thoại"), max_length=15)
    applicant_personal_id = forms.CharField(label=_("Số định danh / mã số thuế"), max_length=13, required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    proxy_name = forms.CharField(label=_("Người được ủy quyền (nếu có)"), max_length=200, required=False)
    proxy_phone = forms.CharField(label=_("Điện thoại người được ủy quyền"), max_length=15, required=False)
    postal_waybill = forms.CharField(label=_("Số vận đơn (bưu chính)"), max_length=40, required=False)
    result_by_post = forms.BooleanField(label=_("Trả kết quả qua bưu chính"), required=False)
    scans = MultipleFileField(label=_("Bản quét giấy tờ"), required=False)

    def __init__(self, *args: Any, procedures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures  # type: ignore[attr-defined]


class SupplementRequestForm(forms.Form):
    items = forms.CharField(
        label=_("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một mục)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
    reason_for_another = forms.CharField(
        label=_("Lý do yêu cầu thêm lần nữa (nếu đã yêu cầu)"), required=False, max_length=500
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Lý do từ chối"), widget=forms.Textarea(attrs={"rows": 3}))


class SupplementSubmitForm(forms.Form):
    files = MultipleFileField(label=_("Giấy tờ bổ sung"))  # type: ignore[assignment]
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
