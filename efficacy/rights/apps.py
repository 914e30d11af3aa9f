from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "efficacy.rights"
    verbose_name = _("Data rights")

    def ready(self) -> None:
        # The built-in collectors and purgers, then each app's own (``rights_collectors``
        # modules), so an app that holds data about people says so where the data lives.
        from efficacy.rights import collectors, retention  # noqa: F401

        autodiscover_modules("rights_collectors")
