from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "egov.identity"
    label = "identity"
    verbose_name = "Định danh, đăng nhập một lần"

    def ready(self) -> None:
        from .sessions import connect

        connect()
