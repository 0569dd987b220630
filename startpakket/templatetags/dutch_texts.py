"""``{{ item.name|in_dutch }}``: a text kept in Dutch only, marked as Dutch on a page in another
language (``startpakket.dutch_texts``)."""

from django import template

from startpakket import dutch_texts

register = template.Library()
register.filter("in_dutch", dutch_texts.in_dutch)
