"""A referral that ended without a kit (issue 15, point 6): rejected or cancelled, its page opens
with the reason and no longer names a day to deliver by."""

import pytest
from django.utils import formats, translation

from logistics.referrals import services
from tests.factories import make_referral

pytestmark = pytest.mark.django_db

REASON = "Inkomen ligt boven de grens, ook na navraag."


def page_of(client, referral) -> str:
    response = client.get(f"/referrals/{referral.code}/")
    assert response.status_code == 200
    return response.content.decode()


def deadline_text(referral) -> str:
    """The deadline as the page's lead line says it, in Dutch."""
    with translation.override("nl"):
        return translation.gettext("deliver by %(date)s") % {
            "date": formats.date_format(referral.deliver_by, "DATE_FORMAT")}


def rejected(referrer, coordinator):
    return services.reject_referral(referral=make_referral(referrer), user=coordinator,
                                    reason=REASON)


def cancelled(referrer, coordinator):
    return services.cancel_referral(referral=make_referral(referrer), user=referrer,
                                    reason=REASON)


@pytest.mark.parametrize("end", [rejected, cancelled])
@pytest.mark.parametrize("viewer", ["referrer", "coordinator"])
def test_the_reason_is_at_the_top_and_there_is_no_deadline(client, referrer, coordinator, end,
                                                          viewer):
    referral = end(referrer, coordinator)
    client.force_login(referrer if viewer == "referrer" else coordinator)
    page = page_of(client, referral)
    top, _, rest = page.partition('id="ending"')
    assert rest, "no reason card"
    # Before everything else on the page: the outcome, the family, the history.
    assert REASON in rest.split("</section>")[0]
    assert 'class="card outcome' not in top and "<ol class=\"history\">" not in top
    assert deadline_text(referral) not in page


def test_the_heading_says_which_ending(client, referrer, coordinator):
    client.force_login(coordinator)
    assert "Waarom de aanmelding is afgewezen" in page_of(client, rejected(referrer, coordinator))
    assert "Waarom de aanmelding is geannuleerd" in page_of(client,
                                                           cancelled(referrer, coordinator))


def test_a_referral_under_way_keeps_its_deadline_and_has_no_reason_card(referrer_client,
                                                                       referrer):
    referral = make_referral(referrer)
    page = page_of(referrer_client, referral)
    assert deadline_text(referral) in page
    assert 'id="ending"' not in page
