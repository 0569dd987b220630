from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "eligibility"
    verbose_name = _("Eligibility")

    def ready(self):
        from eligibility.audit import TRACKED
        from eligibility.defaults import install_defaults
        from startpakket import audit, registry

        audit.track(TRACKED)
        registry.add_install_step(self.label, install_defaults)
