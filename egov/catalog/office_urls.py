from django.urls import path

from . import office_views as views

app_name = "catalog_office"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("them/", views.procedure_edit, name="create"),
    path("xuat-excel/", views.procedure_export, name="export"),
    path("nhap-excel/", views.procedure_import, name="import"),
    path("<str:code>/", views.procedure_edit, name="edit"),
    path("<str:code>/cong-bo/", views.procedure_publish, name="publish"),
    path("<str:code>/tam-ngung/", views.procedure_suspend, name="suspend"),
    path("<str:code>/to-khai/", views.procedure_eform, name="eform"),
    path("<str:code>/quy-trinh/", views.procedure_process, name="process"),
    path("<str:code>/thanh-phan/<int:component_id>/mau/", views.component_form_upload, name="component_form"),
]
