"""Which four-digit postcodes a municipality covers (DESIGN §6): written as text a coordinator
types or keeps in a spreadsheet (``3500-3585, 3600``), stored as ranges that never overlap, so a
postcode has one municipality or none ("unknown")."""

import re
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from logistics.models import Municipality, PostcodeRange
from logistics.models.municipalities import FIRST_POSTCODE, LAST_POSTCODE
from startpakket import reference_data

_RANGE = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


def parse_ranges(text: str) -> list[tuple[int, int]]:
    """``"3500-3585, 3600; 3611"`` → ``[(3500, 3585), (3600, 3600), (3611, 3611)]``, in order.
    ``ValidationError`` naming the part that is not a postcode or a range of them."""
    ranges = []
    for part in re.split(r"[,;\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        match = _RANGE.match(part)
        first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
        if not match or not FIRST_POSTCODE <= first <= last <= LAST_POSTCODE:
            raise ValidationError(
                _("“%(part)s” is not four digits (1000–9999) or a range such as 3500-3585.")
                % {"part": part})
        ranges.append((first, last))
    return sorted(ranges)


def format_ranges(ranges) -> str:
    return ", ".join(f"{first}" if first == last else f"{first}-{last}"
                     for first, last in sorted(ranges))


def overlap_errors(municipality: Municipality | None,
                   ranges: list[tuple[int, int]]) -> list[str]:
    """What overlaps: two of ``ranges`` with each other, or one with another municipality's."""
    errors = []
    for (first, last), (next_first, next_last) in pairwise(ranges):
        if next_first <= last:
            errors.append(_("%(a)s and %(b)s overlap.") % {
                "a": format_ranges([(first, last)]), "b": format_ranges([(next_first, next_last)])})
    others = PostcodeRange.objects.select_related("municipality")
    if municipality is not None and municipality.pk is not None:
        others = others.exclude(municipality=municipality)
    touching = Q()
    for first, last in ranges:
        touching |= Q(first__lte=last, last__gte=first)
    # One query for all the ranges, whatever their number (an import checks every row).
    found = list(others.filter(touching)) if ranges else []
    for first, last in ranges:
        for other in (o for o in found if o.first <= last and o.last >= first):
            errors.append(_("%(range)s overlaps %(other)s of %(municipality)s.") % {
                "range": format_ranges([(first, last)]),
                "other": format_ranges([(other.first, other.last)]),
                "municipality": other.municipality.name})
    return errors


@transaction.atomic
def set_postcode_ranges(municipality: Municipality, ranges: list[tuple[int, int]]) -> None:
    """Replace the municipality's ranges; ``ValidationError`` (nothing written) on an overlap.
    Referrals follow with ``manage.py derive_municipalities``."""
    errors = overlap_errors(municipality, sorted(ranges))
    if errors:
        raise ValidationError(errors)
    municipality.postcode_ranges.all().delete()
    PostcodeRange.objects.bulk_create(
        PostcodeRange(municipality=municipality, first=first, last=last)
        for first, last in sorted(ranges))
    # Every process keeps the ranges for new referrals; bulk_create tells nobody.
    reference_data.changed()
