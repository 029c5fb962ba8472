from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "egov.reports"
    verbose_name = "Báo cáo, chỉ số"
