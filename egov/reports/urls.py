from django.urls import path

from . import export_views, views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.report, name="report"),
    path("bao-cao/ho-so/", views.drilldown, name="drilldown"),
    path("bao-cao/chi-so-766/", views.index766_page, name="index766"),
    path("cong-khai/", views.public, name="public"),
]
urlpatterns += export_views.urlpatterns
