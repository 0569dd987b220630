from django.urls import path

from logistics.referrals import codes  # noqa: F401 - registers <referral_code:…>
from logistics.referrals.api import views

urlpatterns = [
    path("referrals/", views.ReferralListCreateView.as_view(), name="referrals"),
    path("pickup-points/", views.PickupPointListView.as_view(), name="pickup-points"),
    path("referrals/<referral_code:code>/", views.ReferralDetailView.as_view(),
         name="referral-detail"),
    path("referrals/<referral_code:code>/approve/", views.ReferralApproveView.as_view(),
         name="referral-approve"),
    path("referrals/<referral_code:code>/reject/", views.ReferralRejectView.as_view(),
         name="referral-reject"),
    path("referrals/<referral_code:code>/ask/", views.ReferralAskView.as_view(),
         name="referral-ask"),
    path("referrals/<referral_code:code>/resubmit/", views.ReferralResubmitView.as_view(),
         name="referral-resubmit"),
    path("referrals/<referral_code:code>/cancel/", views.ReferralCancelView.as_view(),
         name="referral-cancel"),
    path("referrals/<referral_code:code>/stop/", views.ReferralStopView.as_view(),
         name="referral-stop"),
    path("referrals/<referral_code:code>/override/", views.ReferralOverrideView.as_view(),
         name="referral-override"),
]
