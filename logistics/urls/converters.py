"""Path converters for the natural codes in URLs: anything not shaped like one is simply no page
(404), before it reaches the database."""

from django.urls import register_converter


class CodeConverter:
    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SkuConverter(CodeConverter):
    """An item's SKU (see ``sku_validator``), e.g. ROMPER-50-56."""

    regex = "[A-Z0-9]+(?:-[A-Z0-9]+)*"


class ReferralCodeConverter(CodeConverter):
    """A referral's code, e.g. BSP-2026-00042."""

    regex = "[A-Z]+-[0-9]{4}-[0-9]+"


register_converter(SkuConverter, "sku")
register_converter(ReferralCodeConverter, "referral_code")
