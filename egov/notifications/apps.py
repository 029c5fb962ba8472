from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "egov.notifications"
    label = "notifications"
    verbose_name = "Thông báo"
