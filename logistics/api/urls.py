from django.urls import path

from logistics.api import referral_views, views

urlpatterns = [
    path("kit-types/", views.KitTypeListView.as_view(), name="kit-types"),
    path("stock/", views.StockListView.as_view(), name="stock"),
    path("stock/receipts/", views.ReceiptCreateView.as_view(), name="stock-receipts"),
    path("referrals/", referral_views.ReferralListCreateView.as_view(), name="referrals"),
    path("referrals/<str:code>/", referral_views.ReferralDetailView.as_view(),
         name="referral-detail"),
    path("referrals/<str:code>/approve/", referral_views.ReferralApproveView.as_view(),
         name="referral-approve"),
    path("referrals/<str:code>/reject/", referral_views.ReferralRejectView.as_view(),
         name="referral-reject"),
    path("referrals/<str:code>/ask/", referral_views.ReferralAskView.as_view(),
         name="referral-ask"),
    path("referrals/<str:code>/resubmit/", referral_views.ReferralResubmitView.as_view(),
         name="referral-resubmit"),
    path("referrals/<str:code>/cancel/", referral_views.ReferralCancelView.as_view(),
         name="referral-cancel"),
    path("referrals/<str:code>/override/", referral_views.ReferralOverrideView.as_view(),
         name="referral-override"),
]
