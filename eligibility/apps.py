from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "eligibility"
    verbose_name = _("Eligibility")

    def ready(self):
        from eligibility.audit import TRACKED
        from eligibility.defaults import install_defaults
        from eligibility.models import NormRow, NormTable, Policy
        from startpakket import audit, reference_data, registry

        audit.track(TRACKED)
        # The checks keep these in each process (eligibility.services).
        reference_data.rebuilt_on_change(NormTable, NormRow, Policy)
        registry.add_install_step(self.label, install_defaults)
