"""The referral pages. The delivery actions on a referral's page (``…/deliver/``) are the
distribution slice's: ``logistics.urls`` adds them to this namespace."""

from django.urls import path

from logistics.referrals import (
    codes,  # noqa: F401 - registers <referral_code:…>
    views,
)

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("<referral_code:code>/", views.detail, name="detail"),
    path("<referral_code:code>/approve/", views.approve, name="approve"),
    path("<referral_code:code>/reject/", views.reject, name="reject"),
    path("<referral_code:code>/ask/", views.ask, name="ask"),
    path("<referral_code:code>/resubmit/", views.resubmit, name="resubmit"),
    path("<referral_code:code>/edit/", views.edit, name="edit"),
    path("<referral_code:code>/cancel/", views.cancel, name="cancel"),
    path("<referral_code:code>/stop/", views.stop, name="stop"),
    path("<referral_code:code>/override/", views.override, name="override"),
]
