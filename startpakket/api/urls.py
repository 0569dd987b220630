"""Version 1 of the API (DESIGN §7.2). Apps add their routes here with ``include``."""

from django.urls import include, path

from startpakket.api.views import MeView

app_name = "api"

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("", include("eligibility.api.urls")),
    path("", include("logistics.api_urls")),
]
