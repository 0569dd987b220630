"""A kit type's time window (DESIGN §4): a referral stores its window's days when its due date or
kit type is set, and a coordinator's change of the window in the admin moves the days of the
referrals still under way, not of those delivered."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from logistics.distribution import services as distribution
from logistics.models import KitType, Referral, ReferralStatus
from logistics.referrals import services
from tests.factories import make_referral, referral_input
from tests.helpers import approved_kits

pytestmark = pytest.mark.django_db
ADMIN = "/admin/logistics/kittype"


def today():
    return timezone.localdate()


def form_data(page) -> dict:
    """What the admin's change form would send back unchanged: its fields and its inline's."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, bool) or value is None:
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = value

    add(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def change_window(client, kit_type, **weeks):
    url = f"{ADMIN}/{kit_type.pk}/change/"
    data = form_data(client.get(url))
    data.update({name: str(value) for name, value in weeks.items()})
    return client.post(url, data)


def test_a_corrected_due_date_or_kit_type_brings_its_window(referrer, coordinator):
    referral = make_referral(referrer)
    services.ask_for_information(referral=referral, user=coordinator, reason="Welk pakket?")
    born = today() - datetime.timedelta(weeks=4)
    services.update_referral(
        referral=referral, user=referrer, answer="Het is al geboren.",
        data=referral_input(due_date=born, kit_type=KitType.objects.get(code="vervolg-74-92")))
    referral.refresh_from_db()
    assert (referral.window_opens, referral.deliver_by) == (
        born + datetime.timedelta(weeks=13), born + datetime.timedelta(weeks=26))


def test_a_changed_window_moves_the_open_referrals_and_leaves_the_delivered(
        coordinator_client, coordinator, referrer, warehouse, warehouse_user):
    first_kit = KitType.objects.get(code="start-50-68")
    delivered, packed = approved_kits(warehouse, coordinator, referrer, 2)
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user)
    distribution.pack(pick_list=pick_list, user=warehouse_user)
    distribution.record_delivery(referral=delivered, user=warehouse_user)
    submitted = make_referral(referrer, house_number=3)
    other_kit = make_referral(referrer, house_number=4, due_date=today(),
                              kit_type=KitType.objects.get(code="vervolg-74-92"))
    before = {r.pk: (r.window_opens, r.deliver_by) for r in Referral.objects.all()}

    response = change_window(coordinator_client, first_kit, window_opens_weeks=-20,
                             deliver_by_weeks=-8)

    assert response.status_code == 302, response.context["adminform"].form.errors
    first_kit.refresh_from_db()
    assert (first_kit.window_opens_weeks, first_kit.deliver_by_weeks) == (-20, -8)
    after = {r.pk: (r, r.window_opens, r.deliver_by) for r in Referral.objects.all()}
    for referral in (packed, submitted):
        moved, opens, deliver_by = after[referral.pk]
        assert moved.status in (ReferralStatus.PACKED, ReferralStatus.SUBMITTED)
        assert (opens, deliver_by) == (moved.due_date - datetime.timedelta(weeks=20),
                                       moved.due_date - datetime.timedelta(weeks=8))
    # Delivered: judged by the window it was delivered in. Another kit type: its own window.
    assert after[delivered.pk][0].status == ReferralStatus.DELIVERED
    assert after[delivered.pk][1:] == before[delivered.pk]
    assert after[other_kit.pk][1:] == before[other_kit.pk]
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "2 lopende verwijzingen kregen nieuwe bezorgdata." in page


def test_saving_a_kit_type_without_changing_its_window_moves_nothing(
        coordinator_client, referrer, monkeypatch):
    referral = make_referral(referrer)
    first_kit = KitType.objects.get(code="start-50-68")
    response = change_window(coordinator_client, first_kit, name="Startpakket (nieuw)")
    assert response.status_code == 302
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "nieuwe bezorgdata" not in page
    moved = Referral.objects.get(pk=referral.pk)
    assert (moved.window_opens, moved.deliver_by) == (referral.window_opens, referral.deliver_by)


@pytest.mark.parametrize(("opens", "deliver_by"), [(-6, -6), (26, 13)])
def test_a_window_that_closes_before_it_opens_is_refused_at_its_field(
        coordinator_client, referrer, opens, deliver_by):
    referral = make_referral(referrer)
    first_kit = KitType.objects.get(code="start-50-68")

    response = change_window(coordinator_client, first_kit, window_opens_weeks=opens,
                             deliver_by_weeks=deliver_by)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"deliver_by_weeks": [
        "De week van uiterlijk bezorgen moet na de week liggen waarin het bezorgen mag "
        f"beginnen ({opens})."]}
    first_kit.refresh_from_db()
    assert (first_kit.window_opens_weeks, first_kit.deliver_by_weeks) == (-16, -6)
    assert Referral.objects.get(pk=referral.pk).deliver_by == referral.deliver_by


def test_the_admin_explains_the_weeks_in_dutch(coordinator_client):
    page = coordinator_client.get(
        f"{ADMIN}/{KitType.objects.get(code='start-50-68').pk}/change/").content.decode()
    assert "Bezorgen vanaf (weken)" in page and "Uiterlijk bezorgen (weken)" in page
    assert "zestien weken voor de uitgerekende datum" in page


# --- the migration ------------------------------------------------------------------------------

BEFORE = [("logistics", "0010_referral_mail_settings")]
AFTER = [("logistics", "0011_kit_time_windows")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_shipped_kits_their_windows_and_every_referral_its_days():
    """Before it, every kit was judged against six weeks before the due date."""
    old = migrate(BEFORE)
    try:
        KitType = old.get_model("logistics", "KitType")
        Referral = old.get_model("logistics", "Referral")
        organisation = old.get_model("startpakket", "Organisation").objects.create(
            code="jgz-migratie", name="JGZ", kind="referrer")
        nurse = old.get_model("startpakket", "User").objects.create(
            username="migratie", organisation=organisation)
        kits = {code: KitType.objects.get_or_create(code=code, defaults={"name": code})[0]
                for code in ("start-50-68", "vervolg-74-92", "eigen-pakket")}
        due = datetime.date(2026, 3, 1)
        for number, kit in enumerate(kits.values()):
            Referral.objects.create(
                code=f"BSP-2026-9000{number}", organisation=organisation, referred_by=nurse,
                parent_first_name="A", parent_last_name="B", phone="+31612345678",
                street="Straat", house_number=number + 1, postcode="3511 AB", city="Utrecht",
                due_date=due, kit_type=kit, consent=True, consent_date=due, household={},
                incomes=[], eligibility={})

        new = migrate(AFTER)
        windows = dict(new.get_model("logistics", "KitType").objects.filter(
            code__in=kits).values_list("code", "window_opens_weeks"))
        assert windows == {"start-50-68": -16, "vervolg-74-92": 13, "eigen-pakket": -16}
        stored = {kit: (opens, deliver_by) for kit, opens, deliver_by in
                  new.get_model("logistics", "Referral").objects.filter(
                      organisation_id=organisation.pk).values_list(
                      "kit_type__code", "window_opens", "deliver_by")}
        assert stored == {
            "start-50-68": (datetime.date(2025, 11, 9), datetime.date(2026, 1, 18)),
            "vervolg-74-92": (datetime.date(2026, 5, 31), datetime.date(2026, 8, 30)),
            "eigen-pakket": (datetime.date(2025, 11, 9), datetime.date(2026, 1, 18)),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
