"""The public JSON API, version 1 (/api/v1, OpenAPI at /api/docs); errors are mapped here, once."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from egov.catalog.api import router as catalog_router
from egov.core.errors import DomainError
from egov.dossiers.api import router as dossiers_router

api = NinjaAPI(
    title="egov API",
    version="1",
    description="API công khai của Cổng dịch vụ công tỉnh Lâm Đồng / Public API of the Lâm Đồng public-service portal.",
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/v1/", catalog_router)
api.add_router("/v1/", dossiers_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=exc.status)
