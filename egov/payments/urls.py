"""Pages of egov.payments (under /thanh-toan/)."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/truc-tuyen/", views.pay_online, name="pay_online"),
    path("yeu-cau/<str:code>/", views.request_fees, name="request"),
    path("quay/<str:code>/", views.desk, name="desk"),
    path("ket-qua/", views.payment_return, name="return"),
    path("ipn/", views.ipn, name="ipn"),
    path("cong-gia-lap/<str:order_id>/", views.fake_gateway, name="fake_gateway"),
    path("bien-lai/kiem-tra/", views.receipt_verify, name="receipt_verify"),
    path("bien-lai/<str:public_id>/", views.receipt_download, name="receipt"),
    path("doi-soat/", views.reconciliations, name="reconciliations"),
    path("doi-soat/<int:pk>/", views.reconciliation, name="reconciliation"),
]
