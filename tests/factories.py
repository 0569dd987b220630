import factory
from django.contrib.auth.models import Group

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
