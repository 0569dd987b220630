"""No way from coordinator to superuser (issue 13, point 1): a coordinator manages only accounts
without rights she lacks, and hands out only rights she has, through every door of the user
admin; every password, role and activation change is in the audit trail."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from startpakket import services
from startpakket.models import EnrolmentLink, User
from startpakket.roles import Role
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = "/admin/startpakket/user/"
NEW_PASSWORD = "another-long-passphrase-42"


@pytest.fixture
def coordinator_admin(verified_coordinator_client):
    """A real coordinator in the admin: password, then the second step."""
    assert verified_coordinator_client.get(USERS).status_code == 200
    return verified_coordinator_client


@pytest.fixture
def superuser(db):
    return UserFactory(role=Role.COORDINATOR, is_superuser=True, username="root")


@pytest.fixture
def mighty(db):
    """Staff with a right coordinators lack (deleting users)."""
    user = UserFactory(role=Role.COORDINATOR, username="mighty")
    user.user_permissions.add(Permission.objects.get(codename="delete_user"))
    return user


def change_data(user, **extra):
    return {"username": user.username, "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email,
            "organisation": user.organisation_id, "role": user.role.value,
            "language": user.language, "is_active": "on", **extra}


def test_the_list_shows_only_accounts_she_may_manage(coordinator_admin, superuser, mighty):
    referrer = UserFactory(username="referrer-anne")
    peer = UserFactory(role=Role.COORDINATOR, username="peer-coordinator")
    page = coordinator_admin.get(USERS).content.decode()
    assert referrer.username in page and peer.username in page
    assert f"{USERS}{superuser.pk}/change/" not in page
    assert f"{USERS}{mighty.pk}/change/" not in page


@pytest.mark.parametrize("target", ["superuser", "mighty"])
def test_she_cannot_open_change_or_deactivate_a_higher_account(coordinator_admin, request,
                                                               target):
    user = request.getfixturevalue(target)
    assert coordinator_admin.get(f"{USERS}{user.pk}/change/").status_code == 302  # "not found"
    coordinator_admin.post(f"{USERS}{user.pk}/change/",
                           change_data(user, is_active="", role="referrer"))
    user.refresh_from_db()
    assert user.is_active and user.is_staff and user.role == Role.COORDINATOR


@pytest.mark.parametrize("target", ["superuser", "mighty"])
def test_she_cannot_set_a_higher_accounts_password(coordinator_admin, request, target):
    user = request.getfixturevalue(target)
    url = f"{USERS}{user.pk}/password/"
    assert coordinator_admin.get(url).status_code == 404
    response = coordinator_admin.post(url, {"password1": NEW_PASSWORD,
                                            "password2": NEW_PASSWORD,
                                            "usable_password": "true"})
    assert response.status_code == 404
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_she_sets_a_referrers_password_and_the_trail_has_it(coordinator_admin, coordinator):
    referrer = UserFactory()
    url = f"{USERS}{referrer.pk}/password/"
    assert coordinator_admin.get(url).status_code == 200
    response = coordinator_admin.post(url, {"password1": NEW_PASSWORD,
                                            "password2": NEW_PASSWORD,
                                            "usable_password": "true"})
    assert response.status_code == 302
    referrer.refresh_from_db()
    assert referrer.check_password(NEW_PASSWORD)
    entry = LogEntry.objects.get_for_object(referrer).filter(
        changes__has_key="password").get()
    assert entry.actor == coordinator and entry.action == LogEntry.Action.UPDATE
    assert entry.changes == {"password": ["***", "***"]}
    assert NEW_PASSWORD not in str(entry.changes) and referrer.password not in str(entry.changes)


def test_escalated_fields_in_a_change_are_ignored(coordinator_admin):
    referrer = UserFactory()
    extra_group = Group.objects.create(name="extra")
    extra_group.permissions.add(Permission.objects.get(codename="delete_user"))
    response = coordinator_admin.post(f"{USERS}{referrer.pk}/change/", change_data(
        referrer, is_superuser="on", is_staff="on", groups=[extra_group.pk],
        user_permissions=[Permission.objects.get(codename="delete_user").pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    referrer.refresh_from_db()
    assert not referrer.is_superuser and not referrer.is_staff
    assert not referrer.user_permissions.exists()
    assert list(referrer.groups.values_list("name", flat=True)) == ["referrer"]


def test_the_change_form_offers_no_rights_fields(coordinator_admin):
    referrer = UserFactory()
    form = coordinator_admin.get(f"{USERS}{referrer.pk}/change/").context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)


def test_delete_of_a_higher_account_is_refused(coordinator_admin, coordinator, superuser,
                                               mighty):
    # Even a coordinator who may delete users cannot delete one above her.
    coordinator.user_permissions.add(Permission.objects.get(codename="delete_user"))
    assert coordinator_admin.get(f"{USERS}{superuser.pk}/delete/").status_code == 302
    coordinator_admin.post(f"{USERS}{superuser.pk}/delete/", {"post": "yes"})
    coordinator_admin.post(USERS, {"action": "delete_selected", "post": "yes",
                                   "_selected_action": [superuser.pk]})
    assert User.objects.filter(pk=superuser.pk).exists()
    referrer = UserFactory()
    coordinator_admin.post(USERS, {"action": "delete_selected", "post": "yes",
                                   "_selected_action": [referrer.pk]})
    assert not User.objects.filter(pk=referrer.pk).exists()


def test_bulk_actions_skip_higher_accounts(coordinator_admin, superuser):
    device = TOTPDevice.objects.create(user=superuser, name="app", confirmed=True)
    coordinator_admin.post(USERS, {"action": "new_enrolment_link",
                                   "_selected_action": [superuser.pk]})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not EnrolmentLink.objects.filter(user=superuser).exists()


def test_creating_a_user_grants_no_superuser_rights(coordinator_admin):
    organisation = OrganisationFactory(foundation=True)
    response = coordinator_admin.post(f"{USERS}add/", {
        "username": "kees", "organisation": organisation.pk, "role": "coordinator",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "is_superuser": "on", "user_permissions": [Permission.objects.get(
            codename="delete_user").pk]})
    assert response.status_code == 302
    kees = User.objects.get(username="kees")
    assert kees.role == Role.COORDINATOR and kees.is_staff  # her own rights: allowed
    assert not kees.is_superuser and not kees.user_permissions.exists()


def test_staff_with_fewer_rights_cannot_make_a_coordinator(client):
    clerk = UserFactory(role=Role.WAREHOUSE, is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_user", "add_user", "change_user"]))
    client.force_login(clerk)
    page = client.get(f"{USERS}add/")
    assert "coordinator" not in dict(page.context["adminform"].form.fields["role"].choices)
    organisation = OrganisationFactory(foundation=True)
    response = client.post(f"{USERS}add/", {
        "username": "kees", "organisation": organisation.pk, "role": "coordinator",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="kees").exists()


def test_role_and_activation_changes_are_in_the_trail(coordinator_admin, coordinator):
    volunteer = UserFactory(role=Role.WAREHOUSE)
    referrer_org = OrganisationFactory()
    response = coordinator_admin.post(f"{USERS}{volunteer.pk}/change/", change_data(
        volunteer, role="referrer", organisation=referrer_org.pk, is_active=""))
    assert response.status_code == 302, response.content.decode()[:2000]
    entries = LogEntry.objects.get_for_object(volunteer).filter(actor=coordinator)
    assert entries.filter(changes__role=["warehouse", "referrer"]).exists()
    assert entries.filter(changes__is_active=["True", "False"]).exists()


def test_the_service_refuses_what_the_admin_would(superuser, coordinator, mighty):
    with pytest.raises(PermissionDenied):
        services.set_password(actor=coordinator, user=superuser, password=NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.check_update(coordinator, mighty, role=Role.REFERRER)
    with pytest.raises(ValidationError) as info:
        services.check_update(coordinator, UserFactory(), role=Role.REFERRER,
                              is_superuser=True)
    assert "is_superuser" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.check_update(coordinator, UserFactory(), role=Role.REFERRER,
                              permissions=[Permission.objects.get(codename="delete_user")])
    assert "user_permissions" in info.value.message_dict
    # A superuser may do all of it.
    services.set_password(actor=superuser, user=mighty, password=NEW_PASSWORD)
    services.check_update(superuser, mighty, role=Role.REFERRER, is_superuser=True)
