from django.urls import path

from . import office_views as views

app_name = "dossiers_office"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("nhap-ho-so/", views.register, name="register"),
    path("danh-gia/", views.ratings, name="ratings"),
    path("so-theo-doi/", views.tracking_book, name="tracking_book"),
    path("so-theo-doi/excel/", views.tracking_book_xlsx, name="tracking_book_xlsx"),
    path("<str:code>/", views.check, name="check"),
    path("<str:code>/tiep-nhan/", views.accept, name="accept"),
    path("<str:code>/yeu-cau-bo-sung/", views.request_supplement, name="supplement"),
    path("<str:code>/tu-choi/", views.refuse, name="refuse"),
    path("<str:code>/tra-ket-qua/", views.return_result, name="return_result"),
]
