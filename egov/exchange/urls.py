"""Pages of egov.exchange (under /lien-thong/)."""

from django.urls import URLPattern

app_name = "exchange"

urlpatterns: list[URLPattern] = []
