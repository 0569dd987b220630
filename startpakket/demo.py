"""Demo organisations and users for ``make demo`` (DESIGN §7.1). Never used outside demo mode.
The apps add their demo data for these users (``startpakket.registry.add_demo_step``)."""

from django.db import transaction

from startpakket.models import Organisation, User
from startpakket.roles import OrganisationKind, Role
from startpakket.services import create_user

DEMO_PASSWORD = "startpakket-demo"  # noqa: S105 - published in the README, demo mode only

DEMO_ORGANISATIONS = [
    ("stichting-demo", "Stichting Startpakket Demo", OrganisationKind.FOUNDATION),
    ("jgz-demo", "JGZ Demo", OrganisationKind.REFERRER),
    ("magazijn-demo", "Magazijn Demo", OrganisationKind.WAREHOUSE),
]

DEMO_USERS = [
    ("verpleegkundige", Role.REFERRER, "jgz-demo", "Anne", "de Vries"),
    ("magazijn", Role.WAREHOUSE, "magazijn-demo", "Kees", "Jansen"),
    ("coordinator", Role.COORDINATOR, "stichting-demo", "Fatima", "El Amrani"),
]


@transaction.atomic
def load_demo_data() -> list[User]:
    """The demo users, one per role, in their organisations. Create what is missing; leave
    what exists (a re-run keeps the data people entered)."""
    organisations = {}
    for code, name, kind in DEMO_ORGANISATIONS:
        organisations[code], _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )
    users = []
    for username, role, organisation_code, first_name, last_name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                organisation=organisations[organisation_code],
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@example.org",
            )
        users.append(user)
    return users
