from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self):
        from logistics.distribution.forms import register_referral_page_forms
        from startpakket import audit

        audit.register_models(self.label)
        register_referral_page_forms()
