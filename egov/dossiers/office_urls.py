from django.urls import path

from . import office_views as views

app_name = "dossiers_office"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("nhap-ho-so/", views.register, name="register"),
    path("danh-gia/", views.ratings, name="ratings"),
    path("<str:code>/", views.check, name="check"),
    path("<str:code>/tiep-nhan/", views.accept, name="accept"),
    path("<str:code>/yeu-cau-bo-sung/", views.request_supplement, name="supplement"),
    path("<str:code>/tu-choi/", views.refuse, name="refuse"),
    path("<str:code>/tra-ket-qua/", views.return_result, name="return_result"),
]
