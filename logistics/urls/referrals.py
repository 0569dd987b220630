from django.urls import path, register_converter

from logistics.views import referrals


class ReferralCodeConverter:
    """The shape of a referral's code, e.g. BSP-2026-00042; anything else is not a page."""

    regex = "[A-Z]+-[0-9]{4}-[0-9]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferralCodeConverter, "referral_code")

app_name = "referrals"

urlpatterns = [
    path("", referrals.referral_list, name="list"),
    path("new/", referrals.new, name="new"),
    path("queue/", referrals.queue, name="queue"),
    path("<referral_code:code>/", referrals.detail, name="detail"),
    path("<referral_code:code>/approve/", referrals.approve, name="approve"),
    path("<referral_code:code>/reject/", referrals.reject, name="reject"),
    path("<referral_code:code>/ask/", referrals.ask, name="ask"),
    path("<referral_code:code>/resubmit/", referrals.resubmit, name="resubmit"),
    path("<referral_code:code>/cancel/", referrals.cancel, name="cancel"),
    path("<referral_code:code>/override/", referrals.override, name="override"),
]
