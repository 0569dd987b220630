"""The logistics API (DESIGN §7.2), slice by slice."""

from django.urls import include, path

urlpatterns = [
    path("", include("logistics.stock.api.urls")),
    path("", include("logistics.referrals.api.urls")),
    path("", include("logistics.distribution.api.urls")),
    path("", include("logistics.statistics.api.urls")),
]
