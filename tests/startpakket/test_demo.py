import io
import re

import pytest
from django.core.management import CommandError, call_command

from startpakket.demo import DEMO_PASSWORD
from startpakket.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="DEMO=1"):
        call_command("load_demo")


def test_load_demo_makes_the_three_users_and_is_safe_to_run_twice(settings):
    settings.DEMO = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    Organisation.objects.filter(code="jgz-demo").update(name="JGZ Demo (renamed by a user)")
    call_command("load_demo", stdout=io.StringIO())

    assert "verpleegkundige" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    from logistics.demo_history import OTHER_REFERRERS

    # The three who log in, and the nurses of the history's other organisations.
    assert User.objects.count() == 3 + len(OTHER_REFERRERS)
    expected = {
        "verpleegkundige": ("referrer", "jgz-demo"),
        "magazijn": ("warehouse", "magazijn-demo"),
        "coordinator": ("coordinator", "stichting-demo"),
    }
    for username, (role, code) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.organisation.code) == (role, code)
        assert user.check_password(DEMO_PASSWORD)
    assert Organisation.objects.get(code="jgz-demo").name == "JGZ Demo (renamed by a user)"


def test_demo_stock_holds_25_kits_of_each_type_and_is_booked_once(settings):
    from logistics.models import KitType, StockLevel, StockMovement, Warehouse
    from logistics.stock import ledger
    from logistics.stock import services as stock

    settings.DEMO = True
    call_command("load_demo", stdout=io.StringIO())
    movements = StockMovement.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert StockMovement.objects.count() == movements > 0

    warehouse = Warehouse.objects.get(code="magazijn-demo")
    available = {
        level.item_id: level.available for level in StockLevel.objects.filter(warehouse=warehouse)
    }
    kit_types = KitType.objects.active()
    assert kit_types.count() == 2
    for kit_type in kit_types:
        needed = stock.kit_requirements(kit_type, kits=25)
        assert all(available[item.pk] >= quantity for item, quantity in needed.items()), kit_type
    assert ledger.find_drift() == []
    assert any(level.is_low for level in StockLevel.objects.select_related("item")), (
        "the demo should show a low-stock item")


def test_demo_referrals_in_several_states_once(settings):
    from logistics.models import Referral
    from logistics.referrals.selectors import with_duplicate_flag
    from logistics.stock import ledger

    settings.DEMO = True
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    from django.utils import timezone

    today = Referral.objects.filter(created_at__date=timezone.localdate())
    statuses = set(today.values_list("status", flat=True))
    assert {"submitted", "needs_info", "approved", "rejected", "delivered"} <= statuses
    # The demo's eleven, and the follow-up kit planned as its delivered kit was recorded.
    assert today.count() == 12
    assert today.filter(status="planned", follows__in=today).count() == 1
    assert with_duplicate_flag(today).filter(possible_duplicate=True).exists()
    assert all(referral.reservation is not None
               for referral in Referral.objects.filter(status="approved"))
    # Three kits wait for the volunteer's first list of the demo, and a follow-up kit for its
    # time window; list 1 was delivered.
    from logistics.distribution import selectors as distribution_selectors
    from logistics.models import PickList

    warehouse = PickList.objects.first().warehouse
    assert distribution_selectors.waiting(warehouse).count() == 3
    assert distribution_selectors.waiting_counts([warehouse])[warehouse.pk].later == 1
    assert ledger.find_drift() == []


def test_the_demo_follow_up_kits_are_judged_by_their_own_window_not_late(settings):
    """A follow-up kit for a baby of some weeks is due months after the birth (issue 16)."""
    from django.utils import timezone

    from logistics.models import Referral
    from logistics.referrals.rules import urgency
    from logistics.referrals.workflow import OPEN_STATUSES

    settings.DEMO = True
    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()
    follow_ups = Referral.objects.filter(kit_type__code="vervolg-74-92", status__in=OPEN_STATUSES,
                                         created_at__date=today)
    assert follow_ups.count() >= 2
    assert {referral.code: urgency(referral.deliver_by, today) for referral in follow_ups} == {
        referral.code: "" for referral in follow_ups}


def test_the_demo_foundation_has_a_contact_line_a_rerun_keeps_a_coordinators_change(settings):
    from logistics.demo import DEMO_CONTACT_LINE
    from logistics.models import OrganisationSettings

    settings.DEMO = True
    call_command("load_demo", stdout=io.StringIO())
    row = OrganisationSettings.objects.get()
    assert (row.organisation.code, row.contact_line) == ("stichting-demo", DEMO_CONTACT_LINE)
    row.contact_line = ""
    row.save(update_fields=["contact_line"])
    call_command("load_demo", stdout=io.StringIO())
    assert list(OrganisationSettings.objects.values_list("contact_line", flat=True)) == [""]


def test_load_demo_prints_a_short_summary_and_then_the_users(settings):
    settings.DEMO = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1:3] == ["Demo data:", f"  organisations: {Organisation.objects.count()}, "
                                         f"users: {User.objects.count()}"]
    assert re.fullmatch(r"  referrals: \d+ \(planned \d+, submitted \d+, .*delivered \d+.*\)",
                        lines[3])
    assert lines[4].startswith("  warehouses: 1, kit types: 2, items: ")
    assert lines[5] == "  municipalities: 4"
    assert lines[6:] == [
        "",
        f"Demo users (password: {DEMO_PASSWORD}):",
        f"  {'verpleegkundige':<16} {'Verwijzer':<22} JGZ Demo",
        f"  {'magazijn':<16} {'Magazijnvrijwilliger':<22} Magazijn Demo",
        f"  {'coordinator':<16} {'Coördinator':<22} Stichting Startpakket Demo",
        "",
    ]


def test_loading_the_demo_mails_nobody(settings, monkeypatch):
    """The data the demo loads would mail its made-up people (decisions, deliveries, new
    referrals); with DEBUG on, e-mail goes to the console, where it buried the demo users. In a
    test nothing commits, so what waits for a commit runs at once here, as it does in the demo."""
    from django.core import mail

    settings.DEMO = True
    monkeypatch.setattr("django.db.transaction.on_commit",
                        lambda func, using=None, robust=False: func())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert mail.outbox == []
    assert len(out.getvalue().splitlines()) <= 12
