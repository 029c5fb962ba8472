"""JSON API for applications: drafts, files, submission, and reading one's dossiers (session sign-in)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from egov.catalog.models import Procedure, ProcedureStatus
from egov.core.errors import DomainError, NotFound
from egov.identity.api_auth import OAuthBearer
from egov.org.models import Agency

from . import selectors, services
from .models import Dossier, Draft

# A signed-in browser (session), or an app with an access token carrying the scope "dossiers".
router = Router(tags=["Hồ sơ / Applications"], auth=[OAuthBearer(["dossiers"]), django_auth])


class DraftIn(Schema):
    procedure_code: str
    agency_eid_code: str | None = None
    form_data: dict[str, Any] | None = None


class DraftPatch(Schema):
    agency_eid_code: str | None = None
    form_data: dict[str, Any] | None = None


class DraftFileOut(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str
    component_id: int | None
    content_type: str
    size: int
    sha256: str


class DraftOut(Schema):
    id: UUID = Field(..., alias="public_id")
    procedure_code: str = Field(..., alias="procedure.code")
    agency_eid_code: str | None = None
    form_data: dict[str, Any]
    files: list[DraftFileOut]

    @staticmethod
    def resolve_agency_eid_code(obj: Draft) -> str | None:
        return obj.agency.eid_code if obj.agency else None

    @staticmethod
    def resolve_files(obj: Draft) -> list[Any]:
        return list(obj.files.all())


class TimelineOut(Schema):
    at: datetime
    status: str = Field(..., alias="status_to")
    note: str


class DossierOut(Schema):
    code: str | None
    status: str
    status_label: str
    procedure_code: str = Field(..., alias="procedure.code")
    procedure_name: str
    agency: str = Field(..., alias="agency.name")
    channel: str
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: Dossier) -> str:
        return str(obj.get_status_display())


class DossierDetail(DossierOut):
    timeline: list[TimelineOut]

    @staticmethod
    def resolve_timeline(obj: Dossier) -> list[Any]:
        return list(obj.timeline.all())


def _agency(eid_code: str | None) -> Agency | None:
    if not eid_code:
        return None
    agency = Agency.objects.filter(eid_code=eid_code, is_active=True).first()
    if agency is None:
        raise DomainError("dossiers.unknown_agency", _("Không có cơ quan mang mã “%(code)s”."), code=eid_code)
    return agency


def _own_draft(request: HttpRequest, draft_id: UUID) -> Draft:
    draft = Draft.objects.filter(public_id=draft_id, owner_id=request.user.pk).select_related("procedure").first()
    if draft is None:
        raise NotFound("dossiers.draft_not_found", _("Không tìm thấy bản nháp."))
    return draft


@router.post("/drafts", response={201: DraftOut}, summary="Tạo bản nháp hồ sơ")
def draft_create(request: HttpRequest, payload: DraftIn) -> Status:
    procedure = Procedure.objects.filter(code=payload.procedure_code, status=ProcedureStatus.PUBLISHED).first()
    if procedure is None:
        raise NotFound("catalog.not_found", _("Không tìm thấy thủ tục %(code)s."), code=payload.procedure_code)
    draft = services.draft_save(
        actor=request.user, procedure=procedure, agency=_agency(payload.agency_eid_code), form_data=payload.form_data
    )
    return Status(201, draft)


@router.get("/drafts/{draft_id}", response=DraftOut, summary="Đọc bản nháp")
def draft_read(request: HttpRequest, draft_id: UUID) -> Draft:
    return _own_draft(request, draft_id)


@router.patch("/drafts/{draft_id}", response=DraftOut, summary="Sửa bản nháp (tờ khai, nơi nộp)")
def draft_update(request: HttpRequest, draft_id: UUID, payload: DraftPatch) -> Draft:
    draft = _own_draft(request, draft_id)
    return services.draft_save(
        actor=request.user,
        procedure=draft.procedure,
        draft=draft,
        agency=_agency(payload.agency_eid_code),
        form_data=payload.form_data,
    )


@router.post("/drafts/{draft_id}/files", response={201: DraftFileOut}, summary="Tải giấy tờ lên bản nháp")
def draft_file_upload(
    request: HttpRequest, draft_id: UUID, file: File[UploadedFile], component_id: Form[int | None] = None
) -> Status:
    draft = _own_draft(request, draft_id)
    component = None
    if component_id is not None:
        component = draft.procedure.components.filter(pk=component_id).first()
        if component is None:
            raise NotFound("dossiers.bad_component", _("Giấy tờ không thuộc thủ tục này."))
    return Status(201, services.draft_file_add(actor=request.user, draft=draft, component=component, upload=file))


@router.post("/drafts/{draft_id}/submit", response={201: DossierOut}, summary="Nộp hồ sơ từ bản nháp")
def draft_submit(
    request: HttpRequest, draft_id: UUID, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    earlier = Dossier.objects.filter(idempotency_key=f"{request.user.pk}:{idempotency_key}").first()
    if earlier is not None:  # a retried request: the same answer, nothing done twice
        return Status(201, earlier)
    draft = _own_draft(request, draft_id)
    return Status(201, services.draft_submit(actor=request.user, draft=draft, idempotency_key=idempotency_key))


@router.get("/dossiers", response=list[DossierOut], summary="Hồ sơ của tôi")
def dossier_list(request: HttpRequest) -> Any:
    return selectors.dossier_list_for_applicant(request.user)


@router.get("/dossiers/{code}", response=DossierDetail, summary="Trạng thái và quá trình xử lý một hồ sơ")
def dossier_read(request: HttpRequest, code: str) -> Dossier:
    return selectors.dossier_get_for_user(request.user, code)
