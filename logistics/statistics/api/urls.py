from django.urls import path

from logistics.statistics.api import views

urlpatterns = [
    path("stats/distribution/", views.DistributionView.as_view(), name="stats-distribution"),
    path("stats/referrals/", views.ResearchExportView.as_view(), name="stats-referrals"),
]
