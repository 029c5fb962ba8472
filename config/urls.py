"""URL map: the public portal, the back office, accounts, the API and the admin."""

from django.contrib import admin
from django.urls import include, path

from egov.api import api

urlpatterns = [
    path("", include("egov.catalog.urls")),
    path("quan-tri/thu-tuc/", include("egov.catalog.office_urls")),
    path("tai-khoan/", include("egov.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
