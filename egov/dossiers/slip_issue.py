"""Issuing a slip for a dossier: the data printed is stored with its hash, in the deciding transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from egov.core.clock import Clock

from .models import Dossier, Slip
from .slips import SlipComponent, SlipData, SlipKind, slip_content_hash, slip_to_json


def slip_issue(
    *,
    dossier: Dossier,
    kind: SlipKind,
    actor: Any,
    clock: Clock,
    items: tuple[str, ...] = (),
    reason: str = "",
    due_explanation: str = "",
) -> Slip:
    """Store the slip's data and hash (the PDF is rendered from it on demand, always the same)."""
    agency = dossier.agency
    parent = agency.parent.name.upper() if agency.parent_id else ""  # type: ignore[union-attr]
    data = SlipData(
        kind=kind,
        dossier_code=dossier.code or "",
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure_name,
        agency_name=agency.name,
        parent_agency_name=parent,
        applicant_name=dossier.applicant_name,
        applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone,
        applicant_email=dossier.applicant_email,
        channel_label=str(dossier.get_channel_display()),
        issued_at=clock.now(),
        officer_name=getattr(actor, "full_name", "") or str(actor),
        tracking_url=f"{settings.PUBLIC_BASE_URL}{reverse('dossiers:track')}",
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        due_explanation=due_explanation,
        components=tuple(
            SlipComponent(name=name, originals=1 if component else 0, copies=0)
            for name, component in dossier.documents.order_by("uploaded_at", "id").values_list("name", "component_id")
        )
        or tuple(
            SlipComponent(name=c.name, originals=c.originals, copies=c.copies)
            for c in dossier.procedure.components.all()
        ),
        items=items,
        reason=reason,
        location_for_result=(
            "Qua dịch vụ bưu chính công ích" if dossier.result_by_post else f"Bộ phận Một cửa, {agency.name}"
        ),
    )
    return Slip.objects.create(
        dossier=dossier,
        kind=kind,
        issued_at=data.issued_at,
        content_hash=slip_content_hash(data),
        data=slip_to_json(data),
    )
