from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("nop/<str:code>/", views.apply, name="apply"),
    path("ho-so-cua-toi/", views.my_dossiers, name="mine"),
    path("ho-so/<str:code>/", views.detail, name="detail"),
    path("ho-so/<str:code>/phieu/<int:slip_id>/", views.slip_pdf, name="slip"),
    path("ho-so/<str:code>/rut/", views.withdraw, name="withdraw"),
    path("ho-so/<str:code>/ket-qua.pdf", views.result_pdf, name="result"),
    path("ho-so/<str:code>/danh-gia/", views.rate, name="rate"),
    path("danh-gia/", views.ratings_public, name="ratings"),
    path("tep/<uuid:public_id>/", views.document_download, name="document"),
    path("tra-cuu/", views.track, name="track"),
]
