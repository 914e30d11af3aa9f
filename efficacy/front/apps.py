from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontConfig(AppConfig):
    name = "efficacy.front"
    verbose_name = _("Site")

    def ready(self) -> None:
        from efficacy.front.second_factor import check_required_roles

        check_required_roles()
