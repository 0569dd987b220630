from django.urls import path

from logistics.stock.api import views

urlpatterns = [
    path("kit-types/", views.KitTypeListView.as_view(), name="kit-types"),
    path("stock/", views.StockListView.as_view(), name="stock"),
    path("stock/receipts/", views.ReceiptCreateView.as_view(), name="stock-receipts"),
]
