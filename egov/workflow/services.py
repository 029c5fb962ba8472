"""Running the process steps: open, assign, complete (hand over), return; each step has its own due moment.

The dossier's status is not changed here: `dossiers.services` calls these inside its own transaction and
moves the status (received → processing → resolved) through the one status machine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.models import Role
from egov.accounts.selectors import user_has_role
from egov.catalog.models import ProcessStep
from egov.core.audit import audit_record
from egov.core.calendar import (
    Timeliness,
    WorkingCalendar,
    add_working_time,
    due_after_pauses,
    due_at,
    grade_finished,
    grade_open,
    working_time_between,
)
from egov.core.clock import Clock, ensure_aware, system_clock
from egov.core.errors import DomainError, PermissionDenied
from egov.org.models import Agency

from .models import StepRun

logger = logging.getLogger(__name__)


def _agency_of(step: ProcessStep, dossier: Any) -> Agency | None:
    if step.where == ProcessStep.Where.RECEIVING:
        return dossier.agency  # type: ignore[no-any-return]
    if step.where == ProcessStep.Where.OWNER:
        return dossier.procedure.owner  # type: ignore[no-any-return]
    if step.where == ProcessStep.Where.AGENCY:
        return step.agency
    return None  # a central ministry, reached through the data exchange


def step_budget(step: ProcessStep, dossier: Any, cal: WorkingCalendar) -> timedelta:
    """The step's share of the dossier's legal office time: from the clock start to the legal due moment,
    plus what an extension granted. Not the paused time: a supplement or a payment pause moves the dossier's
    due moment later, but that waiting was the applicant's, so it must not swell the later steps' shares."""
    legal = due_at(dossier.received_at, dossier.duration_value, dossier.duration_unit, cal)
    total = working_time_between(dossier.clock_start_at, legal, cal)
    extension = getattr(dossier, "extension", None)  # the one extension (dossiers.Extension), if any
    if extension is not None:
        total += working_time_between(extension.original_due_at, extension.new_due_at, cal)
    return total * step.share_percent / 100


def _open(*, dossier: Any, step: ProcessStep, at: datetime, cal: WorkingCalendar, note: str = "") -> StepRun:
    return StepRun.objects.create(
        dossier=dossier,
        step=step,
        position=step.position,
        name=step.name,
        agency=_agency_of(step, dossier),
        central_system=step.central_system,
        actor_role=step.actor,
        started_at=at,
        due_at=add_working_time(at, step_budget(step, dossier, cal), cal),
        note=note,
    )


def _finish(run: StepRun, *, actor: Any, at: datetime, outcome: str, note: str) -> None:
    run.finished_at, run.outcome, run.note = at, outcome, note or run.note
    run.finished_by = (getattr(actor, "full_name", "") or str(actor))[:200]
    run.timeliness = grade_finished(at, run.due_at).value
    run.save(update_fields=["finished_at", "outcome", "note", "finished_by", "timeliness"])


def steps_start(*, actor: Any, dossier: Any, cal: WorkingCalendar, clock: Clock = system_clock) -> StepRun:
    """Open the process: a first reception step at the desk counts as done by the reception itself."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("steps_start runs inside the dossier service's transaction")
    template = dossier.process_template
    if template is None:
        raise DomainError("workflow.no_process", _("Thủ tục chưa có quy trình nội bộ; hãy báo quản trị cơ quan."))
    steps = list(template.steps.select_related("agency").order_by("position"))
    now = clock.now()
    first = steps[0]
    if first.where == ProcessStep.Where.RECEIVING and first.actor == ProcessStep.Actor.RECEIVER and len(steps) > 1:
        done = _open(dossier=dossier, step=first, at=dossier.received_at, cal=cal)
        _finish(done, actor=actor, at=now, outcome="done", note=_("Tiếp nhận hồ sơ"))
        first = steps[1]
    run = _open(dossier=dossier, step=first, at=now, cal=cal)
    audit_record(actor=actor, action="workflow.step.open", obj=dossier, changes={"step": run.name}, clock=clock)
    return run


_ROLE_OF_ACTOR = {
    ProcessStep.Actor.RECEIVER: Role.RECEIVER.value,
    ProcessStep.Actor.SPECIALIST: Role.SPECIALIST.value,
    ProcessStep.Actor.LEADER: Role.LEADER.value,
}


@dataclass(frozen=True)
class CentralSystem:
    """The actor when a central ministry's reply, received through the data exchange, finishes its step."""

    ministry: str

    @property
    def full_name(self) -> str:
        return _("%(ministry)s (qua trục liên thông)") % {"ministry": self.ministry}

    def __str__(self) -> str:
        return self.full_name


def step_may_act(actor: Any, run: StepRun) -> bool:
    """The assignee; else whoever holds the step's role in its agency; a leader of that agency always.
    A step at a central ministry: the ministry's reply through the exchange, or (if it answers another way)
    a leader of the procedure's owning agency."""
    if isinstance(actor, CentralSystem):
        return run.agency_id is None and bool(run.central_system)
    if run.assignee_id is not None and run.assignee_id == getattr(actor, "pk", None):
        return True
    agency = run.agency or run.dossier.procedure.owner
    roles = {Role.LEADER.value}
    if run.assignee_id is None and run.actor_role in _ROLE_OF_ACTOR:
        roles.add(_ROLE_OF_ACTOR[ProcessStep.Actor(run.actor_role)])
    return user_has_role(actor, agency, roles)


def step_assign(*, actor: Any, run: StepRun, assignee: Any, clock: Clock = system_clock) -> StepRun:
    """A leader of the step's agency hands the step to one of the agency's case officers."""
    run = StepRun.objects.select_for_update(of=("self",)).select_related("agency", "dossier").get(pk=run.pk)
    if run.agency is None or not user_has_role(actor, run.agency, {Role.LEADER.value}):
        raise PermissionDenied("workflow.leader_only", _("Chỉ lãnh đạo cơ quan đang xử lý mới phân công được."))
    if not run.is_open:
        raise DomainError("workflow.closed", _("Bước này đã xong."))
    if not user_has_role(assignee, run.agency, {Role.SPECIALIST.value}) or getattr(assignee, "kind", "") != "official":
        raise DomainError(
            "workflow.not_specialist", _("Người được giao phải là chuyên viên của %(agency)s."), agency=run.agency.name
        )
    run.assignee = assignee
    run.save(update_fields=["assignee"])
    audit_record(
        actor=actor,
        action="workflow.step.assign",
        obj=run.dossier,
        changes={"step": run.name, "assignee": assignee.get_username()},
        clock=clock,
    )
    return run


def step_complete(
    *, actor: Any, run: StepRun, note: str, cal: WorkingCalendar, clock: Clock = system_clock
) -> StepRun | None:
    """Finish the step and hand over to the next one (another agency's queue if it runs elsewhere).

    Returns the next step, or None when the process is finished.
    """
    run = StepRun.objects.select_for_update(of=("self",)).select_related("agency", "dossier", "step").get(pk=run.pk)
    if not run.is_open:
        raise DomainError("workflow.closed", _("Bước này đã xong."))
    if not step_may_act(actor, run):
        raise PermissionDenied("workflow.not_yours", _("Bạn không xử lý bước này."))
    now = clock.now()
    _finish(run, actor=actor, at=now, outcome="done", note=note)
    following = run.step.template.steps.filter(position__gt=run.position).order_by("position").first()
    audit_record(
        actor=actor,
        action="workflow.step.complete",
        obj=run.dossier,
        changes={"step": run.name, "timeliness": run.timeliness},
        reason=note,
        clock=clock,
    )
    if following is None:
        return None
    return _open(dossier=run.dossier, step=following, at=now, cal=cal)


def step_return(*, actor: Any, run: StepRun, reason: str, cal: WorkingCalendar, clock: Clock = system_clock) -> StepRun:
    """Send the dossier back to the previous step, with the reason."""
    run = StepRun.objects.select_for_update(of=("self",)).select_related("agency", "dossier", "step").get(pk=run.pk)
    if not reason.strip():
        raise DomainError("workflow.reason_required", _("Cần ghi lý do trả lại bước trước."))
    if not run.is_open or not step_may_act(actor, run):
        raise PermissionDenied("workflow.not_yours", _("Bạn không xử lý bước này."))
    previous = run.step.template.steps.filter(position__lt=run.position).order_by("-position").first()
    if previous is None or (previous.actor == ProcessStep.Actor.RECEIVER and previous.position == 1):
        raise DomainError("workflow.no_previous", _("Không có bước trước để trả lại."))
    now = clock.now()
    _finish(run, actor=actor, at=now, outcome="returned", note=reason.strip())
    audit_record(
        actor=actor,
        action="workflow.step.return",
        obj=run.dossier,
        changes={"step": run.name},
        reason=reason.strip(),
        clock=clock,
    )
    return _open(
        dossier=run.dossier, step=previous, at=now, cal=cal, note=_("Trả lại: %(reason)s") % {"reason": reason}
    )


def step_pause_shift(*, run: StepRun, paused_from: Any, paused_until: Any, cal: WorkingCalendar) -> StepRun:
    """The open step's due moment moves later by the office time the clock was stopped."""
    run.due_at = due_after_pauses(run.due_at, [(paused_from, paused_until)], cal)
    run.save(update_fields=["due_at"])
    return run


def step_close(*, actor: Any, run: StepRun, outcome: str, note: str, clock: Clock = system_clock) -> StepRun:
    """End the open step because the dossier ended (withdrawn, stopped)."""
    run = StepRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
    if run.is_open:
        _finish(run, actor=actor, at=clock.now(), outcome=outcome[:10], note=note)
    return run


@transaction.atomic
def deadline_warn(*, clock: Clock = system_clock, cal: WorkingCalendar, due_soon: timedelta) -> int:
    """Warn whoever holds each open step, and its agency's leaders, once when it is due soon and once when
    it is late. Idempotent: the outbox key is per step and stage, so running it again sends nothing new.

    Steps of dossiers whose clock is stopped (waiting for a supplement or a fee) are skipped: their due
    moment moves when the applicant answers. An official's malformed e-mail address loses that one
    warning, not everyone's (the check's Vietnamese message says which kind of address is wrong)."""
    from egov.accounts.models import OfficialRole
    from egov.dossiers.models import Status
    from egov.notifications.services import notifications_enqueue, outgoing

    now, sent = clock.now(), 0
    open_runs = StepRun.objects.filter(finished_at__isnull=True, dossier__status=Status.PROCESSING)
    for run in open_runs.select_related("dossier", "agency", "assignee"):
        stage = grade_open(now, run.due_at, cal, due_soon)
        if stage is Timeliness.IN_TIME or run.agency is None:
            continue
        people = {
            r.user
            for r in OfficialRole.objects.filter(
                agency=run.agency, role=Role.LEADER.value, user__is_active=True
            ).select_related("user")
        }
        if run.assignee is not None:
            people.add(run.assignee)
        due = f"{ensure_aware(run.due_at):%H:%M %d/%m/%Y}"
        subject = (
            _("Quá hạn: hồ sơ %(code)s, bước %(step)s")
            if stage is Timeliness.OVERDUE
            else _("Sắp đến hạn: hồ sơ %(code)s, bước %(step)s")
        ) % {"code": run.dossier.code, "step": run.name}
        body = (
            _("Hạn của bước là %(due)s.") % {"due": due}
            + " "
            + _("Nếu cơ quan sẽ trễ hạn, lãnh đạo phải xin lỗi và hẹn lại ngày trả kết quả trước hạn.")
        )
        items = []
        for person in people:
            if not person.email:
                continue
            try:
                items.append(
                    outgoing(
                        channel="email",
                        recipient=person.email,
                        subject=subject,
                        body=body,
                        key=f"steprun:{run.pk}:{stage.value}:{person.pk}",
                    )
                )
            except DomainError as exc:  # the address is not logged: the account id is enough to fix it
                logger.warning("deadline warning for account %s not queued: %s", person.pk, exc.code)
        notifications_enqueue(items, obj=run.dossier, clock=clock)
        sent += len(items)
    return sent
