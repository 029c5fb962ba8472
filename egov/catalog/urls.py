from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("linh-vuc/", views.sector_list, name="sector_list"),
    path("co-quan/", views.agency_list, name="agency_list"),
]
