from django.urls import path

from logistics.views import deliveries

app_name = "deliveries"

urlpatterns = [
    path("", deliveries.find, name="find"),
]
