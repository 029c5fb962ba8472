"""E-forms (tờ khai điện tử): a procedure's form fields as data, checked, and turned into a Django form.

A field is a dict: `name` (a-z, 0-9, _), `label`, `type` (text, textarea, number, date, choice,
checkbox, email, phone), `required`, `help_text`, `choices` (for choice) and `prefill` (an
account attribute copied in when the form opens: full_name, personal_id, tax_code, phone, email,
address).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from egov.core.errors import DomainError

FIELD_TYPES = ("text", "textarea", "number", "date", "choice", "checkbox", "email", "phone")
PREFILL_FROM = ("full_name", "personal_id", "tax_code", "phone", "email", "address")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_FIELDS = 60


def fields_clean(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check a form definition; raise DomainError listing every problem, in Vietnamese."""
    errors: list[str] = []
    seen: set[str] = set()
    result = []
    if len(raw) > MAX_FIELDS:
        errors.append(_("Tờ khai có tối đa %(n)s trường.") % {"n": MAX_FIELDS})
    for i, field in enumerate(raw, start=1):
        name = str(field.get("name", "")).strip()
        label = str(field.get("label", "")).strip()
        kind = str(field.get("type", "text")).strip()
        where = _("Trường %(n)s") % {"n": i}
        if not _NAME.match(name):
            errors.append(
                _("%(where)s: tên “%(name)s” chỉ gồm chữ thường không dấu, số và dấu _")
                % {"where": where, "name": name}
            )
        elif name in seen:
            errors.append(_("%(where)s: tên “%(name)s” bị trùng") % {"where": where, "name": name})
        seen.add(name)
        if not label:
            errors.append(_("%(where)s: thiếu nhãn") % {"where": where})
        if kind not in FIELD_TYPES:
            errors.append(_("%(where)s: kiểu “%(type)s” không hợp lệ") % {"where": where, "type": kind})
        choices = [str(c).strip() for c in field.get("choices") or [] if str(c).strip()]
        if kind == "choice" and len(choices) < 2:
            errors.append(_("%(where)s: trường lựa chọn cần ít nhất 2 lựa chọn") % {"where": where})
        prefill = str(field.get("prefill") or "").strip()
        if prefill and prefill not in PREFILL_FROM:
            errors.append(_("%(where)s: không điền sẵn được từ “%(prefill)s”") % {"where": where, "prefill": prefill})
        result.append(
            {
                "name": name,
                "label": label,
                "type": kind,
                "required": bool(field.get("required")),
                "help_text": str(field.get("help_text") or "").strip(),
                "choices": choices,
                "prefill": prefill,
            }
        )
    if errors:
        raise DomainError("catalog.form_invalid", "; ".join(errors))
    return result


def _field(spec: dict[str, Any]) -> forms.Field:
    common = {"label": spec["label"], "required": spec["required"], "help_text": spec["help_text"]}
    kind = spec["type"]
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    if kind == "number":
        return forms.DecimalField(**common)
    if kind == "date":
        return forms.DateField(
            input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}), **common
        )
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *[(c, c) for c in spec["choices"]]], **common)
    if kind == "checkbox":
        return forms.BooleanField(**common)
    if kind == "email":
        return forms.EmailField(**common)
    if kind == "phone":
        return forms.RegexField(
            regex=r"^\+?[0-9 .-]{9,15}$",
            max_length=15,
            error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
            **common,
        )
    return forms.CharField(max_length=500, **common)


def build_form(fields: list[dict[str, Any]]) -> type[forms.Form]:
    """A Django form class for the e-form; field names are prefixed `ef_` to stay clear of other inputs."""
    return type("EForm", (forms.Form,), {f"ef_{spec['name']}": _field(spec) for spec in fields})


def prefill(fields: list[dict[str, Any]], user: Any) -> dict[str, Any]:
    """Initial values copied from the signed-in account."""
    return {f"ef_{spec['name']}": getattr(user, spec["prefill"], "") or "" for spec in fields if spec["prefill"]}


def form_values(fields: list[dict[str, Any]], cleaned: dict[str, Any]) -> dict[str, Any]:
    """The cleaned answers as JSON-ready data, keyed by field name."""
    values: dict[str, Any] = {}
    for spec in fields:
        value = cleaned.get(f"ef_{spec['name']}")
        if value is not None and hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and spec["type"] == "number":
            value = str(value)
        values[spec["name"]] = value
    return values
