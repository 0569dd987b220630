"""The statistics pages: ``/dashboard/`` and its PDF report."""

from django.urls import path

from logistics.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report.pdf", views.report_pdf, name="report"),
]
