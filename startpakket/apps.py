from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartpakketConfig(AppConfig):
    name = "startpakket"
    verbose_name = _("Organisations and users")

    def ready(self):
        from startpakket import checks  # noqa: F401 - registers the system checks
