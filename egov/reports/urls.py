from django.urls import path

from . import export_views, ioc_views, views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.report, name="report"),
    path("bao-cao/ho-so/", views.drilldown, name="drilldown"),
    path("bao-cao/chi-so-766/", views.index766_page, name="index766"),
    path("cong-khai/", views.public, name="public"),
    path("bao-cao/dieu-hanh/", ioc_views.ioc_page, name="ioc"),
    path("bao-cao/dieu-hanh/so-lieu/", ioc_views.ioc_live, name="ioc_live"),
]
urlpatterns += export_views.urlpatterns
