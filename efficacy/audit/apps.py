from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "efficacy.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Sign-in, failed sign-in, sign-out and lockouts are recorded from Django's signals.
        from efficacy.audit import signals  # noqa: F401
