"""The logistics pages, slice by slice, under the addresses of DESIGN §7.3. The namespaces are
the pages' (``referrals:deliver``), not the slices': a referral's page holds actions of the
distribution slice too."""

from django.urls import include, path

from logistics.distribution import urls as distribution
from logistics.referrals import urls as referrals

urlpatterns = [
    path("stock/", include("logistics.stock.urls")),
    path("referrals/", include(([*referrals.urlpatterns, *distribution.referral_patterns],
                                "referrals"))),
    path("pick-lists/", include((distribution.pick_list_patterns, "pick_lists"))),
    path("deliveries/", include((distribution.delivery_patterns, "deliveries"))),
    path("dashboard/", include("logistics.statistics.urls")),
]
