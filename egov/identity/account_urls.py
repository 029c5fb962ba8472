"""The signed-in user's own security pages, beside the sign-in pages (/tai-khoan/)."""

from django.urls import path

from . import views

app_name = "identity_account"

urlpatterns = [
    path("xac-thuc-hai-buoc/", views.second_factor, name="second_factor"),
    path("phien-dang-nhap/", views.sessions, name="sessions"),
    path("phien-dang-nhap/<int:pk>/ket-thuc/", views.session_end_view, name="session_end"),
    path("vneid/", views.vneid, name="vneid"),
    path("vneid/xong/", views.vneid_callback, name="vneid_callback"),
]
