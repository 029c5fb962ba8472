"""Pages of egov.records (under /ket-qua/)."""

from django.urls import URLPattern

app_name = "records"

urlpatterns: list[URLPattern] = []
