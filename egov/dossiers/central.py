"""Steps at a central ministry: the dossier's package goes out through the exchange when such a step opens,
and the ministry's reply completes the step (đồng ý) or sends it back (có ý kiến), as that ministry.

Services like the others (one transaction, audited); here rather than in `services.py` because they join
two apps: `services` calls `central_dispatch` where steps open, and the replies call `services` back.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from egov.core.clock import Clock, ensure_aware, system_clock
from egov.core.errors import DomainError
from egov.exchange import selectors as exchange_selectors
from egov.exchange import services as exchange
from egov.exchange.models import ExchangeMessage
from egov.workflow.models import StepRun
from egov.workflow.services import CentralSystem

from .models import Dossier, Status

logger = logging.getLogger(__name__)
STEP_RUN = StepRun._meta.label_lower


def ministry_name(system: str) -> str:
    """ "Bộ Tư pháp (qua LGSP/NDXP)" → "Bộ Tư pháp": the ministry without the channel it is reached by."""
    return system.split("(")[0].strip() or system


def step_package(dossier: Dossier, run: StepRun) -> dict[str, Any]:
    """What the ministry receives: the code, the procedure, the applicant's name (no other personal data),
    the documents' names and fingerprints, and the question (the previous step's note)."""
    previous = (
        StepRun.objects.filter(dossier=dossier, finished_at__isnull=False)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-id")
        .first()
    )
    question = run.note or (previous.note if previous else "")
    return {
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure_name,
        "applicant_name": dossier.applicant_name,
        "agency": dossier.procedure.owner.name,
        "step": run.name,
        "question": question,
        "reply_due": f"{ensure_aware(run.due_at):%H:%M %d/%m/%Y}",
        "documents": [
            {"name": d.name, "sha256": d.sha256, "size": d.size}
            for d in dossier.documents.order_by("uploaded_at", "id")
        ],
    }


def central_dispatch(*, actor: Any, dossier: Dossier, run: StepRun | None, clock: Clock = system_clock) -> Any:
    """If `run` (a step just opened) is at a central ministry, queue the dossier's package to it; it is sent
    after the caller's transaction commits. Nothing for any other step."""
    if run is None or run.agency_id is not None or not run.central_system:
        return None
    return exchange.exchange_send(
        actor=actor,
        system=run.central_system,
        kind=ExchangeMessage.Kind.STEP_REQUEST,
        reference=f"{STEP_RUN}:{run.pk}:request",
        payload=step_package(dossier, run),
        obj=run,
        clock=clock,
    )


def central_reply_apply(*, message_id: int, clock: Clock = system_clock) -> str:
    """Apply one reply to the step that asked: "done", "returned", "stale" (the step had already ended; the
    reply is kept), "failed" (refused; kept with the reason), "waiting" (the dossier is paused: later), or
    "skipped" (already applied, or being applied by another worker). Applying a reply twice does nothing."""
    from . import services  # services imports this module

    with transaction.atomic():
        reply = exchange.exchange_reply_lock(message_id=message_id)
        if reply is None:
            return "skipped"
        request = reply.reply_to
        run = None
        if request is not None and request.object_type == STEP_RUN:
            run = StepRun.objects.select_related("dossier").filter(pk=request.object_id).first()
        ministry = CentralSystem(ministry_name(run.central_system if run else reply.system))
        if run is None or not run.is_open:
            exchange.exchange_reply_processed(
                actor=ministry, message=reply, note=_("Bước đã kết thúc trước khi có phản hồi."), clock=clock
            )
            return "stale"
        if run.dossier.status != Status.PROCESSING:
            return "waiting"
        if not isinstance(reply.payload, dict):
            logger.warning("central reply %s not applied: not an object", reply.pk)
            exchange.exchange_reply_processed(
                actor=ministry, message=reply, note=_("Phản hồi không đúng định dạng."), clock=clock
            )
            return "failed"
        note = str(reply.payload.get("note") or "").strip()
        agreed = reply.payload.get("decision") == exchange.AGREED
        try:
            with transaction.atomic():
                if agreed:
                    services.dossier_step_complete(
                        actor=ministry, dossier=run.dossier, note=note or _("Đồng ý"), clock=clock
                    )
                else:
                    services.dossier_step_return(
                        actor=ministry, dossier=run.dossier, reason=note or _("Có ý kiến"), clock=clock
                    )
        except DomainError as exc:
            logger.warning("central reply %s not applied: %s", reply.pk, exc.code)
            exchange.exchange_reply_processed(
                actor=ministry, message=reply, note=_("Không áp dụng được: %(why)s") % {"why": exc.message}, clock=clock
            )
            return "failed"
        done = _("Đã hoàn thành bước") if agreed else _("Đã trả về bước trước")
        exchange.exchange_reply_processed(actor=ministry, message=reply, note=done, clock=clock)
        return "done" if agreed else "returned"


def central_replies_apply(*, clock: Clock = system_clock) -> int:
    """Apply every reply not applied yet (each in its own transaction); how many changed a step."""
    ids = list(exchange_selectors.reply_list_unprocessed().values_list("pk", flat=True)[:500])
    applied = 0
    for pk in ids:
        try:
            applied += central_reply_apply(message_id=pk, clock=clock) in ("done", "returned")
        except Exception:  # a bug on one reply must not hold up the others; it stays unprocessed, tried again
            logger.exception("central reply %s could not be applied", pk)
    return applied
