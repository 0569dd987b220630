"""State changes on organisations and users. Views, admin and commands call these, never the ORM."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from startpakket.audit import REDACTED, record_changed
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


# Who may do what to whose account (issue 13): a staff user (a coordinator) may manage only
# accounts that are not superusers and, when they are staff too, have no permission she lacks;
# and she may hand out only rights she has. Otherwise a coordinator could set a superuser's
# password and log in as her. Accounts outside the admin (referrers, warehouse volunteers) hold
# their role's permissions, which are no admin rights: a coordinator gives and manages those
# roles. A superuser may do everything.


def _permissions(user: User) -> models.QuerySet:
    """The user's permissions, direct and through groups; unlike ``get_all_permissions`` also
    for an inactive account, which could be reactivated."""
    return Permission.objects.filter(
        models.Q(user=user) | models.Q(group__user=user)).distinct()


def outranks(user: User, actor: User) -> bool:
    """Whether ``user`` is a superuser, or a staff account with a right ``actor`` lacks."""
    if actor.is_superuser:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False
    return not actor.is_staff or _permissions(user).exclude(
        pk__in=_permissions(actor).values("pk")).exists()


def may_manage_user(actor: User, user: User) -> bool:
    """Whether ``actor`` may change, deactivate, delete or set the password of ``user``."""
    return actor.is_superuser or (actor.is_staff and not outranks(user, actor))


def check_may_manage_user(actor: User, user: User) -> None:
    if not may_manage_user(actor, user):
        raise PermissionDenied(_("Only a superuser may change this account."))


def manageable_users(actor: User, users: models.QuerySet | None = None) -> models.QuerySet:
    """``users`` (all by default) narrowed to those ``actor`` may manage: the admin's lists,
    forms, bulk actions and password page are built on this."""
    users = User.objects.all() if users is None else users
    if actor.is_superuser:
        return users
    if not actor.is_staff:
        return users.none()
    beyond = Permission.objects.exclude(pk__in=_permissions(actor).values("pk"))
    return users.filter(is_superuser=False).exclude(pk__in=User.objects.filter(
        models.Q(user_permissions__in=beyond) | models.Q(groups__permissions__in=beyond),
        is_staff=True,
    ).values("pk"))


def grant_errors(actor: User, *, is_superuser: bool = False, is_staff: bool = False,
                 groups: Iterable[Group] = (), permissions: Iterable[Permission] = ()
                 ) -> dict[str, list[str]]:
    """What of the given rights ``actor`` may not hand out, keyed by field: an account is left
    with ``is_superuser``, ``is_staff``, ``groups`` and ``permissions``. A role's group is a
    right she may give unless it makes a staff account with more rights than her own."""
    if actor.is_superuser:
        return {}
    errors: dict[str, list[str]] = {}
    beyond = _("Only a superuser may give rights that you do not have yourself.")
    if is_superuser:
        errors["is_superuser"] = [_("Only a superuser may make someone a superuser.")]
    if is_staff and not actor.is_staff:
        errors["is_staff"] = [beyond]
    own = set(_permissions(actor).values_list("pk", flat=True))
    groups = list(groups)
    checked = groups if is_staff else [g for g in groups if g.name not in Role.values]
    if Permission.objects.filter(group__in=checked).exclude(pk__in=own).exists():
        errors["groups"] = [beyond]
    if {permission.pk for permission in permissions} - own:
        errors["user_permissions"] = [beyond]
    return errors


def check_update(actor: User, user: User, *, role: Role | None = None,
                 is_superuser: bool = False, is_staff: bool = False,
                 groups: Iterable[Group] = (), permissions: Iterable[Permission] = ()) -> None:
    """Refuse a change of ``user`` (as stored before it) by ``actor`` leaving it with the given
    rights: ``PermissionDenied`` for an account she may not manage, ``ValidationError`` by
    field for a right she may not give."""
    check_may_manage_user(actor, user)
    groups = list(groups)
    if role is not None:
        groups.append(Group.objects.get(name=Role(role).value))
        is_staff = is_staff or Role(role) == Role.COORDINATOR
    errors = grant_errors(actor, is_superuser=is_superuser, is_staff=is_staff, groups=groups,
                          permissions=permissions)
    if "groups" in errors and role is not None:
        errors["role"] = errors.pop("groups")
    if errors:
        raise ValidationError(errors)


def set_role(user: User, role: Role, *, actor: User | None = None) -> None:
    """Make ``role`` the user's only role; coordinators also get into the admin. With an
    ``actor`` (a person, not a command), only a role within her own rights; a change of role
    is written to the audit trail by name, besides auditlog's entry for the groups."""
    before = user.role
    if actor is not None:
        check_update(actor, user, role=role)
    with transaction.atomic():
        user.groups.set([Group.objects.get(name=Role(role).value)])
        user.is_staff = role == Role.COORDINATOR
        user.save(update_fields=["is_staff"])
        user.__dict__.pop("role", None)
        user.__dict__.pop("group_list", None)
        if before is not None and before != Role(role):
            record_changed(user, user=actor, changes={"role": (before.value, Role(role).value)})


def set_password(*, actor: User, user: User, password: str | None) -> None:
    """Set (or, with ``None``, disable) ``user``'s password for her, and write that to the
    audit trail, without the value. Raises ``PermissionDenied`` when ``actor`` may not manage
    ``user`` and ``ValidationError`` for a weak password."""
    check_may_manage_user(actor, user)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        record_changed(user, user=actor, changes={"password": (REDACTED, REDACTED)})


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
