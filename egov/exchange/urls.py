"""Pages of egov.exchange (under /lien-thong/)."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("gia-lap/", views.fake_ministry, name="fake_ministry"),
    path("gia-lap/<int:pk>/tra-loi/", views.fake_ministry_reply, name="fake_ministry_reply"),
]
