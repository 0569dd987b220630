from django.urls import path

from logistics.distribution.api import views
from logistics.referrals import codes  # noqa: F401 - registers <referral_code:…>

urlpatterns = [
    path("referrals/<referral_code:code>/deliver/", views.ReferralDeliverView.as_view(),
         name="referral-deliver"),
    path("referrals/<referral_code:code>/delivery-failed/",
         views.ReferralDeliveryFailedView.as_view(), name="referral-delivery-failed"),
    path("referrals/<referral_code:code>/delivery-slip/",
         views.ReferralSlipView.as_view(), name="referral-delivery-slip"),
    path("referrals/<referral_code:code>/collected/", views.ReferralCollectedView.as_view(),
         name="referral-collected"),
    path("referrals/<referral_code:code>/not-collected/",
         views.ReferralNotCollectedView.as_view(), name="referral-not-collected"),
    path("referrals/<referral_code:code>/shipped/", views.ReferralShippedView.as_view(),
         name="referral-shipped"),
    path("referrals/<referral_code:code>/pickup-note/", views.ReferralPickupNoteView.as_view(),
         name="referral-pickup-note"),
    path("referrals/<referral_code:code>/address-label/", views.ReferralLabelView.as_view(),
         name="referral-address-label"),
    path("pick-lists/", views.PickListListCreateView.as_view(), name="pick-lists"),
    path("pick-lists/<int:id>/", views.PickListDetailView.as_view(), name="pick-list-detail"),
    path("pick-lists/<int:id>/packed/", views.PickListPackView.as_view(),
         name="pick-list-packed"),
    path("pick-lists/<int:id>/take-off/", views.PickListTakeOffView.as_view(),
         name="pick-list-take-off"),
    path("pick-lists/<int:id>/pdf/", views.PickListPdfView.as_view(), name="pick-list-pdf"),
    path("pick-lists/<int:id>/delivery-slips/", views.PickListSlipsView.as_view(),
         name="pick-list-delivery-slips"),
    path("pick-lists/<int:id>/route-sheet/", views.PickListRouteSheetView.as_view(),
         name="pick-list-route-sheet"),
    path("pick-lists/<int:id>/pickup-notes/", views.PickListPickupNotesView.as_view(),
         name="pick-list-pickup-notes"),
    path("pick-lists/<int:id>/address-labels/", views.PickListLabelsView.as_view(),
         name="pick-list-address-labels"),
]
