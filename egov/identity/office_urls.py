"""The administrators' identity pages (/quan-tri/dinh-danh/): connected systems, deactivating accounts."""

from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("ung-dung/", views.client_list, name="clients"),
    path("ung-dung/dang-ky/", views.client_new, name="client_new"),
    path("ung-dung/<int:pk>/doi-khoa/", views.client_rotate, name="client_rotate"),
    path("tai-khoan/<uuid:public_id>/vo-hieu-hoa/", views.account_deactivate_page, name="deactivate"),
]
