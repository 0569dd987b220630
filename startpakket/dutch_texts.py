"""Texts the organisation keeps in Dutch only (an item's name), on a page in another language:
marked as Dutch, so that a screen reader reads them with a Dutch voice instead of spelling a
"Rompertje" out in English (WCAG 3.1.2, the language of parts). In a template the filter
``in_dutch`` (``startpakket/templatetags/dutch_texts.py``), in a form the select
``DutchOptions``."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import get_language


def page_is_dutch() -> bool:
    return (get_language() or "nl").split("-")[0] == "nl"


def in_dutch(text):
    """``text`` as it is on a Dutch page; elsewhere in ``<span lang="nl">``, escaped."""
    if page_is_dutch():
        return text
    return format_html('<span lang="nl">{}</span>', text)


class DutchOptions(forms.Select):
    """A select of things named in Dutch only: on a page in another language each option but the
    empty one is marked ``lang="nl"``."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["value"] not in ("", None) and not page_is_dutch():
            option["attrs"]["lang"] = "nl"
        return option
