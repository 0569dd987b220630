"""Third-party apps in this project's words: what a coordinator reads of them in the admin.

django-otp names its apps by their labels ("OTP_TOTP") and its models in plain English, without
gettext; INSTALLED_APPS therefore lists the configs below instead of django-otp's own. auditlog
and django-import-export mark their texts for translation but ship no Dutch (or a wrong one):
``TRANSLATED_TEXTS`` lists those texts so that makemessages keeps them in this project's
catalogue, which Django reads before any app's."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig


def name_model(model, singular, plural) -> None:
    """Give a third-party model translatable names. Only what pages show changes: migrations
    read the options as its ``Meta`` declared them (``_meta.original_attrs``), so none follows."""
    model._meta.verbose_name = singular
    model._meta.verbose_name_plural = plural


class AuthenticatorAppsConfig(OTPTOTPConfig):
    verbose_name = _("Authenticator apps")

    def ready(self):
        super().ready()
        name_model(self.get_model("TOTPDevice"), _("authenticator app"), _("authenticator apps"))


class BackupCodesConfig(OTPStaticConfig):
    verbose_name = _("Backup codes")

    def ready(self):
        super().ready()
        name_model(self.get_model("StaticDevice"), _("set of backup codes"),
                   _("sets of backup codes"))


TRANSLATED_TEXTS = [
    # auditlog: the audit trail's app, columns, filters, fields and its table of changes.
    gettext_noop("Audit log"),
    gettext_noop("Created"),
    gettext_noop("Resource"),
    gettext_noop("Resource Type"),
    gettext_noop("Changes"),
    gettext_noop("Correlation ID"),
    gettext_noop("Click to filter by records with this correlation id"),
    gettext_noop("action"),
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    gettext_noop("system"),
    gettext_noop("Field"),
    gettext_noop("From"),
    gettext_noop("To"),
    gettext_noop("Relationship"),
    gettext_noop("Objects"),
    gettext_noop("No field changes"),
]
