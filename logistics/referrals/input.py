"""A referral as the nurse's form or the API hands it over, and the rules it must meet before
it is stored (DESIGN §4). The edges only parse what was typed or sent into these types; the
service validates here, once, and refuses with field errors that both edges show at their
field."""

import datetime
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

import phonenumbers
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eligibility import rules
from logistics.models import DeliveryMethod, KitType, Language, PickupPoint, Referral
from logistics.models.referrals import MAX_BABIES
from logistics.referrals import selectors
from logistics.referrals.rules import due_date_window, normalise_postcode
from logistics.stock import selectors as stock_selectors

MAX_HOUSE_NUMBER = 99999
REQUIRED_TEXT = ("parent_first_name", "parent_last_name", "street", "city")
OPTIONAL_TEXT = ("house_number_suffix", "delivery_notes", "email")
# Texts printed on the delivery slip: invisible characters are taken out (``visible``).
PRINTED_TEXT = (*REQUIRED_TEXT, "house_number_suffix", "delivery_notes")
# A phone number that is none, in the product's words with a Dutch example: the service's rule
# below and the form's parsing (``forms.ReferralForm.phone``) say the same.
INVALID_PHONE = gettext_lazy("Enter a valid phone number, such as 06 12345678.")


@dataclass(frozen=True)
class ReferralInput:
    """A referral's fields, parsed into their types but not yet validated (``validated``)."""

    parent_first_name: str
    parent_last_name: str
    phone: phonenumbers.PhoneNumber | None
    email: str
    language: str
    street: str
    house_number: int
    house_number_suffix: str
    postcode: str
    city: str
    due_date: datetime.date
    babies: int
    kit_type: KitType
    delivery_notes: str
    consent: bool
    household: rules.Household
    incomes: tuple[rules.Income, ...]
    delivery_method: str = DeliveryMethod.DELIVERY
    pickup_point: PickupPoint | None = None


def _max_length(name: str) -> int:
    return Referral._meta.get_field(name).max_length


def visible(text: str) -> str:
    """``text`` without Unicode's format characters (category Cf): direction controls such as
    U+202E, which make "Bakker" show as "rekkaB" or put a name in front of an address, and
    zero-width characters (U+200B–U+200F, U+2060, U+FEFF), which make two names that look the
    same differ. They are stripped, not refused: the nurse cannot see them (they come along
    when a name is pasted from another program) and so could not find what to remove, and
    letters show in their own direction without them. What is stored and printed is then
    exactly what the screen shows."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _text_error(name: str, value) -> str | None:
    if not isinstance(value, str):
        return _("Enter text.")
    if name in PRINTED_TEXT:
        value = visible(value)
    if name in REQUIRED_TEXT and not value.strip():
        return _("This field is required.")
    if len(value) > _max_length(name):
        return _("At most %(max)d characters.") % {"max": _max_length(name)}
    return None


def _due_date_error(value) -> str | None:
    earliest, latest = due_date_window(timezone.localdate())
    if not isinstance(value, datetime.date):
        return _("Enter a date.")
    if value < earliest:
        return _("A baby born before %(date)s is too old for a start-kit.") % {
            "date": formats.date_format(earliest)}
    if value > latest:
        return _("The due date can be at most ten months away: %(date)s at the latest.") % {
            "date": formats.date_format(latest)}
    return None


def _phone_error(value) -> str | None:
    if value is None or not isinstance(value, phonenumbers.PhoneNumber):
        return _("Enter a phone number, such as 06 12345678.")
    if not phonenumbers.is_valid_number(value):
        return str(INVALID_PHONE)
    if value.extension:
        # Extensions belong to offices; the family is called directly, so one is a mistake.
        return _("Enter the number without an extension.")
    return None


def _field_error(name: str, value) -> str | None:
    """What is wrong with one field's value; None when it is right."""
    if name in REQUIRED_TEXT or name in OPTIONAL_TEXT:
        return _text_error(name, value)
    if name == "postcode":
        if normalise_postcode(value) is None:
            return _("Not a Dutch postcode: four digits (the first not 0) and two letters, "
                     "such as 1234 AB.")
        return None
    if name == "due_date":
        return _due_date_error(value)
    if name == "phone":
        return _phone_error(value)
    if name == "consent":
        return None if value is True else _("The parent's consent is needed to share these "
                                            "data.")
    if name == "house_number":
        if isinstance(value, bool) or not isinstance(value, int) or not (
                1 <= value <= MAX_HOUSE_NUMBER):
            return _("Enter a house number from 1 to %(max)d.") % {"max": MAX_HOUSE_NUMBER}
        return None
    if name == "babies":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_BABIES:
            return _("A kit is for 1 to %(max)d babies.") % {"max": MAX_BABIES}
        return None
    if name == "language":
        return None if value in Language.values else _("Choose a language from the list.")
    if name == "kit_type":
        if (not isinstance(value, KitType)
                or value.pk not in stock_selectors.referable_kit_type_ids()):
            return _("This kit type cannot be chosen: it is not in use, or has no contents.")
        return None
    return None


def _delivery_error(values: Mapping[str, object]) -> tuple[str, str] | None:
    """What is wrong with the delivery method and the pick-up point together, as (field,
    message): a pick-up kit needs an active point; a kit delivered or sent by post has none
    (the API refuses one rather than drop it silently; the page's form sends none then)."""
    method = values["delivery_method"]
    if method not in DeliveryMethod.values:
        return "delivery_method", _("Choose how the kit reaches the family.")
    point = values.get("pickup_point")
    if method == DeliveryMethod.PICKUP:
        if point is None:
            return "pickup_point", _("Choose the pick-up point where the family collects the "
                                     "kit.")
        if not isinstance(point, PickupPoint) or not selectors.pickup_points().filter(
                pk=point.pk).exists():
            return "pickup_point", _("This pick-up point cannot be chosen: it is closed.")
    elif point is not None:
        return "pickup_point", _("Only a kit collected at a pick-up point has a pick-up point.")
    return None


def field_errors(values: Mapping[str, object]) -> dict[str, list[str]]:
    """The rules' objections to the fields in ``values`` (a field's name → its parsed value),
    field by field. A page whose form is incomplete asks this for the fields it could parse, so
    that the nurse sees every mistake at once."""
    errors = {}
    for name, value in values.items():
        if (message := _field_error(name, value)) is not None:
            errors[name] = [message]
    if "delivery_method" in values and (error := _delivery_error(values)) is not None:
        errors[error[0]] = [error[1]]
    return errors


def validated(data: ReferralInput) -> tuple[ReferralInput, dict[str, list[str]]]:
    """``data`` normalised (postcode as ``1234 AB``, e-mail trimmed and in lower case, texts
    trimmed and without invisible characters), and the objections to it. The household and
    incomes are the eligibility rules' to judge (``services.assess``)."""
    values = {name: getattr(data, name) for name in (*REQUIRED_TEXT, *OPTIONAL_TEXT, "postcode",
                                                     "due_date", "phone", "consent",
                                                     "house_number", "babies", "language",
                                                     "kit_type", "delivery_method",
                                                     "pickup_point")}
    errors = field_errors(values)
    if errors:
        return data, errors
    return replace(
        data,
        postcode=normalise_postcode(data.postcode),
        email=data.email.strip().lower(),
        **{name: visible(getattr(data, name)).strip() for name in PRINTED_TEXT},
    ), {}
