from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self):
        from logistics import demo, home
        from logistics.audit import TRACKED
        from logistics.defaults import install_defaults
        from logistics.distribution.forms import register_referral_page_forms
        from logistics.models import Item, KitComponent, KitType, Municipality, PostcodeRange
        from logistics.referrals import changes
        from logistics.referrals.forms import referral_mail_form
        from logistics.referrals.views import offer_referral_after_check
        from logistics.statistics import kept_figures, tally
        from startpakket import audit, reference_data, registry
        from startpakket.models import Organisation

        audit.track(TRACKED)
        registry.add_install_step(self.label, install_defaults)
        registry.add_demo_step(self.label, demo.load_demo)
        registry.add_demo_summary(self.label, demo.summary)
        registry.add_settings_form(self.label, referral_mail_form)
        registry.add_home_panels(self.label, home.panels)
        register_referral_page_forms()
        offer_referral_after_check()
        # Every referral asks which kit types may be chosen (stock.selectors).
        reference_data.rebuilt_on_change(KitType, KitComponent)
        # ...and in which municipality its postcode lies (referrals.selectors.municipality_of).
        reference_data.rebuilt_on_change(PostcodeRange, Municipality)
        # The statistics keep their counts as the referrals change.
        changes.when_changed("statistics", tally.recount, made=tally.count_made)
        # The dashboard's figures kept between requests show these rows' names.
        kept_figures.names_from(Organisation, KitType, Municipality, Item)
