from django.urls import path, register_converter

from logistics.views import stock


class SkuConverter:
    """The shape of an item's SKU (see ``sku_validator``); anything else is not a page."""

    regex = "[A-Z0-9]+(?:-[A-Z0-9]+)*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SkuConverter, "sku")

app_name = "stock"

urlpatterns = [
    path("", stock.levels, name="levels"),
    path("receive/", stock.receive, name="receive"),
    path("count/", stock.count, name="count"),
    path("transfer/", stock.transfer, name="transfer"),
    path("adjust/", stock.adjust, name="adjust"),
    path("items/<sku:sku>/", stock.item_ledger, name="item"),
]
