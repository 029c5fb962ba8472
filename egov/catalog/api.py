"""Read-only JSON API of the published catalogue."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from egov.catalog.models import OnlineLevel, Procedure

from . import selectors

router = Router(tags=["Thủ tục hành chính / Procedures"])


class SectorOut(Schema):
    slug: str
    name: str


class AgencyOut(Schema):
    eid_code: str
    slug: str
    name: str


class FeeOut(Schema):
    kind: str
    name: str
    amount: int | None = Field(None, description="Mức thu, đồng; trống khi tùy trường hợp")
    note: str


class ComponentOut(Schema):
    name: str
    originals: int
    copies: int
    required: bool
    form_name: str


class ProcedureSummary(Schema):
    code: str
    name: str
    sector: SectorOut
    owner: AgencyOut
    levels: list[str]
    online_level: OnlineLevel
    duration_value: int
    duration_unit: str
    url: str

    @staticmethod
    def resolve_url(obj: Procedure) -> str:
        return f"/thu-tuc/{obj.code}/"


class ProcedureDetail(ProcedureSummary):
    implementing_agency: str
    receiving_agency: str
    duration_note: str
    applicants: str
    eligibility: str
    steps: str
    result: str
    legal_basis: list[str] = Field(..., alias="legal_basis_lines")
    decision_number: str
    decision_date: date | None
    fees: list[FeeOut]
    components: list[ComponentOut]


class ProcedureFilters(Schema):
    q: str = Field("", description="Tìm kiếm, không phân biệt dấu (vd. “cap giay phep xay dung”)")
    sector: str = Field("", description="Mã (slug) lĩnh vực")
    agency: str = Field("", description="Mã (slug) cơ quan quản lý")
    level: str = Field("", description="province | commune")
    online_level: str = Field("", description="full | partial | none")


@router.get("/procedures", response=list[ProcedureSummary], summary="Danh sách, lọc và tìm kiếm thủ tục")
@paginate(LimitOffsetPagination)
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilters]) -> object:
    return selectors.procedure_list_published(
        query=filters.q,
        sector=filters.sector,
        agency=filters.agency,
        level=filters.level,
        online_level=filters.online_level,
    )


@router.get("/procedures/{code}", response=ProcedureDetail, summary="Chi tiết một thủ tục")
def procedure_detail(request: HttpRequest, code: str) -> Procedure:
    return selectors.procedure_get_published(code)


@router.get("/sectors", response=list[SectorOut], summary="Các lĩnh vực có thủ tục đang công bố")
def sector_list(request: HttpRequest) -> object:
    return selectors.sector_list_with_counts()
