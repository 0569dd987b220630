"""How a coordinator hears of referrals that wait for her decision (issue 15 point 4): an e-mail
for each new or corrected referral, or one a day listing them. Read and written only by
``logistics.referrals.notifications``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralMail(models.TextChoices):
    EACH = "each", _("An e-mail for each referral")
    DIGEST = "digest", _("One e-mail a day")


class ReferralMailSettings(models.Model):
    """At most one row per coordinator, and none while she keeps the default (each referral)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        primary_key=True, related_name="referral_mail_settings",
    )
    choice = models.CharField(_("e-mail about new and corrected referrals"), max_length=10,
                              choices=ReferralMail.choices, default=ReferralMail.EACH)
    # The digest lists what happened after this moment and up to the next one it sets, so that
    # a referral is in exactly one digest, whenever and however often cron runs the command.
    digest_up_to = models.DateTimeField(_("digest sent up to"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral e-mail settings")
        verbose_name_plural = _("referral e-mail settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(choice__in=ReferralMail.values),
                                   name="referral_mail_choice_valid"),
        ]

    def __str__(self):
        return str(self.user)
