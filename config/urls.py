"""URL map: the public portal, the back office, accounts, the API and the admin."""

from pathlib import Path

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from egov.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("egov.catalog.urls")),
    path("quan-tri/thu-tuc/", include("egov.catalog.office_urls")),
    path("mot-cua/", include("egov.dossiers.office_urls")),
    path("xu-ly/", include("egov.workflow.urls")),
    path("", include("egov.dossiers.urls")),
    path("thanh-toan/", include("egov.payments.urls")),
    path("ket-qua/", include("egov.records.urls")),
    path("lien-thong/", include("egov.exchange.urls")),
    path("", include("egov.reports.urls")),
    path("tai-khoan/", include("egov.accounts.urls")),
    path("tai-khoan/", include("egov.identity.account_urls")),
    path("", include("egov.identity.urls")),
    path("quan-tri/dinh-danh/", include("egov.identity.office_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]

if settings.VNEID_FAKE:  # the local stand-in for VNeID (demo, tests)
    urlpatterns.append(path("gia-lap-vneid/", include("egov.identity.fake_vneid")))

# The only public files under MEDIA_ROOT are the procedures' blank forms (catalog/forms/): Django serves that
# folder in the demo (DEBUG), the web server in production (that folder only), or object storage signs the URL.
# Dossier, draft and result files are served only by views that check who asks (/tep/<uuid>/, …).
PUBLIC_MEDIA = "catalog/forms/"
urlpatterns += static(f"{settings.MEDIA_URL}{PUBLIC_MEDIA}", document_root=Path(settings.MEDIA_ROOT) / PUBLIC_MEDIA)
