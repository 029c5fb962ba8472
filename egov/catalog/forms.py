"""Back-office forms; they only collect input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core.calendar import DurationUnit
from egov.org.models import Agency, Level

from .models import Fee, OnlineLevel, ProcessStep


class ProcedureForm(forms.Form):
    code = forms.CharField(label=_("Mã thủ tục"), max_length=40)
    name = forms.CharField(label=_("Tên thủ tục"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    sector = forms.CharField(label=_("Lĩnh vực"), max_length=200)
    at_province = forms.BooleanField(label=_("Thực hiện ở cấp tỉnh"), required=False)
    at_commune = forms.BooleanField(label=_("Thực hiện ở cấp xã"), required=False)
    owner_eid_code = forms.ChoiceField(label=_("Cơ quan quản lý thủ tục"))
    implementing_agency = forms.CharField(label=_("Cơ quan thực hiện"), max_length=300)
    receiving_agency = forms.CharField(label=_("Nơi tiếp nhận hồ sơ"), max_length=300)
    online_level = forms.ChoiceField(label=_("Mức độ trực tuyến"), choices=OnlineLevel.choices)
    duration_value = forms.IntegerField(label=_("Thời hạn giải quyết"), min_value=0, max_value=365)
    duration_unit = forms.ChoiceField(
        label=_("Đơn vị"),
        choices=[(DurationUnit.WORKING_DAYS.value, _("ngày làm việc")), (DurationUnit.CALENDAR_DAYS.value, _("ngày"))],
    )
    duration_note = forms.CharField(label=_("Ghi chú thời hạn"), max_length=500, required=False)
    applicants = forms.CharField(label=_("Đối tượng thực hiện"), max_length=300, required=False)
    eligibility = forms.CharField(
        label=_("Yêu cầu, điều kiện"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    steps = forms.CharField(label=_("Trình tự thực hiện"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    result = forms.CharField(label=_("Kết quả thực hiện"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý (mỗi văn bản một dòng)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    min_assurance_level = forms.TypedChoiceField(
        label=_("Nộp trực tuyến cần đăng nhập"),
        coerce=int,
        choices=[(0, _("Tài khoản của Cổng")), (1, _("VNeID mức 1")), (2, _("VNeID mức 2"))],
        initial=0,
        required=False,
    )
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=300, required=False)

    def __init__(self, *args: Any, owner_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_eid_code"].choices = owner_choices  # type: ignore[attr-defined]


class FeeForm(forms.Form):
    # A blank first choice keeps the empty extra row unchanged, so it is ignored on save.
    kind = forms.ChoiceField(label=_("Loại"), choices=[("", "—"), *Fee.Kind.choices])
    name = forms.CharField(label=_("Tên khoản thu"), max_length=300)
    amount = forms.IntegerField(label=_("Mức thu (đồng)"), min_value=0, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class ComponentForm(forms.Form):
    name = forms.CharField(label=_("Tên giấy tờ"), max_length=600)
    originals = forms.IntegerField(label=_("Bản chính"), min_value=0, initial=1)
    copies = forms.IntegerField(label=_("Bản sao"), min_value=0, initial=0)
    required = forms.BooleanField(label=_("Bắt buộc"), required=False, initial=True)
    form_name = forms.CharField(label=_("Mẫu đơn, tờ khai"), max_length=300, required=False)


FeeFormSet = forms.formset_factory(FeeForm, extra=1, can_delete=True)
ComponentFormSet = forms.formset_factory(ComponentForm, extra=2, can_delete=True)


class PublishForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định công bố"), max_length=100)
    decision_date = forms.DateField(label=_("Ngày quyết định (dd/mm/yyyy)"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Lý do tạm ngừng"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class FormUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp mẫu (PDF, Word, Excel; tối đa 10 MB)"))


class EFormFieldForm(forms.Form):
    name = forms.CharField(label=_("Tên trường (không dấu)"), max_length=50)
    label = forms.CharField(label=_("Nhãn"), max_length=300)
    type = forms.ChoiceField(
        label=_("Kiểu"),
        choices=[
            ("text", _("Chữ")),
            ("textarea", _("Đoạn văn")),
            ("number", _("Số")),
            ("date", _("Ngày")),
            ("choice", _("Lựa chọn")),
            ("checkbox", _("Ô đánh dấu")),
            ("email", _("Thư điện tử")),
            ("phone", _("Số điện thoại")),
        ],
    )
    required = forms.BooleanField(label=_("Bắt buộc"), required=False)
    choices = forms.CharField(label=_("Các lựa chọn (cách nhau bởi ;)"), max_length=1000, required=False)
    prefill = forms.ChoiceField(
        label=_("Điền sẵn từ tài khoản"),
        required=False,
        choices=[
            ("", "—"),
            ("full_name", _("Họ tên")),
            ("personal_id", _("Số định danh")),
            ("tax_code", _("Mã số thuế")),
            ("phone", _("Điện thoại")),
            ("email", _("Thư điện tử")),
            ("address", _("Địa chỉ")),
        ],
    )
    help_text = forms.CharField(label=_("Hướng dẫn"), max_length=300, required=False)


EFormFieldFormSet = forms.formset_factory(EFormFieldForm, extra=2, can_delete=True)


class ProcessStepForm(forms.Form):
    name = forms.CharField(label=_("Tên bước"), max_length=300)
    where = forms.ChoiceField(label=_("Thực hiện tại"), choices=[("", "—"), *ProcessStep.Where.choices])
    agency = forms.ModelChoiceField(
        label=_("Cơ quan (nếu chọn cơ quan cụ thể)"),
        required=False,
        queryset=Agency.objects.filter(is_active=True, level=Level.PROVINCE),
    )
    central_system = forms.CharField(label=_("Hệ thống trung ương"), max_length=100, required=False)
    actor = forms.ChoiceField(label=_("Người thực hiện"), choices=ProcessStep.Actor.choices)
    share_percent = forms.IntegerField(label=_("Tỷ lệ thời gian (%)"), min_value=1, max_value=100)


ProcessStepFormSet = forms.formset_factory(ProcessStepForm, extra=2, can_delete=True)
