from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:code>/", views.steps, name="steps"),
    path("<str:code>/bat-dau/", views.start, name="start"),
    path("<str:code>/hoan-thanh/", views.complete, name="complete"),
    path("<str:code>/tra-lai/", views.send_back, name="send_back"),
    path("<str:code>/ket-qua/", views.result_prepare, name="result_prepare"),
    path("<str:code>/ket-qua.pdf", views.result_draft_pdf, name="result_pdf"),
    path("<str:code>/phan-cong/", views.assign, name="assign"),
    path("<str:code>/yeu-cau-bo-sung/", views.supplement, name="supplement"),
    path("<str:code>/dung/", views.stop, name="stop"),
    path("<str:code>/hen-lai/", views.extend, name="extend"),
    path("<str:code>/phieu-kiem-soat.pdf", views.control_slip_pdf, name="control_slip_pdf"),
]
