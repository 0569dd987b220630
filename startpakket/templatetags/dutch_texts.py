"""Texts the organisation keeps in Dutch only (an item's name), on a page in another language:
marked as Dutch, so that a screen reader reads them with a Dutch voice instead of spelling a
"Rompertje" out in English (WCAG 3.1.2, the language of parts)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.filter
def in_dutch(text):
    """``{{ item.name|in_dutch }}``: as it is on a Dutch page; elsewhere in
    ``<span lang="nl">``, escaped."""
    if (get_language() or "nl").split("-")[0] == "nl":
        return text
    return format_html('<span lang="nl">{}</span>', text)
