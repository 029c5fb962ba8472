"""Pages of egov.records (under /ket-qua/)."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("xac-minh/", views.verify, name="verify"),
]
