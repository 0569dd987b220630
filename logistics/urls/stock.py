from django.urls import path

from logistics.urls import converters  # noqa: F401 - registers <sku:…>
from logistics.views import stock

app_name = "stock"

urlpatterns = [
    path("", stock.levels, name="levels"),
    path("receive/", stock.receive, name="receive"),
    path("count/", stock.count, name="count"),
    path("transfer/", stock.transfer, name="transfer"),
    path("adjust/", stock.adjust, name="adjust"),
    path("items/<sku:sku>/", stock.item_ledger, name="item"),
]
