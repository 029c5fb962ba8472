from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "egov.records"
    label = "records"
    verbose_name = "Kết quả điện tử, ký số"
