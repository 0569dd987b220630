from django.urls import path, register_converter

from logistics.stock import views


class SkuConverter:
    """``<sku:sku>``: an item's SKU (``models.stock.sku_validator``), e.g. ROMPER-50-56;
    anything else is no page (404) before it reaches the database."""

    regex = "[A-Z0-9]+(?:-[A-Z0-9]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SkuConverter, "sku")

app_name = "stock"

urlpatterns = [
    path("", views.levels, name="levels"),
    path("receive/", views.receive, name="receive"),
    path("count/", views.count, name="count"),
    path("transfer/", views.transfer, name="transfer"),
    path("adjust/", views.adjust, name="adjust"),
    path("items/<sku:sku>/", views.item_ledger, name="item"),
]
