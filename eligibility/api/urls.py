from django.urls import path

from eligibility.api.views import EligibilityCheckView

urlpatterns = [
    path("eligibility/check/", EligibilityCheckView.as_view(), name="eligibility-check"),
]
