"""The province administrator's registry of systems that sign in through the province (/quan-tri/ket-noi/)."""

from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("", views.client_list, name="clients"),
    path("dang-ky/", views.client_new, name="client_new"),
    path("<int:pk>/doi-khoa/", views.client_rotate, name="client_rotate"),
]
