from django.urls import path

from logistics.api import referral_views, views
from logistics.urls import converters  # noqa: F401 - registers <referral_code:…>

urlpatterns = [
    path("kit-types/", views.KitTypeListView.as_view(), name="kit-types"),
    path("stock/", views.StockListView.as_view(), name="stock"),
    path("stock/receipts/", views.ReceiptCreateView.as_view(), name="stock-receipts"),
    path("referrals/", referral_views.ReferralListCreateView.as_view(), name="referrals"),
    path("referrals/<referral_code:code>/", referral_views.ReferralDetailView.as_view(),
         name="referral-detail"),
    path("referrals/<referral_code:code>/approve/", referral_views.ReferralApproveView.as_view(),
         name="referral-approve"),
    path("referrals/<referral_code:code>/reject/", referral_views.ReferralRejectView.as_view(),
         name="referral-reject"),
    path("referrals/<referral_code:code>/ask/", referral_views.ReferralAskView.as_view(),
         name="referral-ask"),
    path("referrals/<referral_code:code>/resubmit/", referral_views.ReferralResubmitView.as_view(),
         name="referral-resubmit"),
    path("referrals/<referral_code:code>/cancel/", referral_views.ReferralCancelView.as_view(),
         name="referral-cancel"),
    path("referrals/<referral_code:code>/override/", referral_views.ReferralOverrideView.as_view(),
         name="referral-override"),
]
