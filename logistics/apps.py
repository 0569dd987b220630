from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self):
        from logistics import demo
        from logistics.audit import TRACKED
        from logistics.defaults import install_defaults
        from logistics.distribution.forms import register_referral_page_forms
        from startpakket import audit, registry

        audit.track(TRACKED)
        registry.add_install_step(self.label, install_defaults)
        registry.add_demo_step(self.label, demo.load_demo)
        register_referral_page_forms()
