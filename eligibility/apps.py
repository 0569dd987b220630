from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "eligibility"
    verbose_name = _("Eligibility")

    def ready(self):
        from startpakket import audit

        audit.register_models(self.label)
