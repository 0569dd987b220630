"""What logistics keeps about an organisation (``logistics.models.organisations``): a referring
organisation's default warehouse and the foundation's contact line. Edited by coordinators on
the organisation's admin page; read by the approval queue, the referral page and the slips; moved
out of startpakket's Organisation by a pair of migrations."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from logistics.distribution import services as distribution
from logistics.models import OrganisationSettings, settings_of
from startpakket.models import Organisation
from startpakket.roles import Role
from tests.factories import (
    OrganisationFactory,
    OrganisationSettingsFactory,
    UserFactory,
    WarehouseFactory,
    make_referral,
)
from tests.helpers import approved_kits, pdf_text

CONTACT_LINE = "Stichting Babystart Noord, bel 020 123 4567"


def organisation_page(organisation) -> str:
    return f"/admin/startpakket/organisation/{organisation.pk}/change/"


def form_data(response) -> dict:
    """What the browser sends back when the admin page is saved unchanged: the organisation's
    fields and every inline with its management form."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value
                     for key, value in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not False:  # an unticked box is not sent
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def stored(organisation) -> OrganisationSettings:
    """As a new request reads them (``organisation`` may hold an answer cached before)."""
    return settings_of(Organisation.objects.get(pk=organisation.pk))


# --- the admin ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_coordinator_sets_the_contact_line_on_the_foundations_page(coordinator_client,
                                                                     coordinator):
    foundation = coordinator.organisation
    page = coordinator_client.get(organisation_page(foundation))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Contactregel" in html and "Standaardmagazijn" in html

    data = form_data(page)
    data["logistics_settings-0-contact_line"] = CONTACT_LINE
    response = coordinator_client.post(organisation_page(foundation), data)

    assert response.status_code == 302, response.context["errors"]
    assert stored(foundation).contact_line == CONTACT_LINE
    row = OrganisationSettings.objects.get(organisation=foundation)
    assert LogEntry.objects.get_for_object(row).get().actor == coordinator
    # Shown again on the page, and changed again in the same row.
    page = coordinator_client.get(organisation_page(foundation))
    assert CONTACT_LINE in page.content.decode()
    data = form_data(page)
    data["logistics_settings-0-contact_line"] = "Stichting Babystart"
    assert coordinator_client.post(organisation_page(foundation), data).status_code == 302
    assert list(OrganisationSettings.objects.values_list("contact_line", flat=True)) == [
        "Stichting Babystart"]


@pytest.mark.django_db
def test_a_coordinator_sets_a_referring_organisations_default_warehouse(coordinator_client):
    organisation = OrganisationFactory(referrer=True)
    warehouse, inactive = WarehouseFactory(), WarehouseFactory(is_active=False)
    page = coordinator_client.get(organisation_page(organisation))
    choices = page.context["inline_admin_formsets"][0].formset.forms[0].fields[
        "default_warehouse"].queryset
    assert organisation not in choices and {warehouse.pk, inactive.pk} <= {w.pk for w in choices}

    data = form_data(page)
    data["logistics_settings-0-default_warehouse"] = warehouse.pk
    response = coordinator_client.post(organisation_page(organisation), data)

    assert response.status_code == 302
    assert stored(organisation).default_warehouse == warehouse
    # Not a warehouse: refused, nothing stored.
    data["logistics_settings-0-default_warehouse"] = OrganisationFactory(referrer=True).pk
    data["logistics_settings-INITIAL_FORMS"] = 1
    refused = coordinator_client.post(organisation_page(organisation), data)
    assert refused.status_code == 200 and "default_warehouse" in str(refused.context["errors"])
    assert stored(organisation).default_warehouse == warehouse


@pytest.mark.django_db
def test_saving_an_organisation_with_nothing_filled_in_stores_no_settings(coordinator_client):
    warehouse = WarehouseFactory()
    page = coordinator_client.get(organisation_page(warehouse))
    data = {**form_data(page), "name": "Magazijn Zuid"}
    assert coordinator_client.post(organisation_page(warehouse), data).status_code == 302
    warehouse.refresh_from_db()
    assert warehouse.name == "Magazijn Zuid"
    assert not OrganisationSettings.objects.exists()
    assert (stored(warehouse).default_warehouse, stored(warehouse).contact_line) == (None, "")


@pytest.mark.django_db
def test_a_new_organisation_gets_its_default_warehouse_in_one_go(coordinator_client):
    warehouse = WarehouseFactory()
    page = coordinator_client.get("/admin/startpakket/organisation/add/")
    data = {**form_data(page), "code": "jgz-noord", "name": "JGZ Noord", "kind": "referrer",
            "logistics_settings-0-default_warehouse": warehouse.pk}
    response = coordinator_client.post("/admin/startpakket/organisation/add/", data)
    assert response.status_code == 302, response.context["errors"]
    assert OrganisationSettings.objects.get(
        organisation__code="jgz-noord").default_warehouse == warehouse


# --- who reads them -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_queue_and_the_referral_page_propose_the_default_warehouse(coordinator_client,
                                                                       referrer):
    WarehouseFactory()
    chosen = WarehouseFactory()
    OrganisationSettingsFactory(organisation=referrer.organisation, default_warehouse=chosen)
    referral = make_referral(referrer)
    # Two active warehouses and no default: the coordinator chooses.
    undecided = make_referral(UserFactory(role=Role.REFERRER), house_number=99)

    queue = coordinator_client.get("/referrals/queue/")
    assert {row.referral.code: row.warehouse for row in queue.context["rows"]} == {
        referral.code: chosen, undecided.code: None}
    page = coordinator_client.get(f"/referrals/{referral.code}/")
    assert page.context["forms"]["approve"]["warehouse"].value() == chosen.pk


@pytest.mark.django_db
def test_the_queue_reads_every_organisations_default_in_the_same_queries(coordinator_client):
    WarehouseFactory()
    chosen = WarehouseFactory()

    def refer(number):
        nurse = UserFactory(role=Role.REFERRER)
        OrganisationSettingsFactory(organisation=nurse.organisation, default_warehouse=chosen)
        make_referral(nurse, house_number=number + 2)

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = coordinator_client.get("/referrals/queue/")
        assert {row.warehouse for row in response.context["rows"]} == {chosen}
        return len(context.captured_queries)

    for number in range(2):
        refer(number)
    # The first request in a process also reads what it keeps (reference_data).
    queries()
    few = queries()
    for number in range(2, 12):
        refer(number)
    assert queries() == few


@pytest.mark.django_db
def test_the_delivery_slips_carry_the_foundations_contact_line(
        warehouse_client, warehouse, warehouse_user, coordinator, referrer):
    OrganisationSettingsFactory(organisation=coordinator.organisation, contact_line=CONTACT_LINE)
    approved_kits(warehouse, coordinator, referrer, 2)
    pick_list = distribution.create_pick_list(warehouse=warehouse, user=warehouse_user)

    slips = warehouse_client.get(f"/pick-lists/{pick_list.pk}/delivery-slips/")

    pages, text = pdf_text(slips.content)
    assert pages == 2 and text.count(CONTACT_LINE) == 2


# --- the migrations -----------------------------------------------------------------------------

BEFORE = [("startpakket", "0004_organisation_contact_line"), ("logistics", "0005_pick_lists")]
AFTER = [("startpakket", "0005_organisation_logistics_moved"),
         ("logistics", "0006_organisation_settings")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migrations_move_the_values_into_logistics_and_back():
    old = migrate(BEFORE)
    try:
        Organisation = old.get_model("startpakket", "Organisation")
        warehouse = Organisation.objects.create(code="magazijn", name="Magazijn",
                                                kind="warehouse")
        referrer = Organisation.objects.create(code="jgz", name="JGZ", kind="referrer",
                                               default_warehouse=warehouse)
        foundation = Organisation.objects.create(code="stichting", name="Stichting",
                                                 kind="foundation", contact_line=CONTACT_LINE)
        Organisation.objects.create(code="leeg", name="Leeg", kind="referrer")

        new = migrate(AFTER)
        Settings = new.get_model("logistics", "OrganisationSettings")
        assert set(Settings.objects.values_list(
            "organisation_id", "default_warehouse_id", "contact_line")) == {
            (referrer.pk, warehouse.pk, ""), (foundation.pk, None, CONTACT_LINE)}
        assert not any(field.name in {"default_warehouse", "contact_line"}
                       for field in new.get_model("startpakket", "Organisation")._meta.fields)

        old = migrate(BEFORE)
        Organisation = old.get_model("startpakket", "Organisation")
        assert set(Organisation.objects.values_list("code", "default_warehouse_id",
                                                    "contact_line")) == {
            ("magazijn", None, ""), ("jgz", warehouse.pk, ""),
            ("stichting", None, CONTACT_LINE), ("leeg", None, "")}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
