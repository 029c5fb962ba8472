from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class OrgConfig(AppConfig):
    name = "egov.org"
    label = "org"
    verbose_name = "Tổ chức, đơn vị hành chính"

    def ready(self) -> None:
        from .models import Agency
        from .selectors import agency_successors_forget

        post_save.connect(agency_successors_forget, sender=Agency, dispatch_uid="org-agency-successors")
        post_delete.connect(agency_successors_forget, sender=Agency, dispatch_uid="org-agency-successors-del")
