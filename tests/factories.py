import factory
from django.contrib.auth.models import Group

from logistics.models import (
    Item,
    KitComponent,
    KitType,
    OrganisationSettings,
    PickupPoint,
    Warehouse,
)
from startpakket.models import Organisation, User
from startpakket.roles import ORGANISATION_KIND_FOR_ROLE, OrganisationKind, Role

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.REFERRER

    class Params:
        referrer = factory.Trait(kind=OrganisationKind.REFERRER)
        warehouse = factory.Trait(kind=OrganisationKind.WAREHOUSE)
        foundation = factory.Trait(kind=OrganisationKind.FOUNDATION)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role; the organisation is made to fit the role unless one is given."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role = Role.REFERRER

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    organisation = factory.LazyAttribute(
        lambda o: OrganisationFactory(kind=ORGANISATION_KIND_FOR_ROLE[Role(o.role)])
    )
    is_staff = factory.LazyAttribute(lambda o: o.role == Role.COORDINATOR)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        """The role group that fits the organisation; ``groups=[]`` makes a user without role."""
        if not create:
            return
        if extracted is not None:
            obj.groups.set(extracted)
            return
        role = ROLE_FOR_ORGANISATION_KIND[obj.organisation.kind]
        obj.groups.add(Group.objects.get(name=role.value))


ROLE_FOR_ORGANISATION_KIND = {kind: role for role, kind in ORGANISATION_KIND_FOR_ROLE.items()}


class WarehouseFactory(OrganisationFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"magazijn-{n}")
    name = factory.Sequence(lambda n: f"Magazijn {n}")
    kind = OrganisationKind.WAREHOUSE


class OrganisationSettingsFactory(factory.django.DjangoModelFactory):
    """What logistics keeps about an organisation: ``default_warehouse=…`` for a referring
    organisation, ``contact_line=…`` for the foundation."""

    class Meta:
        model = OrganisationSettings

    organisation = factory.SubFactory(OrganisationFactory)


class PickupPointFactory(factory.django.DjangoModelFactory):
    """A pick-up point of a warehouse (a new one unless ``warehouse=…``)."""

    class Meta:
        model = PickupPoint
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"afhaalpunt-{n}")
    warehouse = factory.SubFactory(WarehouseFactory)
    name = factory.Sequence(lambda n: f"Bibliotheek {n}")
    address = "Zamenhofdreef 1"
    postcode = "3562 JT"
    city = "Utrecht"
    opening_hours = "ma–vr 10:00–18:00"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item
        django_get_or_create = ["sku"]

    sku = factory.Sequence(lambda n: f"ITEM-{n}")
    name = factory.Sequence(lambda n: f"Artikel {n}")
    low_stock_level = 0


class KitTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KitType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"kit-{n}")
    name = factory.Sequence(lambda n: f"Pakket {n}")


class KitComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KitComponent

    kit_type = factory.SubFactory(KitTypeFactory)
    item = factory.SubFactory(ItemFactory)
    quantity = 1
    per_baby = False


def kit_with(components, **kwargs) -> KitType:
    """``kit_with([(item, 3), (other, 1, True)])``: a kit type with those lines; ``True``
    marks a line per baby."""
    kit_type = KitTypeFactory(**kwargs)
    for item, quantity, *per_baby in components:
        KitComponentFactory(kit_type=kit_type, item=item, quantity=quantity,
                            per_baby=bool(per_baby and per_baby[0]))
    return kit_type


def referral_input(**overrides):
    """A valid ``ReferralInput``: a single parent of 30 with a low wage, due in four months."""
    import datetime
    from decimal import Decimal

    import phonenumbers

    from eligibility import rules
    from logistics.referrals.services import ReferralInput

    values = {
        "parent_first_name": "Samira",
        "parent_last_name": "Bakker",
        "phone": phonenumbers.parse("0612345678", "NL"),
        "email": "",
        "language": "nl",
        "street": "Dorpsstraat",
        "house_number": 12,
        "house_number_suffix": "",
        "postcode": "3511 AB",
        "city": "Utrecht",
        "due_date": datetime.date.today() + datetime.timedelta(days=120),
        "babies": 1,
        "kit_type": None,
        "delivery_notes": "",
        "consent": True,
        "household": rules.Household(applicant_age=30, has_partner=False, children=0),
        "incomes": (rules.Income("wages", Decimal("1200.00")),),
    }
    values.update(overrides)
    if values["kit_type"] is None:
        values["kit_type"] = KitType.objects.get(code="start-50-68")
    return ReferralInput(**values)


def make_referral(user=None, **overrides):
    """A submitted referral, made the way a nurse makes one: through the service."""
    from logistics.referrals.services import submit_referral

    return submit_referral(user=user or UserFactory(role=Role.REFERRER),
                           data=referral_input(**overrides))


def stock_for_kits(warehouse, kits: int, kit_code: str = "start-50-68", user=None):
    """Receive exactly enough for ``kits`` single-baby kits of that type."""
    from logistics.stock import services as stock

    kit_type = KitType.objects.get(code=kit_code)
    stock.receive(warehouse=warehouse, lines=stock.kit_requirements(kit_type, kits=kits),
                  user=user or UserFactory(role=Role.COORDINATOR))
