"""The distribution pages: pick lists, the delivery page, and the delivery actions and slip of
one referral (mounted under ``/referrals/`` by ``logistics.urls``)."""

from django.urls import path

from logistics.distribution import views
from logistics.referrals import codes  # noqa: F401 - registers <referral_code:…>

pick_list_patterns = [
    path("", views.pick_list_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/packed/", views.pack, name="pack"),
    path("<int:pk>/take-off/", views.take_off, name="take_off"),
    path("<int:pk>/pdf/", views.pick_list_pdf, name="pdf"),
    path("<int:pk>/delivery-slips/", views.delivery_slips, name="delivery_slips"),
    path("<int:pk>/route-sheet/", views.route_sheet, name="route_sheet"),
    path("<int:pk>/pickup-notes/", views.pickup_notes, name="pickup_notes"),
    path("<int:pk>/address-labels/", views.address_labels, name="address_labels"),
]

delivery_patterns = [
    path("", views.find, name="find"),
    # What a slip's QR code opens.
    path("<referral_code:code>/", views.kit, name="kit"),
]

referral_patterns = [
    path("<referral_code:code>/deliver/", views.deliver, name="deliver"),
    path("<referral_code:code>/delivery-failed/", views.delivery_failed, name="delivery_failed"),
    path("<referral_code:code>/delivery-slip/", views.delivery_slip, name="delivery_slip"),
    path("<referral_code:code>/collected/", views.collected, name="collected"),
    path("<referral_code:code>/not-collected/", views.not_collected, name="not_collected"),
    path("<referral_code:code>/shipped/", views.shipped, name="shipped"),
    path("<referral_code:code>/pickup-note/", views.pickup_note, name="pickup_note"),
    path("<referral_code:code>/address-label/", views.address_label, name="address_label"),
]
