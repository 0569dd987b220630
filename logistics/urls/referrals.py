from django.urls import path

from logistics.urls import converters  # noqa: F401 - registers <referral_code:…>
from logistics.views import deliveries, referrals

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
    path("<referral_code:code>/edit/", referrals.edit, name="edit"),
    path("<referral_code:code>/cancel/", referrals.cancel, name="cancel"),
    path("<referral_code:code>/override/", referrals.override, name="override"),
    path("<referral_code:code>/deliver/", deliveries.deliver, name="deliver"),
    path("<referral_code:code>/delivery-failed/", deliveries.delivery_failed,
         name="delivery_failed"),
    path("<referral_code:code>/delivery-slip/", deliveries.delivery_slip, name="delivery_slip"),
]
