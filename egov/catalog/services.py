"""Writes to the catalogue: create, update, publish, suspend, import. Each is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from egov.accounts.models import Role
from egov.accounts.selectors import user_has_role
from egov.core.audit import audit_record, diff_fields
from egov.core.clock import Clock, system_clock
from egov.core.errors import DomainError, PermissionDenied
from egov.core.text import fold, fold_words
from egov.org.models import Agency

from .eforms import fields_clean
from .inputs import ProcedureInput
from .models import (
    Component,
    Fee,
    FormVersion,
    Procedure,
    ProcedureStatus,
    ProcessStep,
    ProcessTemplate,
    SearchWord,
    Sector,
)
from .permissions import can_edit_for, can_publish_for

_CONTENT_FIELDS = (
    "name",
    "at_province",
    "at_commune",
    "implementing_agency",
    "receiving_agency",
    "online_level",
    "duration_value",
    "duration_unit",
    "duration_note",
    "applicants",
    "eligibility",
    "steps",
    "result",
    "legal_basis",
    "decision_number",
    "decision_date",
    "min_assurance_level",
)


def sector_get_or_create(name: str) -> Sector:
    """The sector called `name`, created on first use (sectors come with the procedures)."""
    sector = Sector.objects.filter(name=name).first()
    if sector is None:
        base = slugify(fold(name))[:110] or "linh-vuc"
        slug, n = base, 1
        while Sector.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        sector = Sector.objects.create(name=name, slug=slug, name_folded=fold(name))
    return sector


def search_words_add(text: str) -> None:
    """Add the words of a procedure's folded text to the search vocabulary (see selectors)."""
    words = {w for w in fold_words(text) if len(w) <= 100}
    SearchWord.objects.bulk_create([SearchWord(word=w) for w in words], ignore_conflicts=True)


def search_vocabulary_rebuild() -> int:
    """Rebuild the vocabulary from every procedure (after bulk loads that bypass the services)."""
    words: set[str] = set()
    for text in Procedure.objects.values_list("search_text", flat=True).iterator():
        words.update(w for w in fold_words(text) if len(w) <= 100)
    SearchWord.objects.exclude(word__in=words).delete()
    SearchWord.objects.bulk_create([SearchWord(word=w) for w in words], ignore_conflicts=True, batch_size=2000)
    return len(words)


def _owner(eid_code: str) -> Agency:
    agency = Agency.objects.filter(eid_code=eid_code).first()
    if agency is None:
        raise DomainError("catalog.unknown_agency", _("Không có cơ quan mang mã định danh “%(code)s”."), code=eid_code)
    return agency


def _require_edit(actor: Any, agency: Agency) -> None:
    if not can_edit_for(actor, agency):
        raise PermissionDenied(
            "catalog.forbidden", _("Bạn không có quyền cập nhật thủ tục của %(agency)s."), agency=agency.name
        )


def _search_text(p: Procedure, sector: Sector) -> str:
    return fold(" ".join([p.code, p.name, sector.name, p.implementing_agency, p.result]))


def _apply(procedure: Procedure, data: ProcedureInput, owner: Agency) -> dict[str, Any]:
    values = {name: getattr(data, name) for name in _CONTENT_FIELDS}
    changes = diff_fields(procedure, values) if procedure.pk else {k: [None, v] for k, v in values.items() if v}
    for name, value in values.items():
        setattr(procedure, name, value)
    sector = sector_get_or_create(data.sector)
    if not procedure.pk or procedure.sector_id != sector.pk:
        changes["sector"] = [str(procedure.sector) if procedure.sector_id else None, sector.name]
    if not procedure.pk or procedure.owner_id != owner.pk:
        changes["owner"] = [procedure.owner.eid_code if procedure.owner_id else None, owner.eid_code]
    procedure.sector, procedure.owner = sector, owner
    procedure.name_folded = fold(procedure.name)
    procedure.search_text = _search_text(procedure, sector)
    if changes:
        procedure.save()
        search_words_add(procedure.search_text)

    fees = [(f.kind, f.name, f.amount, f.note) for f in data.fees]
    current_fees = [(f.kind, f.name, f.amount, f.note) for f in procedure.fees.all()]
    if fees != current_fees:
        changes["fees"] = [current_fees, fees]
        procedure.fees.all().delete()
        Fee.objects.bulk_create(
            Fee(procedure=procedure, position=i, kind=f.kind, name=f.name, amount=f.amount, note=f.note)
            for i, f in enumerate(data.fees)
        )
    comps = [(c.name, c.originals, c.copies, c.required, c.form_name) for c in data.components]
    current_comps = [(c.name, c.originals, c.copies, c.required, c.form_name) for c in procedure.components.all()]
    if comps != current_comps:
        changes["components"] = [len(current_comps), len(comps)]
        # Uploaded blank forms follow their component by name across the replacement.
        form_files = {c.name: c.form_file.name for c in procedure.components.all() if c.form_file}
        procedure.components.all().delete()
        Component.objects.bulk_create(
            Component(
                procedure=procedure,
                position=i,
                name=c.name,
                originals=c.originals,
                copies=c.copies,
                required=c.required,
                form_name=c.form_name,
                form_file=form_files.get(c.name, ""),
            )
            for i, c in enumerate(data.components)
        )
    return changes


@transaction.atomic
def procedure_create(*, actor: Any, data: ProcedureInput, clock: Clock = system_clock) -> Procedure:
    """A new procedure, as a draft."""
    owner = _owner(data.owner_eid_code)
    _require_edit(actor, owner)
    if Procedure.objects.filter(code=data.code).exists():
        raise DomainError("catalog.code_taken", _("Mã thủ tục “%(code)s” đã có trong danh mục."), code=data.code)
    procedure = Procedure(code=data.code, status=ProcedureStatus.DRAFT)
    changes = _apply(procedure, data, owner)
    audit_record(actor=actor, action="catalog.procedure.create", obj=procedure, changes=changes, clock=clock)
    return procedure


@transaction.atomic
def procedure_update(
    *, actor: Any, procedure: Procedure, data: ProcedureInput, reason: str = "", clock: Clock = system_clock
) -> Procedure:
    """Change a procedure's content; its code never changes. Moving it to another owner needs both rights."""
    procedure, _changes = _update(actor=actor, procedure=procedure, data=data, reason=reason, clock=clock)
    return procedure


def _update(
    *, actor: Any, procedure: Procedure, data: ProcedureInput, reason: str, clock: Clock
) -> tuple[Procedure, dict[str, Any]]:
    procedure = Procedure.objects.select_for_update(of=("self",)).select_related("owner", "sector").get(pk=procedure.pk)
    _require_edit(actor, procedure.owner)
    if data.code != procedure.code:
        raise DomainError("catalog.code_immutable", _("Không được đổi mã thủ tục."))
    owner = _owner(data.owner_eid_code)
    _require_edit(actor, owner)
    changes = _apply(procedure, data, owner)
    if changes:
        audit_record(
            actor=actor, action="catalog.procedure.update", obj=procedure, changes=changes, reason=reason, clock=clock
        )
    return procedure, changes


@transaction.atomic
def procedure_publish(
    *, actor: Any, procedure: Procedure, decision_number: str, decision_date: date, clock: Clock = system_clock
) -> Procedure:
    """Publish (or re-publish after a suspension) under the province's decision."""
    procedure = Procedure.objects.select_for_update(of=("self",)).select_related("owner").get(pk=procedure.pk)
    if not can_publish_for(actor, procedure.owner):
        raise PermissionDenied(
            "catalog.forbidden_publish",
            _("Bạn không có quyền công bố thủ tục của %(agency)s."),
            agency=procedure.owner.name,
        )
    if procedure.status == ProcedureStatus.PUBLISHED:
        raise DomainError("catalog.already_published", _("Thủ tục đã được công bố."))
    if not decision_number.strip():
        raise DomainError("catalog.decision_required", _("Cần số quyết định công bố."))
    if decision_date > clock.now().date():
        raise DomainError("catalog.decision_future", _("Ngày quyết định công bố không được ở tương lai."))
    if not procedure.components.exists():
        raise DomainError("catalog.no_components", _("Chưa có thành phần hồ sơ: không thể công bố."))
    changes = {
        "status": [procedure.status, ProcedureStatus.PUBLISHED],
        **diff_fields(procedure, {"decision_number": decision_number.strip(), "decision_date": decision_date}),
    }
    procedure.status = ProcedureStatus.PUBLISHED
    procedure.decision_number, procedure.decision_date = decision_number.strip(), decision_date
    procedure.published_at = clock.now()
    procedure.save(update_fields=["status", "decision_number", "decision_date", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="catalog.procedure.publish",
        obj=procedure,
        changes=changes,
        reason=decision_number,
        clock=clock,
    )
    return procedure


@transaction.atomic
def procedure_suspend(*, actor: Any, procedure: Procedure, reason: str, clock: Clock = system_clock) -> Procedure:
    """Take a published procedure off the portal for now (it stays visible to officials)."""
    procedure = Procedure.objects.select_for_update(of=("self",)).select_related("owner").get(pk=procedure.pk)
    if not can_publish_for(actor, procedure.owner):
        raise PermissionDenied(
            "catalog.forbidden_publish",
            _("Bạn không có quyền tạm ngừng thủ tục của %(agency)s."),
            agency=procedure.owner.name,
        )
    if procedure.status != ProcedureStatus.PUBLISHED:
        raise DomainError("catalog.not_published", _("Chỉ tạm ngừng được thủ tục đang công bố."))
    if not reason.strip():
        raise DomainError("catalog.reason_required", _("Cần ghi lý do tạm ngừng."))
    procedure.status = ProcedureStatus.SUSPENDED
    procedure.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="catalog.procedure.suspend",
        obj=procedure,
        changes={"status": [ProcedureStatus.PUBLISHED, ProcedureStatus.SUSPENDED]},
        reason=reason,
        clock=clock,
    )
    return procedure


@transaction.atomic
def procedure_import(
    *, actor: Any, rows: list[tuple[int, ProcedureInput]], clock: Clock = system_clock
) -> dict[str, int]:
    """Create or update every procedure in `rows` (row number, content), all or nothing.

    New procedures are drafts; existing ones keep their status. A row whose agency does not exist,
    or that the actor may not edit, rejects the whole import with the list of such rows.
    """
    from .excel import PROCEDURE_SHEET, ImportRejected, RowError

    existing = {
        p.code: p for p in Procedure.objects.filter(code__in=[d.code for _n, d in rows]).select_related("owner")
    }
    agencies = {a.eid_code: a for a in Agency.objects.filter(eid_code__in={d.owner_eid_code for _n, d in rows})}
    errors = []
    for number, data in rows:
        owner = agencies.get(data.owner_eid_code)
        current = existing.get(data.code)
        if owner is None:
            reason = _("không có cơ quan mang mã định danh “%(code)s”") % {"code": data.owner_eid_code}
        elif not can_edit_for(actor, owner):
            reason = _("bạn không có quyền cập nhật thủ tục của %(agency)s") % {"agency": owner.name}
        elif current is not None and not can_edit_for(actor, current.owner):
            reason = _("bạn không có quyền cập nhật thủ tục của %(agency)s") % {"agency": current.owner.name}
        else:
            continue
        errors.append(RowError(PROCEDURE_SHEET, number, data.code, reason))
    if errors:
        raise ImportRejected(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _number, data in rows:
        if data.code in existing:
            _p, changes = _update(
                actor=actor, procedure=existing[data.code], data=data, reason=_("Nhập từ Excel"), clock=clock
            )
            counts["updated" if changes else "unchanged"] += 1
        else:
            procedure_create(actor=actor, data=data, clock=clock)
            counts["created"] += 1
    return counts


FORM_MAX_BYTES = 10 * 1024 * 1024
# Blank forms citizens download: PDF, and Word/Excel/OpenDocument files (ZIP or OLE containers).
_FORM_SIGNATURES = {
    b"%PDF-": "pdf",
    b"PK\x03\x04": "zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole",
}
_FORM_EXTENSIONS = {"pdf": {".pdf"}, "zip": {".docx", ".xlsx", ".odt", ".ods"}, "ole": {".doc", ".xls"}}


@transaction.atomic
def component_form_attach(
    *, actor: Any, component: Component, upload: UploadedFile, clock: Clock = system_clock
) -> Component:
    """Attach the blank form (mẫu đơn, tờ khai) of a dossier component, checked by its content."""
    component = (
        Component.objects.select_for_update(of=("self",)).select_related("procedure__owner").get(pk=component.pk)
    )
    _require_edit(actor, component.procedure.owner)
    if upload.size is None or upload.size > FORM_MAX_BYTES:
        raise DomainError("catalog.form_too_large", _("Tệp mẫu lớn hơn 10 MB."))
    head = upload.read(8)
    upload.seek(0)
    kind = next((k for sig, k in _FORM_SIGNATURES.items() if head.startswith(sig)), None)
    extension = Path(upload.name or "").suffix.lower()
    if kind is None or extension not in _FORM_EXTENSIONS[kind]:
        raise DomainError(
            "catalog.form_type", _("Tệp mẫu phải là PDF, Word, Excel hoặc OpenDocument, đúng với phần mở rộng của tệp.")
        )
    old = component.form_file.name or None
    component.form_file.save(f"{slugify(fold(component.name))[:60] or 'mau'}{extension}", upload, save=False)
    new_name = str(component.form_file.name)
    # The file is written before the row: if saving the row fails, remove it so nothing is orphaned.
    try:
        component.save(update_fields=["form_file"])
        audit_record(
            actor=actor,
            action="catalog.procedure.form_attach",
            obj=component.procedure,
            changes={"form_file": [old, new_name], "component": component.name},
            clock=clock,
        )
    except Exception:
        component.form_file.storage.delete(new_name)
        raise
    return component


@transaction.atomic
def procedure_form_save(
    *, actor: Any, procedure: Procedure, fields: list[dict[str, Any]], clock: Clock = system_clock
) -> FormVersion | None:
    """Save the e-form as a new version (dossiers already filled keep theirs); None if nothing changed."""
    procedure = Procedure.objects.select_for_update(of=("self",)).select_related("owner").get(pk=procedure.pk)
    _require_edit(actor, procedure.owner)
    cleaned = fields_clean(fields)
    current = procedure.form_versions.order_by("-number").first()
    if current is not None and current.fields == cleaned:
        return None
    version = FormVersion.objects.create(
        procedure=procedure,
        number=(current.number + 1) if current else 1,
        fields=cleaned,
        created_at=clock.now(),
        created_by=getattr(actor, "username", str(actor)),
    )
    audit_record(
        actor=actor,
        action="catalog.procedure.form_version",
        obj=procedure,
        changes={"form_version": [current.number if current else None, version.number], "fields": len(cleaned)},
        clock=clock,
    )
    return version


def _process_steps_clean(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check a process; raise DomainError listing every problem. Shares are whole percents adding to 100."""
    errors: list[str] = []
    result: list[dict[str, Any]] = []
    if not steps:
        errors.append(_("Quy trình cần ít nhất một bước."))
    for i, raw in enumerate(steps, start=1):
        where, actor = str(raw.get("where") or ""), str(raw.get("actor") or "")
        name = str(raw.get("name") or "").strip()
        agency = raw.get("agency")
        central = str(raw.get("central_system") or "").strip()
        label = _("Bước %(n)s") % {"n": i}
        if not name:
            errors.append(_("%(step)s: thiếu tên bước") % {"step": label})
        if where not in ProcessStep.Where.values:
            errors.append(_("%(step)s: nơi thực hiện không hợp lệ") % {"step": label})
        if actor not in ProcessStep.Actor.values:
            errors.append(_("%(step)s: người thực hiện không hợp lệ") % {"step": label})
        if where == ProcessStep.Where.AGENCY and not isinstance(agency, Agency):
            errors.append(_("%(step)s: cần chọn cơ quan thực hiện") % {"step": label})
        if where == ProcessStep.Where.CENTRAL and not central:
            errors.append(_("%(step)s: cần ghi hệ thống trung ương kết nối") % {"step": label})
        try:
            share = int(raw.get("share_percent") or 0)
        except (TypeError, ValueError):
            share = 0
        if share <= 0:
            errors.append(_("%(step)s: tỷ lệ thời gian phải lớn hơn 0") % {"step": label})
        result.append(
            {
                "name": name,
                "where": where,
                "actor": actor,
                "share_percent": share,
                "agency": agency if where == ProcessStep.Where.AGENCY else None,
                "central_system": central if where == ProcessStep.Where.CENTRAL else "",
            }
        )
    total = sum(int(step["share_percent"]) for step in result)
    if steps and total != 100:
        errors.append(_("Tổng tỷ lệ thời gian các bước phải bằng 100%% (đang là %(total)s%%)") % {"total": total})
    if errors:
        raise DomainError("catalog.process_invalid", "; ".join(errors))
    return result


def _same_process(template: ProcessTemplate | None, steps: list[dict[str, Any]]) -> bool:
    if template is None:
        return False
    current = [
        {
            "name": s.name,
            "where": s.where,
            "actor": s.actor,
            "share_percent": s.share_percent,
            "agency": s.agency,
            "central_system": s.central_system,
        }
        for s in template.steps.all()
    ]
    return current == steps


@transaction.atomic
def process_template_save(
    *, actor: Any, procedure: Procedure, steps: list[dict[str, Any]], clock: Clock = system_clock
) -> ProcessTemplate | None:
    """Save the internal process as a new version (dossiers keep the version they were received under).

    Only an administrator of the owning agency (or of the province) edits processes. None if unchanged.
    """
    procedure = Procedure.objects.select_for_update(of=("self",)).select_related("owner").get(pk=procedure.pk)
    if not user_has_role(actor, procedure.owner, {Role.AGENCY_ADMIN.value}):
        raise PermissionDenied(
            "catalog.forbidden_process",
            _("Chỉ quản trị của %(agency)s sửa được quy trình."),
            agency=procedure.owner.name,
        )
    cleaned = _process_steps_clean(steps)
    current = procedure.process_templates.order_by("-number").first()
    if _same_process(current, cleaned):
        return None
    template = ProcessTemplate.objects.create(
        procedure=procedure,
        number=(current.number + 1) if current else 1,
        created_at=clock.now(),
        created_by=getattr(actor, "username", str(actor)),
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(template=template, position=i, **step) for i, step in enumerate(cleaned, 1)
    )
    audit_record(
        actor=actor,
        action="catalog.procedure.process_version",
        obj=procedure,
        changes={"process_version": [current.number if current else None, template.number], "steps": len(cleaned)},
        clock=clock,
    )
    return template
