"""Writes to dossiers: submission (online, desk, postal), reception decisions and the one status machine.

Every service is atomic, checks who acts, and writes the audit trail and the applicant's timeline
in the same transaction. Files are stored before the rows that point to them; if the transaction
fails, the stored files are deleted again, so a failure leaves neither a half dossier nor an orphan
file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from egov.accounts.models import Role
from egov.accounts.selectors import user_acts_for, user_businesses, user_has_role, user_holds_role
from egov.catalog import eforms
from egov.catalog.models import Component, FormVersion, OnlineLevel, Procedure, ProcedureStatus, ProcessTemplate
from egov.core.audit import audit_record
from egov.core.calendar import add_working_time, due_after_pauses, grade_finished, working_time_between
from egov.core.clock import Clock, ensure_aware, system_clock
from egov.core.errors import DomainError, PermissionDenied
from egov.core.phone import phone_normalize
from egov.core.selectors import working_calendar
from egov.identity.selectors import user_assurance_level
from egov.notifications.services import notifications_enqueue, outgoing
from egov.org.models import Agency
from egov.records import selectors as records_selectors
from egov.records import services as records
from egov.records.models import Result
from egov.workflow import selectors as workflow_selectors
from egov.workflow import services as workflow

from . import central
from .appointment import appointment_for
from .codes import format_code
from .models import (
    Channel,
    DailyCounter,
    Document,
    Dossier,
    Draft,
    DraftFile,
    Extension,
    Rating,
    Status,
    TimelineEvent,
)
from .selectors import agency_receives
from .slip_issue import slip_issue
from .slips import SlipKind, render_html
from .status import allowed
from .uploads import check_upload

DESK_ROLES = {Role.RECEIVER.value, Role.LEADER.value}
T = TypeVar("T")


@dataclass
class Applicant:
    """Who applies, as typed at the desk or taken from the signed-in account."""

    name: str
    phone: str
    personal_id: str = ""
    email: str = ""
    address: str = ""
    proxy_name: str = ""
    proxy_personal_id: str = ""
    proxy_phone: str = ""


@dataclass
class Attachment:
    """One file for one component of the procedure: just uploaded, or already kept in a draft."""

    component: Component | None
    upload: UploadedFile | None = None
    name: str = ""
    draft_file: DraftFile | None = None


@dataclass
class _Stored:
    names: list[str] = field(default_factory=list)


@contextmanager
def _files_removed_on_failure() -> Iterator[_Stored]:
    stored = _Stored()
    try:
        yield stored
    except BaseException:
        for name in stored.names:
            default_storage.delete(name)
        raise


def _with_file_cleanup(work: Callable[[_Stored], T]) -> T:
    with _files_removed_on_failure() as stored, transaction.atomic():
        return work(stored)


# --- the status machine ------------------------------------------------------------------------


def dossier_transition(
    *,
    actor: Any,
    dossier: Dossier,
    to: str,
    reason: str = "",
    note: str = "",
    also_save: Sequence[str] = (),
    changes: dict[str, Any] | None = None,
    clock: Clock = system_clock,
) -> Dossier:
    """The one way to change a dossier's status: checked against the table, audited, on the timeline.

    `also_save` names fields the caller changed with the status, written in the same UPDATE; the audit
    event records their new values, and `changes` adds what else the action changed. Its reason is
    `reason`, else the timeline's note.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_transition must run inside the calling service's transaction")
    current = dossier.status
    if not allowed(current, to):
        raise DomainError(
            "dossiers.bad_transition",
            _("Không thể chuyển hồ sơ từ “%(from)s” sang “%(to)s”."),
            **{"from": Status(current).label, "to": Status(to).label},
        )
    if current == Status.SUPPLEMENT and to in (Status.NEW, Status.PROCESSING):
        came_from = dossier.timeline.filter(status_to=Status.SUPPLEMENT).order_by("-at", "-id").first()
        if came_from is not None and came_from.status_from != to:
            raise DomainError("dossiers.bad_transition", _("Hồ sơ bổ sung phải quay lại bước trước đó."))
    dossier.status = to
    report_fields = _report_fields(dossier, to, clock)
    dossier.save(update_fields=["status", "updated_at", *also_save, *report_fields])
    label = actor.get_full_name() if hasattr(actor, "get_full_name") and actor.get_full_name() else str(actor)
    TimelineEvent.objects.create(
        dossier=dossier,
        at=clock.now(),
        actor_label=label[:200],
        status_from=current,
        status_to=to,
        note=note or reason,
    )
    audit_record(
        actor=actor,
        action=f"dossiers.dossier.{to}",
        obj=dossier,
        changes={
            "status": [current, to],
            **{name: dossier.serializable_value(name) for name in also_save},
            **(changes or {}),
        },
        reason=reason or note,
        clock=clock,
    )
    return dossier


_FINISHED = (Status.RESOLVED, Status.WITHDRAWN, Status.STOPPED, Status.REFUSED)


def _report_fields(dossier: Dossier, to: str, clock: Clock) -> list[str]:
    """Keep the reports' denormalised fields (docs/reports.md): the statutory due moment (the due moment
    in force with the pauses but without an extension), the finish moment and, when resolved, the grade."""
    changed: list[str] = []
    if dossier.due_at is not None and dossier.due_at != dossier.statutory_due_at:
        statutory = dossier.due_at
        extension = Extension.objects.filter(dossier=dossier).first() if dossier.statutory_due_at else None
        if extension is not None:
            # Pauses after the extension moved `due_at` past `new_due_at`; they move the original date alike.
            cal = working_calendar()
            later = working_time_between(extension.new_due_at, dossier.due_at, cal)
            statutory = add_working_time(extension.original_due_at, later, cal)
        if statutory != dossier.statutory_due_at:
            dossier.statutory_due_at = statutory
            changed.append("statutory_due_at")
    if to in _FINISHED:
        dossier.finished_at = clock.now()
        changed.append("finished_at")
        if to == Status.RESOLVED and dossier.statutory_due_at is not None:
            dossier.timeliness = grade_finished(dossier.finished_at, dossier.statutory_due_at).value
            changed.append("timeliness")
    return changed


# --- telling the applicant --------------------------------------------------------------------------


def dossier_notify(dossier: Dossier, event: str, subject: str, text: str, clock: Clock) -> None:
    """E-mail and SMS to the applicant through the outbox (sent after commit); a bad address is skipped,
    it must not stop the desk's decision."""
    link = f"{settings.PUBLIC_BASE_URL}/tra-cuu/?ma={dossier.code}"
    body = f"{text}\n{_('Tra cứu')}: {link}"
    items = []
    for channel, recipient in (("email", dossier.applicant_email), ("sms", dossier.applicant_phone)):
        if not recipient:
            continue
        try:
            items.append(
                outgoing(
                    channel=channel,
                    recipient=recipient,
                    subject=subject,
                    body=body,
                    key=f"dossier:{dossier.pk}:{event}:{channel}",
                )
            )
        except DomainError:
            continue
    notifications_enqueue(items, obj=dossier, clock=clock)


# --- codes ---------------------------------------------------------------------------------------


def dossier_code_take(*, agency: Agency, at: datetime) -> str:
    """The next code of `agency` for the day of `at`; gap-free: the counter row stays locked until commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a dossier code must be taken inside the transaction that uses it")
    day = at.date()
    # One statement: create the day's row or bump it; the row stays locked until this transaction ends,
    # so the next desk waits for it (gap-free) instead of racing (PostgreSQL and SQLite ≥ 3.35).
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        (sequence,) = cursor.fetchone()
    return format_code(agency.eid_code, day, sequence)


# --- submission ------------------------------------------------------------------------------------


def _check_procedure(procedure: Procedure, channel: str) -> None:
    if procedure.status != ProcedureStatus.PUBLISHED:
        raise DomainError("dossiers.procedure_unpublished", _("Thủ tục này hiện không nhận hồ sơ."))
    if channel == Channel.ONLINE and procedure.online_level == OnlineLevel.NONE:
        raise DomainError("dossiers.not_online", _("Thủ tục này không nộp trực tuyến được; vui lòng nộp trực tiếp."))


def _check_receives(procedure: Procedure, agency: Agency) -> None:
    """Online, the applicant picks where to file: only an agency that receives this procedure."""
    if not agency_receives(agency, procedure):
        raise DomainError(
            "dossiers.agency_not_receiving",
            _("%(agency)s không tiếp nhận hồ sơ của thủ tục này."),
            agency=agency.name,
        )


def _check_assurance(actor: Any, procedure: Procedure) -> None:
    """A procedure may require the applicant to have signed in through VNeID at a minimum level."""
    if procedure.min_assurance_level and user_assurance_level(actor) < procedure.min_assurance_level:
        raise PermissionDenied(
            "dossiers.assurance_level",
            _("Thủ tục này yêu cầu đăng nhập bằng tài khoản định danh điện tử VNeID mức %(level)s."),
            level=procedure.min_assurance_level,
        )


def _check_components(procedure: Procedure, attachments: Sequence[Attachment]) -> None:
    given = {a.component.pk for a in attachments if a.component is not None}
    foreign = [a for a in attachments if a.component is not None and a.component.procedure_id != procedure.pk]
    if foreign:
        raise DomainError("dossiers.bad_component", _("Giấy tờ không thuộc thủ tục này."))
    required = procedure.components.filter(required=True).values_list("pk", "name")
    missing = [name for pk, name in required if pk not in given]
    if missing:
        raise DomainError(
            "dossiers.missing_components", _("Còn thiếu giấy tờ bắt buộc: %(names)s."), names="; ".join(missing)
        )


def _store(dossier: Dossier, attachments: Sequence[Attachment], actor: Any, stored: _Stored, clock: Clock) -> None:
    # Every new file is checked before any is kept.
    checked = [(a, check_upload(a.upload) if a.upload is not None else None) for a in attachments]
    for attachment, result in checked:
        kept = attachment.draft_file
        if result is None and kept is None:
            raise ValueError("an attachment needs an upload or a draft file")
        fallback = result.upload.name if result else kept.original_filename  # type: ignore[union-attr]
        document = Document(
            dossier=dossier,
            component=attachment.component,
            name=attachment.name or (attachment.component.name if attachment.component else fallback or ""),
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        if result is not None:
            document.original_filename = (result.upload.name or "")[:255]
            document.content_type, document.size, document.sha256 = result.content_type, result.size, result.sha256
            document.file.save("upload", result.upload, save=False)
            stored.names.append(document.file.name or "")
        else:  # the draft's file, already checked when it was uploaded, changes owner without a copy
            assert kept is not None
            document.original_filename, document.content_type = kept.original_filename, kept.content_type
            document.size, document.sha256, document.file = kept.size, kept.sha256, kept.file.name
        document.save()


def _new_dossier(
    *,
    actor: Any,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: Applicant,
    form_data: dict[str, Any],
    clock: Clock,
    applicant_user: Any = None,
    idempotency_key: str | None = None,
    postal_waybill: str = "",
    result_by_post: bool = False,
    form_version: FormVersion | None = None,
    code: str | None = None,
) -> Dossier:
    if not applicant.name.strip() or not applicant.phone.strip():
        raise DomainError("dossiers.applicant_required", _("Cần họ tên và số điện thoại của người nộp."))
    phone = phone_normalize(applicant.phone)
    if phone is None:
        raise DomainError("dossiers.bad_phone", _("Số điện thoại của người nộp không hợp lệ."))
    proxy_phone = phone_normalize(applicant.proxy_phone) if applicant.proxy_phone.strip() else ""
    if proxy_phone is None:
        raise DomainError("dossiers.bad_phone", _("Số điện thoại của người được ủy quyền không hợp lệ."))
    if channel == Channel.POSTAL and not postal_waybill.strip():
        raise DomainError("dossiers.waybill_required", _("Hồ sơ qua bưu chính cần số vận đơn."))
    now = clock.now()
    if form_version is not None and form_version.procedure_id != procedure.pk:
        raise DomainError("dossiers.bad_form", _("Tờ khai không thuộc thủ tục này."))
    return Dossier.objects.create(
        code=code,
        form_version=form_version,
        procedure=procedure,
        agency=agency,
        channel=channel,
        rule_set=settings.DOSSIER_RULE_SET,
        procedure_name=procedure.name,
        duration_value=procedure.duration_value,
        duration_unit=procedure.duration_unit,
        online_level=procedure.online_level,
        applicant=applicant_user,
        applicant_name=applicant.name.strip(),
        applicant_phone=phone,
        applicant_personal_id=applicant.personal_id,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        proxy_name=applicant.proxy_name,
        proxy_personal_id=applicant.proxy_personal_id,
        proxy_phone=proxy_phone,
        postal_waybill=postal_waybill.strip(),
        result_by_post=result_by_post,
        form_data=form_data,
        idempotency_key=idempotency_key,
        created_by=actor,
        created_at=now,
        submitted_at=now,
    )


def dossier_submit_online(
    *,
    actor: Any,
    procedure: Procedure,
    agency: Agency,
    attachments: Sequence[Attachment],
    form_data: dict[str, Any] | None = None,
    form_version: FormVersion | None = None,
    proxy: Applicant | None = None,
    business: Any = None,
    idempotency_key: str,
    clock: Clock = system_clock,
) -> Dossier:
    """A signed-in citizen or business submits online: status `new`, a code to track, documents kept.

    `business`: a member applies on behalf of that business account, which becomes the applicant (the
    member is recorded as its representative). Submitting twice with the same idempotency key (a
    double click) returns the first dossier.
    """
    if not getattr(actor, "is_authenticated", False) or actor.kind == "official":
        raise PermissionDenied("dossiers.citizens_only", _("Chỉ công dân, doanh nghiệp nộp hồ sơ trực tuyến."))
    if business is not None and business.pk != actor.pk and business not in user_businesses(actor):
        raise PermissionDenied("dossiers.not_member", _("Bạn không được ủy quyền nộp hồ sơ cho doanh nghiệp này."))
    _check_assurance(actor, procedure)
    key = f"{actor.pk}:{idempotency_key}"
    earlier = _submitted_with(key)
    if earlier is not None:
        return earlier

    def work(stored: _Stored) -> Dossier:
        _check_procedure(procedure, Channel.ONLINE)
        _check_receives(procedure, agency)
        _check_components(procedure, attachments)
        applicant = Applicant(
            name=actor.full_name,
            phone=actor.phone,
            personal_id=actor.personal_id or actor.tax_code or "",
            email=actor.email,
            address=actor.address,
        )
        proxy_for: Applicant | None = proxy
        if business is not None and business.pk != actor.pk:
            proxy_for = Applicant(
                name=business.full_name,
                phone=business.phone or actor.phone,
                personal_id=business.tax_code or "",
                email=business.email,
                address=business.address,
            )
        if proxy_for is not None:
            applicant = Applicant(**{**proxy_for.__dict__})
            applicant.proxy_name, applicant.proxy_personal_id, applicant.proxy_phone = (
                actor.full_name,
                actor.personal_id or "",
                actor.phone,
            )
        dossier = _new_dossier(
            actor=actor,
            procedure=procedure,
            agency=agency,
            channel=Channel.ONLINE,
            applicant=applicant,
            form_data=form_data or {},
            clock=clock,
            applicant_user=business or actor,
            idempotency_key=key,
            form_version=form_version,
            # Taken before the INSERT so that the row is written once; the counter stays locked till commit.
            code=dossier_code_take(agency=agency, at=clock.now()),
        )
        _store(dossier, attachments, actor, stored, clock)
        TimelineEvent.objects.create(
            dossier=dossier,
            at=clock.now(),
            actor_label=applicant.name[:200],
            status_to=Status.NEW,
            note=_("Nộp hồ sơ trực tuyến"),
        )
        audit_record(
            actor=actor,
            action="dossiers.dossier.submit",
            obj=dossier,
            changes={"channel": Channel.ONLINE, "documents": len(attachments)},
            clock=clock,
        )
        return dossier

    try:
        return _with_file_cleanup(work)
    except IntegrityError:
        # The same key raced in from a second click: the first one won; hand it back.
        earlier = _submitted_with(key)
        if earlier is None:
            raise
        return earlier


def _submitted_with(key: str) -> Dossier | None:
    """The dossier an earlier submission with this idempotency key made: one indexed single-column read
    (every submission asks, almost always in vain), the whole dossier only when there is one."""
    found = list(Dossier.objects.filter(idempotency_key=key).values_list("pk", flat=True)[:1])
    return Dossier.objects.get(pk=found[0]) if found else None


def user_at_desk(actor: Any, agency: Agency) -> bool:
    """Whether `actor` is a desk officer or leader of `agency`. Only they decide on its dossiers: a province
    administrator, who may do much else anywhere, does not receive dossiers (the slip names who did)."""
    return user_holds_role(actor, agency, DESK_ROLES)


def _require_desk(actor: Any, agency: Agency) -> None:
    if not user_at_desk(actor, agency):
        raise PermissionDenied(
            "dossiers.desk_only", _("Chỉ cán bộ tiếp nhận của %(agency)s làm được việc này."), agency=agency.name
        )


def dossier_register_at_desk(
    *,
    actor: Any,
    procedure: Procedure,
    agency: Agency,
    applicant: Applicant,
    attachments: Sequence[Attachment],
    channel: str = Channel.DESK,
    postal_waybill: str = "",
    result_by_post: bool = False,
    form_data: dict[str, Any] | None = None,
    applicant_user: Any = None,
    clock: Clock = system_clock,
) -> Dossier:
    """The desk enters a dossier handed in person (checked on the spot, so received at once) or one that
    came by post (recorded as `new` with its waybill, then decided like an online dossier)."""
    _require_desk(actor, agency)
    if channel not in (Channel.DESK, Channel.POSTAL):
        raise DomainError("dossiers.bad_channel", _("Kênh nộp không hợp lệ."))

    def work(stored: _Stored) -> Dossier:
        # The officer has the papers in hand: components are checked by eye, scans are optional.
        _check_procedure(procedure, channel)
        dossier = _new_dossier(
            actor=actor,
            procedure=procedure,
            agency=agency,
            channel=channel,
            applicant=applicant,
            form_data=form_data or {},
            clock=clock,
            applicant_user=applicant_user,
            postal_waybill=postal_waybill,
            result_by_post=result_by_post,
            # A walk-in dossier is checked before it gets its code (in `_receive`); a postal one has it now.
            code=dossier_code_take(agency=agency, at=clock.now()) if channel == Channel.POSTAL else None,
        )
        _store(dossier, attachments, actor, stored, clock)
        note = (
            _("Nhận qua bưu chính, vận đơn %(waybill)s") % {"waybill": postal_waybill}
            if channel == Channel.POSTAL
            else _("Nộp trực tiếp tại Bộ phận Một cửa")
        )
        TimelineEvent.objects.create(
            dossier=dossier, at=clock.now(), actor_label=actor.full_name[:200], status_to=Status.NEW, note=note
        )
        audit_record(
            actor=actor,
            action="dossiers.dossier.register",
            obj=dossier,
            changes={"channel": channel, "documents": len(attachments)},
            clock=clock,
        )
        if channel == Channel.DESK:  # walk-in: checked before it gets its code
            _receive(actor=actor, dossier=dossier, clock=clock)
        return dossier

    return _with_file_cleanup(work)


# --- reception decisions ---------------------------------------------------------------------------


def _locked(dossier: Dossier) -> Dossier:
    """The dossier row locked for this transaction (only that row: joined rows stay unlocked)."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency__parent", "procedure__owner")
        .get(pk=dossier.pk)
    )


def _require_handling_leader(actor: Any, dossier: Dossier, refusal: str) -> None:
    """A leader of the agency that received the dossier or of the agency handling its open step."""
    run = workflow_selectors.open_step(dossier)
    agencies = [a for a in (dossier.agency, run.agency if run else None) if a is not None]
    if not any(user_has_role(actor, a, {Role.LEADER.value}) for a in agencies):
        raise PermissionDenied("dossiers.leader_only", refusal)


def _locked_for_desk(actor: Any, dossier: Dossier) -> Dossier:
    dossier = _locked(dossier)
    _require_desk(actor, dossier.agency)
    return dossier


def _receive(*, actor: Any, dossier: Dossier, clock: Clock) -> Dossier:
    now = clock.now()
    plan = appointment_for(now, dossier.duration_value, dossier.duration_unit, working_calendar())
    if not dossier.code:
        dossier.code = dossier_code_take(agency=dossier.agency, at=now)
    dossier.received_at, dossier.clock_start_at, dossier.due_at = now, plan.clock_start, plan.due_at
    # The newest version of the procedure's process; its id is enough (a single-column read, no model built).
    dossier.process_template_id = (
        ProcessTemplate.objects.filter(procedure_id=dossier.procedure_id)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    dossier_transition(
        actor=actor,
        dossier=dossier,
        to=Status.RECEIVED,
        note=plan.explanation,
        also_save=("code", "received_at", "clock_start_at", "due_at", "process_template"),
        clock=clock,
    )
    slip_issue(dossier=dossier, kind=SlipKind.RECEIPT, actor=actor, clock=clock, due_explanation=plan.explanation)
    dossier_notify(
        dossier,
        "received",
        _("Hồ sơ %(code)s đã được tiếp nhận") % {"code": dossier.code},
        _("Hồ sơ %(code)s (%(procedure)s) đã được tiếp nhận. %(explanation)s")
        % {"code": dossier.code, "procedure": dossier.procedure_name, "explanation": plan.explanation},
        clock,
    )
    return dossier


@transaction.atomic
def dossier_accept(*, actor: Any, dossier: Dossier, clock: Clock = system_clock) -> Dossier:
    """The desk accepts an online or postal dossier as complete: the legal clock starts."""
    dossier = _locked_for_desk(actor, dossier)
    return _receive(actor=actor, dossier=dossier, clock=clock)


@transaction.atomic
def dossier_request_supplement(
    *,
    actor: Any,
    dossier: Dossier,
    items: Sequence[str],
    note: str = "",
    reason_for_another: str = "",
    clock: Clock = system_clock,
) -> Dossier:
    """Ask the applicant, in writing and once, for everything missing or wrong.

    At reception the desk asks; during processing, whoever handles the open step, and the legal clock
    stops until the applicant answers.
    """
    dossier = _locked(dossier)
    if dossier.status == Status.PROCESSING:
        run = workflow_selectors.open_step(dossier)
        if run is None or not workflow.step_may_act(actor, run):
            raise PermissionDenied("workflow.not_yours", _("Bạn không xử lý bước này."))
        dossier.paused_at = clock.now()
    else:
        _require_desk(actor, dossier.agency)
    wanted = [item.strip() for item in items if item.strip()]
    if not wanted:
        raise DomainError("dossiers.items_required", _("Cần liệt kê từng giấy tờ còn thiếu hoặc cần sửa."))
    if dossier.supplement_requests >= 1 and not reason_for_another.strip():
        raise DomainError(
            "dossiers.supplement_once",
            _("Đã yêu cầu bổ sung một lần; yêu cầu lần nữa phải ghi rõ lý do."),
        )
    dossier.supplement_requests += 1
    text = "\n".join(f"{i}. {item}" for i, item in enumerate(wanted, start=1))
    dossier_transition(
        actor=actor,
        dossier=dossier,
        to=Status.SUPPLEMENT,
        reason=reason_for_another or note,
        note=f"{note}\n{text}".strip(),
        also_save=("supplement_requests", "paused_at"),
        changes={"items": wanted},
        clock=clock,
    )
    slip_issue(dossier=dossier, kind=SlipKind.SUPPLEMENT, actor=actor, clock=clock, items=tuple(wanted), reason=note)
    dossier_notify(
        dossier,
        f"supplement-{dossier.supplement_requests}",
        _("Hồ sơ %(code)s cần bổ sung, hoàn thiện") % {"code": dossier.code},
        _("Hồ sơ %(code)s cần bổ sung, hoàn thiện:\n%(items)s") % {"code": dossier.code, "items": text},
        clock,
    )
    return dossier


@transaction.atomic
def dossier_refuse(*, actor: Any, dossier: Dossier, reason: str, clock: Clock = system_clock) -> Dossier:
    """Refuse to receive, with the reason the applicant will read."""
    dossier = _locked_for_desk(actor, dossier)
    if not reason.strip():
        raise DomainError("dossiers.reason_required", _("Cần ghi rõ lý do từ chối."))
    dossier_transition(actor=actor, dossier=dossier, to=Status.REFUSED, reason=reason.strip(), clock=clock)
    slip_issue(dossier=dossier, kind=SlipKind.REFUSAL, actor=actor, clock=clock, reason=reason.strip())
    dossier_notify(
        dossier,
        "refused",
        _("Hồ sơ %(code)s không được tiếp nhận") % {"code": dossier.code},
        _("Hồ sơ %(code)s không được tiếp nhận. Lý do: %(reason)s") % {"code": dossier.code, "reason": reason.strip()},
        clock,
    )
    return dossier


def dossier_clock_resume(dossier: Dossier, clock: Clock, *, actor: Any, reason: str) -> None:
    """The legal clock runs again: the due moment (and the open step's) move by the paused office time,
    audited with `reason` (what the applicant did)."""
    cal, now = working_calendar(), clock.now()
    paused_from, due = dossier.paused_at, dossier.due_at
    assert paused_from is not None and due is not None
    dossier.due_at = due_after_pauses(due, [(paused_from, now)], cal)
    dossier.paused_at = None
    dossier.save(update_fields=["due_at", "paused_at", "updated_at"])
    audit_record(
        actor=actor,
        action="dossiers.dossier.clock_resume",
        obj=dossier,
        changes={"due_at": [due, dossier.due_at], "paused": [paused_from, now]},
        reason=reason,
        clock=clock,
    )
    run = workflow_selectors.open_step(dossier)
    if run is not None:
        workflow.step_pause_shift(run=run, paused_from=paused_from, paused_until=now, cal=cal)


def dossier_supplement_submit(
    *, actor: Any, dossier: Dossier, attachments: Sequence[Attachment], note: str = "", clock: Clock = system_clock
) -> Dossier:
    """The applicant sends what was asked for; the dossier goes back to the desk."""

    def work(stored: _Stored) -> Dossier:
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if not user_acts_for(actor, locked.applicant_id):
            raise PermissionDenied("dossiers.not_yours", _("Đây không phải hồ sơ của bạn."))
        if locked.status != Status.SUPPLEMENT:
            raise DomainError("dossiers.not_waiting", _("Hồ sơ không ở trạng thái chờ bổ sung."))
        if not attachments:
            raise DomainError("dossiers.files_required", _("Cần đính kèm giấy tờ bổ sung."))
        _store(locked, attachments, actor, stored, clock)
        previous = locked.timeline.filter(status_to=Status.SUPPLEMENT).order_by("-at", "-id").first()
        back_to = previous.status_from if previous else Status.NEW
        text = note or _("Đã bổ sung giấy tờ")
        if back_to == Status.PROCESSING and locked.paused_at and locked.due_at:
            dossier_clock_resume(locked, clock, actor=actor, reason=_("Đã bổ sung giấy tờ"))
            text += " " + _("Thời gian chờ bổ sung không tính: hẹn trả kết quả lùi đến %(due)s.") % {
                "due": f"{ensure_aware(locked.due_at):%H:%M %d/%m/%Y}"
            }
        return dossier_transition(
            actor=actor, dossier=locked, to=back_to, note=text, changes={"documents": len(attachments)}, clock=clock
        )

    return _with_file_cleanup(work)


# --- drafts ----------------------------------------------------------------------------------------------


def _own_draft(actor: Any, draft: Draft) -> Draft:
    draft = Draft.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=draft.pk)
    if draft.owner_id != getattr(actor, "pk", None):
        raise PermissionDenied("dossiers.not_yours", _("Đây không phải hồ sơ của bạn."))
    return draft


def draft_save(
    *,
    actor: Any,
    procedure: Procedure,
    draft: Draft | None = None,
    agency: Agency | None = None,
    form_data: dict[str, Any] | None = None,
    form_version: FormVersion | None = None,
    uploads: Sequence[tuple[Component | None, UploadedFile]] = (),
    clock: Clock = system_clock,
) -> Draft:
    """Create or update a draft application (saved and resumed later by its owner), with any new files:
    the draft and all of them are kept, or, if one file is refused, nothing is."""
    if not getattr(actor, "is_authenticated", False) or actor.kind == "official":
        raise PermissionDenied("dossiers.citizens_only", _("Chỉ công dân, doanh nghiệp nộp hồ sơ trực tuyến."))
    _check_procedure(procedure, Channel.ONLINE)

    def work(stored: _Stored) -> Draft:
        now = clock.now()
        if draft is None:
            kept = Draft.objects.create(owner=actor, procedure=procedure, created_at=now, updated_at=now)
            action = "dossiers.draft.create"
        else:
            kept = _own_draft(actor, draft)
            action = "dossiers.draft.update"
        if agency is not None:
            _check_receives(procedure, agency)
            kept.agency = agency
        if form_data is not None:
            kept.form_data, kept.form_version = form_data, form_version
        kept.updated_at = now
        kept.save()
        audit_record(actor=actor, action=action, obj=kept, changes={"fields": len(kept.form_data)}, clock=clock)
        for component, upload in uploads:
            _draft_file_keep(actor, kept, component, upload, stored, clock)
        return kept

    return _with_file_cleanup(work)


def _draft_file_keep(
    actor: Any, locked: Draft, component: Component | None, upload: UploadedFile, stored: _Stored, clock: Clock
) -> DraftFile:
    if component is not None and component.procedure_id != locked.procedure_id:
        raise DomainError("dossiers.bad_component", _("Giấy tờ không thuộc thủ tục này."))
    result = check_upload(upload)
    kept = DraftFile(
        draft=locked,
        component=component,
        name=component.name if component else (upload.name or ""),
        original_filename=(upload.name or "")[:255],
        content_type=result.content_type,
        size=result.size,
        sha256=result.sha256,
        uploaded_at=clock.now(),
    )
    kept.file.save("upload", upload, save=False)
    stored.names.append(kept.file.name or "")
    kept.save()
    locked.updated_at = clock.now()
    locked.save(update_fields=["updated_at"])
    # The component, not the file name: citizens name scans after their ID number ("CCCD_0681…pdf").
    changes = {"component": component.name if component else None, "sha256": kept.sha256}
    audit_record(actor=actor, action="dossiers.draft.file_add", obj=locked, changes=changes, clock=clock)
    return kept


def draft_file_add(
    *, actor: Any, draft: Draft, component: Component | None, upload: UploadedFile, clock: Clock = system_clock
) -> DraftFile:
    """Keep one checked file in the draft."""
    return _with_file_cleanup(
        lambda stored: _draft_file_keep(actor, _own_draft(actor, draft), component, upload, stored, clock)
    )


def _check_form(draft: Draft) -> None:
    """A draft may be incomplete; a submitted e-form may not. Checked against the version in force."""
    version = draft.procedure.form_versions.order_by("-number").first()
    if version is None:
        return
    form = eforms.build_form(version.fields)({f"ef_{k}": v for k, v in draft.form_data.items()})
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items()
        ]
        raise DomainError("dossiers.form_invalid", _("Tờ khai chưa đúng: %(problems)s"), problems="; ".join(problems))
    draft.form_data, draft.form_version = eforms.form_values(version.fields, form.cleaned_data), version


def draft_submit(
    *,
    actor: Any,
    draft: Draft,
    idempotency_key: str,
    proxy: Applicant | None = None,
    business: Any = None,
    clock: Clock = system_clock,
) -> Dossier:
    """Submit a draft as an online dossier; its files move to the dossier. Idempotent like a direct submission."""
    earlier = Dossier.objects.filter(idempotency_key=f"{getattr(actor, 'pk', '')}:{idempotency_key}").first()
    if earlier is not None:
        return earlier
    with transaction.atomic():
        locked = _own_draft(actor, draft)
        if locked.agency is None:
            raise DomainError("dossiers.agency_required", _("Cần chọn nơi nộp hồ sơ."))
        files = list(locked.files.select_related("component"))
        _check_form(locked)
        dossier = dossier_submit_online(
            actor=actor,
            procedure=locked.procedure,
            agency=locked.agency,
            form_data=locked.form_data,
            form_version=locked.form_version,
            proxy=proxy,
            business=business,
            idempotency_key=idempotency_key,
            clock=clock,
            attachments=[Attachment(component=f.component, name=f.name, draft_file=f) for f in files],
        )
        locked.files.all().delete()  # the rows only: the stored files now belong to the dossier's documents
        locked.delete()
    return dossier


# --- processing (the steps run in egov.workflow) ------------------------------------------------------


@transaction.atomic
def dossier_start_processing(*, actor: Any, dossier: Dossier, clock: Clock = system_clock) -> Dossier:
    """The desk sends a received dossier into its process: `processing`, first step opened."""
    dossier = _locked_for_desk(actor, dossier)
    dossier_transition(actor=actor, dossier=dossier, to=Status.PROCESSING, clock=clock)
    run = workflow.steps_start(actor=actor, dossier=dossier, cal=working_calendar(), clock=clock)
    central.central_dispatch(actor=actor, dossier=dossier, run=run, clock=clock)
    return dossier


def _sign_result_when_due(actor: Any, dossier: Dossier, run: Any, *, last: bool, stored: _Stored, clock: Clock) -> None:
    """A leader finishing an approval step, or the last step, signs the result draft with the certificate of
    the step's agency; the last step cannot end the process without a signed result."""
    result = records_selectors.result_for_dossier(dossier)
    if result is not None and result.is_signed:
        return
    agency = run.agency or dossier.procedure.owner
    is_leader = user_has_role(actor, agency, {Role.LEADER.value})
    if last and result is None:
        raise DomainError(
            "dossiers.result_missing",
            _("Chưa có dự thảo kết quả: hãy tải lên tệp PDF kết quả hoặc soạn nội dung kết quả trước bước cuối."),
        )
    if last and not is_leader:
        raise PermissionDenied(
            "dossiers.result_signer",
            _("Kết quả chưa được ký số: bước cuối phải do lãnh đạo %(agency)s hoàn thành và ký."),
            agency=agency.name,
        )
    if result is not None and is_leader and (last or run.actor_role == Role.LEADER.value):
        signed = records.result_sign(actor=actor, dossier=dossier, agency=agency, render_pdf=render_html, clock=clock)
        stored.names.append(signed.file.name or "")


def dossier_step_complete(*, actor: Any, dossier: Dossier, note: str = "", clock: Clock = system_clock) -> Dossier:
    """Finish the dossier's open step; the next one opens (maybe at another agency); after the last, `resolved`.

    A leader finishing an approval step or the last step signs the result draft in the same transaction;
    the last step needs a signed result (docs/results.md).
    """

    def work(stored: _Stored) -> Dossier:
        locked = _locked(dossier)
        run = workflow_selectors.open_step(locked)
        if locked.status != Status.PROCESSING or run is None:
            raise DomainError("dossiers.not_processing", _("Hồ sơ không ở bước xử lý nào."))
        following = workflow.step_complete(actor=actor, run=run, note=note, cal=working_calendar(), clock=clock)
        central.central_dispatch(actor=actor, dossier=locked, run=following, clock=clock)
        _sign_result_when_due(actor, locked, run, last=following is None, stored=stored, clock=clock)
        if following is None:
            dossier_transition(actor=actor, dossier=locked, to=Status.RESOLVED, note=note, clock=clock)
            dossier_notify(
                locked,
                "resolved",
                _("Hồ sơ %(code)s đã có kết quả") % {"code": locked.code},
                _(
                    "Hồ sơ %(code)s đã có kết quả giải quyết; bộ phận Một cửa sẽ trả kết quả "
                    "theo hình thức ông/bà đã chọn."
                )
                % {"code": locked.code},
                clock,
            )
        return locked

    return _with_file_cleanup(work)


def dossier_result_prepare(
    *, actor: Any, dossier: Dossier, upload: UploadedFile | None = None, text: str = "", clock: Clock = system_clock
) -> Result:
    """Whoever may act on the open step attaches the result draft: a PDF (checked like any upload), or a
    text made into the standard letter (Thông báo kết quả giải quyết hồ sơ). A leader signs it later."""

    def work(stored: _Stored) -> Result:
        locked = _locked(dossier)
        run = workflow_selectors.open_step(locked)
        if locked.status != Status.PROCESSING or run is None:
            raise DomainError("dossiers.not_processing", _("Hồ sơ không ở bước xử lý nào."))
        if not workflow.step_may_act(actor, run):
            raise PermissionDenied("workflow.not_yours", _("Bạn không xử lý bước này."))
        if upload is not None:
            if check_upload(upload).content_type != "application/pdf":
                raise DomainError("dossiers.result_pdf_only", _("Kết quả phải là tệp PDF."))
            upload.seek(0)
            content = upload.read()
            result = records.result_draft_save(
                actor=actor, dossier=locked, content=content, filename=upload.name or "", clock=clock
            )
        elif text.strip():
            agency = run.agency or locked.procedure.owner
            result = records.result_generate(
                actor=actor, dossier=locked, agency=agency, text=text, render_pdf=render_html, clock=clock
            )
        else:
            raise DomainError("dossiers.result_empty", _("Cần tải lên tệp PDF kết quả hoặc nhập nội dung kết quả."))
        stored.names.append(result.draft_file.name or "")
        return result

    return _with_file_cleanup(work)


@transaction.atomic
def dossier_step_return(*, actor: Any, dossier: Dossier, reason: str, clock: Clock = system_clock) -> Dossier:
    """Send the dossier back to its previous step with the reason."""
    dossier = _locked(dossier)
    run = workflow_selectors.open_step(dossier)
    # Not while the clock is stopped (waiting for a supplement or a fee): the step's deadline is not moved yet.
    if dossier.status != Status.PROCESSING or run is None:
        raise DomainError("dossiers.not_processing", _("Hồ sơ không ở bước xử lý nào."))
    reopened = workflow.step_return(actor=actor, run=run, reason=reason, cal=working_calendar(), clock=clock)
    central.central_dispatch(actor=actor, dossier=dossier, run=reopened, clock=clock)
    return dossier


# --- withdrawal and stop ------------------------------------------------------------------------------

# Before a decision: the applicant may still withdraw.
OPEN_STATUSES = (Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYING)


def _end(*, actor: Any, dossier: Dossier, to: str, reason: str, event: str, subject: str, clock: Clock) -> Dossier:
    """Withdrawn or stopped: close the open step, record why, issue the stop notice, tell the applicant."""
    if not reason.strip():
        raise DomainError("dossiers.reason_required", _("Cần ghi rõ lý do."))
    run = workflow_selectors.open_step(dossier)
    dossier_transition(actor=actor, dossier=dossier, to=to, reason=reason.strip(), clock=clock)
    if run is not None:
        workflow.step_close(actor=actor, run=run, outcome=to, note=reason.strip(), clock=clock)
    dossier.paused_at = None
    dossier.save(update_fields=["paused_at", "updated_at"])
    slip_issue(dossier=dossier, kind=SlipKind.STOP, actor=actor, clock=clock, reason=reason.strip())
    dossier_notify(dossier, event, subject, f"{subject}. {_('Lý do')}: {reason.strip()}", clock)
    return dossier


@transaction.atomic
def dossier_withdraw(*, actor: Any, dossier: Dossier, reason: str, clock: Clock = system_clock) -> Dossier:
    """The applicant withdraws the dossier before a decision (before `resolved`)."""
    dossier = _locked(dossier)
    if not user_acts_for(actor, dossier.applicant_id):
        raise PermissionDenied("dossiers.not_yours", _("Đây không phải hồ sơ của bạn."))
    if dossier.status not in OPEN_STATUSES:
        raise DomainError("dossiers.too_late", _("Hồ sơ đã có kết quả hoặc đã kết thúc; không rút được nữa."))
    return _end(
        actor=actor,
        dossier=dossier,
        to=Status.WITHDRAWN,
        reason=reason,
        event="withdrawn",
        clock=clock,
        subject=_("Hồ sơ %(code)s đã được rút theo yêu cầu") % {"code": dossier.code},
    )


@transaction.atomic
def dossier_stop(*, actor: Any, dossier: Dossier, reason: str, clock: Clock = system_clock) -> Dossier:
    """A leader of the agency handling the dossier stops processing, with the notice and its reason."""
    dossier = _locked(dossier)
    _require_handling_leader(actor, dossier, _("Chỉ lãnh đạo cơ quan đang giải quyết mới dừng được hồ sơ."))
    if dossier.status not in (Status.PROCESSING, Status.SUPPLEMENT, Status.PAYING):
        raise DomainError("dossiers.not_processing", _("Hồ sơ không ở bước xử lý nào."))
    return _end(
        actor=actor,
        dossier=dossier,
        to=Status.STOPPED,
        reason=reason,
        event="stopped",
        clock=clock,
        subject=_("Hồ sơ %(code)s bị dừng giải quyết") % {"code": dossier.code},
    )


# --- extension with the apology letter ---------------------------------------------------------------


@transaction.atomic
def dossier_extend(
    *, actor: Any, dossier: Dossier, new_due_at: datetime, reason: str, clock: Clock = system_clock
) -> Dossier:
    """The agency will be late: once per dossier, before the due moment, with a reason and a new date,
    it issues the apology letter (Phiếu xin lỗi và hẹn lại ngày trả kết quả) and tells the applicant."""
    dossier = _locked(dossier)
    _require_handling_leader(actor, dossier, _("Chỉ lãnh đạo cơ quan đang giải quyết mới gia hạn được."))
    if dossier.status not in (Status.PROCESSING, Status.SUPPLEMENT, Status.PAYING) or dossier.due_at is None:
        raise DomainError("dossiers.not_processing", _("Hồ sơ không ở bước xử lý nào."))
    if Extension.objects.filter(dossier=dossier).exists():
        raise DomainError("dossiers.extended_once", _("Hồ sơ đã được hẹn lại một lần; không gia hạn thêm."))
    if not reason.strip():
        raise DomainError("dossiers.reason_required", _("Cần ghi rõ lý do."))
    now, cal = clock.now(), working_calendar()
    notice = timedelta(hours=settings.EXTENSION_MIN_NOTICE_HOURS)
    if now >= dossier.due_at or working_time_between(now, dossier.due_at, cal) < notice:
        raise DomainError(
            "dossiers.extension_too_late",
            _("Phải xin lỗi và hẹn lại trước hạn ít nhất %(hours)s giờ làm việc."),
            hours=settings.EXTENSION_MIN_NOTICE_HOURS,
        )
    if new_due_at <= dossier.due_at:
        raise DomainError("dossiers.extension_earlier", _("Ngày hẹn lại phải sau hạn hiện tại."))
    Extension.objects.create(
        dossier=dossier,
        reason=reason.strip(),
        original_due_at=dossier.due_at,
        new_due_at=new_due_at,
        granted_by=actor,
        granted_at=now,
    )
    old = dossier.due_at
    dossier.due_at = new_due_at
    dossier.save(update_fields=["due_at", "updated_at"])
    when = f"{ensure_aware(new_due_at):%H:%M %d/%m/%Y}"
    TimelineEvent.objects.create(
        dossier=dossier,
        at=now,
        actor_label=(getattr(actor, "full_name", "") or str(actor))[:200],
        status_from=dossier.status,
        status_to=dossier.status,
        note=_("Hẹn lại ngày trả kết quả: %(when)s. Lý do: %(reason)s") % {"when": when, "reason": reason.strip()},
    )
    audit_record(
        actor=actor,
        action="dossiers.dossier.extend",
        obj=dossier,
        changes={"due_at": [old, new_due_at]},
        reason=reason.strip(),
        clock=clock,
    )
    slip_issue(dossier=dossier, kind=SlipKind.APOLOGY, actor=actor, clock=clock, reason=reason.strip())
    dossier_notify(
        dossier,
        "extended",
        _("Hồ sơ %(code)s được hẹn lại ngày trả kết quả") % {"code": dossier.code},
        _("Xin lỗi ông/bà: hồ sơ %(code)s được hẹn trả kết quả lúc %(when)s. Lý do: %(reason)s")
        % {"code": dossier.code, "when": when, "reason": reason.strip()},
        clock,
    )
    return dossier


# --- returning the result, and the applicant's rating ---------------------------------------------------


@transaction.atomic
def dossier_return_result(
    *, actor: Any, dossier: Dossier, channel: str, waybill: str = "", clock: Clock = system_clock
) -> Dossier:
    """The desk records that the result was handed over: online (download), at the desk, or by post."""
    dossier = _locked_for_desk(actor, dossier)
    if channel not in Channel.values:
        raise DomainError("dossiers.bad_channel", _("Kênh trả kết quả không hợp lệ."))
    if channel == Channel.POSTAL and not waybill.strip():
        raise DomainError("dossiers.waybill_required", _("Trả qua bưu chính cần số vận đơn."))
    if channel == Channel.ONLINE and records_selectors.result_signed_for_dossier(dossier) is None:
        raise DomainError("dossiers.result_unsigned", _("Chưa có kết quả đã ký số để trả trực tuyến."))
    dossier.returned_at, dossier.return_channel, dossier.return_waybill = clock.now(), channel, waybill.strip()
    label = str(Channel(channel).label) + (f" ({waybill.strip()})" if waybill.strip() else "")
    dossier_transition(
        actor=actor,
        dossier=dossier,
        to=Status.RETURNED,
        note=_("Trả kết quả: %(how)s") % {"how": label},
        also_save=("returned_at", "return_channel", "return_waybill"),
        clock=clock,
    )
    dossier_notify(
        dossier,
        "returned",
        _("Hồ sơ %(code)s đã trả kết quả") % {"code": dossier.code},
        _("Hồ sơ %(code)s đã trả kết quả (%(how)s). Mời ông/bà đánh giá mức độ hài lòng.")
        % {"code": dossier.code, "how": label},
        clock,
    )
    return dossier


@transaction.atomic
def dossier_rate(*, actor: Any, dossier: Dossier, score: int, comment: str = "", clock: Clock = system_clock) -> Rating:
    """The applicant rates the service, 1 (very unsatisfied) to 5 (very satisfied), once, after the result."""
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if not user_acts_for(actor, dossier.applicant_id):
        raise PermissionDenied("dossiers.not_yours", _("Đây không phải hồ sơ của bạn."))
    if dossier.status != Status.RETURNED:
        raise DomainError("dossiers.not_returned", _("Chỉ đánh giá được sau khi nhận kết quả."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise DomainError("dossiers.rated", _("Hồ sơ này đã được đánh giá."))
    if not 1 <= int(score) <= 5:
        raise DomainError("dossiers.bad_score", _("Mức đánh giá từ 1 đến 5."))
    rating = Rating.objects.create(
        dossier=dossier,
        agency_id=dossier.agency_id,
        score=int(score),
        comment=comment.strip()[:2000],
        created_at=clock.now(),
    )
    audit_record(actor=actor, action="dossiers.dossier.rate", obj=dossier, changes={"score": rating.score}, clock=clock)
    return rating
