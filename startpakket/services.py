"""State changes on organisations and users. Views, admin and commands call these, never the ORM."""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from startpakket.models import Organisation, User
from startpakket.roles import ORGANISATION_KIND_FOR_ROLE, OrganisationKind, Role


def role_mismatch(role: Role, organisation: Organisation) -> str | None:
    """Why ``role`` cannot be given to a member of ``organisation``, or None when it can."""
    expected_kind = ORGANISATION_KIND_FOR_ROLE[Role(role)]
    if organisation.kind != expected_kind:
        return _("A %(role)s must belong to an organisation of kind %(kind)s.") % {
            "role": Role(role).label.lower(),
            "kind": OrganisationKind(expected_kind).label.lower(),
        }
    if not organisation.is_active:
        return _("This organisation is not active.")
    return None


def set_role(user: User, role: Role) -> None:
    """Make ``role`` the user's only role; coordinators also get into the admin."""
    user.groups.set([Group.objects.get(name=Role(role).value)])
    user.is_staff = role == Role.COORDINATOR
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("role", None)


def create_user(
    *,
    username: str,
    password: str,
    role: Role | str,
    organisation: Organisation,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create an active user with one role in one organisation.

    Raises ``ValidationError`` keyed by field when the username is taken, the password is weak or
    the role does not fit the organisation's kind; nothing is written then.
    """
    errors: dict[str, list[str]] = {}
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = [_("Unknown role %(role)s.") % {"role": role}]
    else:
        if message := role_mismatch(role, organisation):
            errors["organisation"] = [message]

    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
    )
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        user.set_password(password)
        user.save()
        set_role(user, role)
    return user
