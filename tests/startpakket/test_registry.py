"""What the apps register with the project (``startpakket.registry``, ``startpakket.audit``),
seen through the commands that run it: ``install_defaults`` and ``load_demo``."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from eligibility.models import NormRow, NormTable, Policy
from logistics.models import Item, KitType
from startpakket import audit, registry

pytestmark = pytest.mark.django_db

NORM_DATES = ["2023-01-01", "2023-07-01", "2024-01-01", "2024-07-01", "2025-01-01",
              "2025-07-01", "2026-01-01"]


# What the audit trail records, written out here rather than read from the apps: moving the
# options into each app (issue 12) must not have changed them.
TRACKED = {
    "startpakket.Organisation": {},
    "startpakket.User": {
        "exclude_fields": ["password", "last_login"],
        "mask_fields": ["first_name", "last_name", "email"],
        "mask_callable": "startpakket.audit.redact",
        "m2m_fields": {"groups", "user_permissions"},
    },
    # Never the token's digest or the start of its key.
    "startpakket.ApiToken": {"include_fields": ["name", "user", "expiry"]},
    "eligibility.NormTable": {},
    "eligibility.NormRow": {},
    "eligibility.Policy": {},
    "logistics.Item": {},
    "logistics.KitType": {},
    "logistics.KitComponent": {},
    "logistics.StockMovement": {"exclude_fields": ["note"]},
    "logistics.Reservation": {},
    "logistics.Referral": {"include_fields": [
        "code", "status", "organisation", "referred_by", "kit_type", "babies", "warehouse",
        "reservation", "eligibility_override", "consent", "created_at", "updated_at",
        "anonymised_at", "delivery_method", "pickup_point",
    ]},
    "logistics.PickList": {},
    "logistics.PickListEntry": {},
    "logistics.ReferralStatusChange": {"exclude_fields": ["reason"]},
    # New with the move: the two values were fields of the (tracked) organisation.
    "logistics.OrganisationSettings": {},
    "logistics.PickupPoint": {},
}


def empty_the_shipped_data():
    KitType.objects.all().delete()  # their components with them
    Item.objects.all().delete()
    NormTable.objects.all().delete()  # their rows with them
    Policy.objects.all().delete()
    Group.objects.all().delete()


def install(**options) -> str:
    out = io.StringIO()
    call_command("install_defaults", stdout=out, **options)
    return out.getvalue()


def test_install_defaults_on_an_empty_database_installs_what_every_app_ships():
    empty_the_shipped_data()

    out = install(verbosity=1)

    groups = {group.name: group.permissions.count() for group in Group.objects.all()}
    assert set(groups) == {"referrer", "warehouse", "coordinator"} and all(groups.values())
    assert Group.objects.get(name="coordinator").permissions.filter(
        content_type__app_label="logistics", codename="change_organisationsettings").exists()
    assert f"Norm tables added: {', '.join(NORM_DATES)}" in out
    assert sorted(str(d) for d in NormTable.objects.values_list("valid_from", flat=True)) == (
        NORM_DATES)
    assert NormRow.objects.count() == 9 * len(NORM_DATES)
    assert Policy.objects.count() == 1
    assert set(KitType.objects.values_list("code", flat=True)) == {"start-50-68",
                                                                   "vervolg-74-92"}
    assert Item.objects.count() == 29


def test_install_defaults_again_adds_nothing_and_keeps_a_coordinators_kits():
    kit = KitType.objects.get(code="start-50-68")
    kit.name = "Eigen naam"
    kit.save(update_fields=["name"])
    KitType.objects.filter(code="vervolg-74-92").delete()
    counts = (NormTable.objects.count(), Policy.objects.count(), Item.objects.count())

    out = install(verbosity=1)

    assert "Norm tables added: none (all present)" in out
    assert (NormTable.objects.count(), Policy.objects.count(), Item.objects.count()) == counts
    assert list(KitType.objects.values_list("name", flat=True)) == ["Eigen naam"]


def test_install_defaults_says_nothing_at_verbosity_0():
    assert install(verbosity=0) == ""


def test_each_app_registers_its_own_steps():
    from eligibility.defaults import install_defaults as eligibility_defaults
    from logistics.defaults import install_defaults as logistics_defaults
    from logistics.demo import load_demo

    assert registry.install_steps() == [eligibility_defaults, logistics_defaults]
    assert registry.demo_steps() == [load_demo]


def test_steps_run_in_the_order_of_installed_apps_whatever_the_order_of_registering(
        monkeypatch):
    monkeypatch.setattr(registry, "_install_steps", {})
    ran = []
    registry.add_install_step("logistics", lambda **_: ran.append("logistics"))
    registry.add_install_step("eligibility", lambda **_: ran.append("eligibility-old"))
    # Registering again (a second ``ready()``) replaces: each step runs once.
    registry.add_install_step("eligibility", lambda **_: ran.append("eligibility"))
    registry.add_install_step("startpakket", lambda **_: ran.append("startpakket"))
    install(verbosity=0)
    assert ran == ["startpakket", "eligibility", "logistics"]


def test_the_audit_options_are_those_of_the_brief():
    assert audit.TRACKED == TRACKED


def test_logistics_registers_its_home_panels():
    from logistics import home

    assert registry._home_panels == {"logistics": home.panels}


def test_home_panels_show_in_the_order_of_installed_apps(monkeypatch, rf):
    monkeypatch.setattr(registry, "_home_panels", {})
    registry.add_home_panels("logistics", lambda request: [registry.Panel("b.html")])
    registry.add_home_panels("eligibility", lambda request: [registry.Panel("old.html")])
    # Registering again replaces; an app may have nothing for this user.
    registry.add_home_panels("eligibility", lambda request: [registry.Panel("a.html", {"n": 1})])
    registry.add_home_panels("startpakket", lambda request: [])
    assert registry.home_panels(rf.get("/")) == [registry.Panel("a.html", {"n": 1}),
                                                registry.Panel("b.html")]
