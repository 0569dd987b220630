"""The referral code (``BSP-2026-00042``): what volunteers see instead of a family's name
(DESIGN §4). Its shape is defined here once: how a code is made, how a URL matches one, and
how one is read back however it was typed or scanned."""

import re

from django.urls import register_converter

PREFIX = "BSP"
DIGITS = 5  # numbers are padded to five digits; a year with more referrals gets longer codes

# A code as stored and as it appears in URLs.
PATTERN = rf"{PREFIX}-[0-9]{{4}}-[0-9]{{{DIGITS},}}"
# A code however it arrives: typed in lower case, with spaces for hyphens, or read by a
# phone's camera from the slip's QR code into a field, in the middle of other text.
_LENIENT = re.compile(rf"{PREFIX}[\s-]*([0-9]{{4}})[\s-]*([0-9]{{{DIGITS},}})", re.IGNORECASE)


def format_code(year: int, number: int) -> str:
    """``(2026, 42)`` → ``"BSP-2026-00042"``."""
    return f"{PREFIX}-{year}-{number:0{DIGITS}d}"



def parse_code(text: str) -> str | None:
    """``"bsp 2026 00042"`` → ``"BSP-2026-00042"``; None when no code is in ``text``."""
    match = _LENIENT.search(text or "")
    return format_code(int(match[1]), int(match[2])) if match else None


class ReferralCodeConverter:
    """``<referral_code:code>`` in URLs: anything not shaped like a code is simply no page
    (404), before it reaches the database."""

    regex = PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferralCodeConverter, "referral_code")
