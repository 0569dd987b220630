"""Who may open what: every URL x every role (DESIGN §8). Never a 500.

Later features add their URLs to ``ACCESS``. ``test_every_url_is_in_the_access_table`` fails when a
view is added without saying who may use it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from startpakket.roles import Role

pytestmark = pytest.mark.django_db

ANON, REF, WH, COORD = None, Role.REFERRER, Role.WAREHOUSE, Role.COORDINATOR

# route name, path, expected GET status per role: 302 to the login page for pages, 401 for the API.
# Routes with arguments use an example path; their per-object rules have tests of their own.
ACCESS = [
    ("home", "/", {ANON: 302, REF: 200, WH: 200, COORD: 200}),
    ("login", "/accounts/login/", {ANON: 200, REF: 302, WH: 302, COORD: 302}),
    # The second login step: without an app yet it goes to setting one up (force_login here).
    ("two_factor_verify", "/accounts/two-factor/", {ANON: 302, REF: 302, WH: 302, COORD: 302}),
    # Linking an app needs one's own enrolment link (test_enrolment.py).
    ("two_factor_setup", "/accounts/two-factor/setup/",
     {ANON: 302, REF: 403, WH: 403, COORD: 403}),
    ("two_factor_enrol", "/accounts/two-factor/enrol/not-a-token/",
     {ANON: 403, REF: 403, WH: 403, COORD: 403}),
    # Everyone's own API tokens; revoking is POST-only (and only one's own: test_api_tokens.py).
    ("api_tokens", "/accounts/tokens/", {ANON: 302, REF: 200, WH: 200, COORD: 200}),
    ("api_token_revoke", "/accounts/tokens/1/revoke/", {ANON: 302, REF: 405, WH: 405, COORD: 405}),
    # Everyone's own settings (startpakket.preferences).
    ("account_settings", "/accounts/settings/", {ANON: 302, REF: 200, WH: 200, COORD: 200}),
    ("eligibility:check", "/eligibility/check/", {ANON: 302, REF: 200, WH: 403, COORD: 200}),
    ("api:me", "/api/v1/me/", {ANON: 401, REF: 200, WH: 200, COORD: 200}),
    # POST-only: a GET by someone allowed is 405, by someone not allowed 403.
    ("api:eligibility-check", "/api/v1/eligibility/check/",
     {ANON: 401, REF: 405, WH: 403, COORD: 405}),
    ("api:kit-types", "/api/v1/kit-types/", {ANON: 401, REF: 200, WH: 200, COORD: 200}),
    ("api:stock", "/api/v1/stock/", {ANON: 401, REF: 403, WH: 200, COORD: 200}),
    ("api:stock-receipts", "/api/v1/stock/receipts/", {ANON: 401, REF: 403, WH: 405, COORD: 405}),
    ("api:referrals", "/api/v1/referrals/", {ANON: 401, REF: 200, WH: 200, COORD: 200}),
    ("api:referral-detail", "/api/v1/referrals/BSP-2000-00001/",
     {ANON: 401, REF: 404, WH: 404, COORD: 404}),
    ("api:referral-approve", "/api/v1/referrals/BSP-2000-00001/approve/",
     {ANON: 401, REF: 403, WH: 403, COORD: 405}),
    ("api:referral-reject", "/api/v1/referrals/BSP-2000-00001/reject/",
     {ANON: 401, REF: 403, WH: 403, COORD: 405}),
    ("api:referral-ask", "/api/v1/referrals/BSP-2000-00001/ask/",
     {ANON: 401, REF: 403, WH: 403, COORD: 405}),
    ("api:referral-override", "/api/v1/referrals/BSP-2000-00001/override/",
     {ANON: 401, REF: 403, WH: 403, COORD: 405}),
    ("api:referral-resubmit", "/api/v1/referrals/BSP-2000-00001/resubmit/",
     {ANON: 401, REF: 405, WH: 403, COORD: 403}),
    ("api:referral-cancel", "/api/v1/referrals/BSP-2000-00001/cancel/",
     {ANON: 401, REF: 405, WH: 403, COORD: 405}),
    ("api:referral-stop", "/api/v1/referrals/BSP-2000-00001/stop/",
     {ANON: 401, REF: 405, WH: 403, COORD: 405}),
    ("api:referral-deliver", "/api/v1/referrals/BSP-2000-00001/deliver/",
     {ANON: 401, REF: 403, WH: 405, COORD: 405}),
    ("api:referral-delivery-failed", "/api/v1/referrals/BSP-2000-00001/delivery-failed/",
     {ANON: 401, REF: 403, WH: 405, COORD: 405}),
    ("api:referral-delivery-slip", "/api/v1/referrals/BSP-2000-00001/delivery-slip/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    # Delivery methods: a pick-up kit's and a kit by post's steps and documents.
    ("api:pickup-points", "/api/v1/pickup-points/", {ANON: 401, REF: 200, WH: 200, COORD: 200}),
    ("api:referral-collected", "/api/v1/referrals/BSP-2000-00001/collected/",
     {ANON: 401, REF: 403, WH: 405, COORD: 405}),
    ("api:referral-not-collected", "/api/v1/referrals/BSP-2000-00001/not-collected/",
     {ANON: 401, REF: 403, WH: 405, COORD: 405}),
    ("api:referral-shipped", "/api/v1/referrals/BSP-2000-00001/shipped/",
     {ANON: 401, REF: 403, WH: 405, COORD: 405}),
    ("api:referral-pickup-note", "/api/v1/referrals/BSP-2000-00001/pickup-note/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    ("api:referral-address-label", "/api/v1/referrals/BSP-2000-00001/address-label/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    ("api:pick-list-pickup-notes", "/api/v1/pick-lists/999999/pickup-notes/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    ("api:pick-list-address-labels", "/api/v1/pick-lists/999999/address-labels/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    ("api:pick-lists", "/api/v1/pick-lists/", {ANON: 401, REF: 403, WH: 200, COORD: 200}),
    ("api:stats-distribution", "/api/v1/stats/distribution/?from=2026-01&to=2026-03",
     {ANON: 401, REF: 403, WH: 403, COORD: 200}),
    ("api:stats-referrals", "/api/v1/stats/referrals/", {ANON: 401, REF: 403, WH: 403, COORD: 200}),
    ("api:pick-list-detail", "/api/v1/pick-lists/999999/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    ("api:pick-list-packed", "/api/v1/pick-lists/999999/packed/",
     {ANON: 401, REF: 403, WH: 405, COORD: 405}),
    ("api:pick-list-take-off", "/api/v1/pick-lists/999999/take-off/",
     {ANON: 401, REF: 403, WH: 405, COORD: 405}),
    ("api:pick-list-pdf", "/api/v1/pick-lists/999999/pdf/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    ("api:pick-list-delivery-slips", "/api/v1/pick-lists/999999/delivery-slips/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    ("api:pick-list-route-sheet", "/api/v1/pick-lists/999999/route-sheet/",
     {ANON: 401, REF: 403, WH: 404, COORD: 404}),
    ("pick_lists:list", "/pick-lists/", {ANON: 302, REF: 403, WH: 200, COORD: 200}),
    ("pick_lists:detail", "/pick-lists/999999/", {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("pick_lists:pack", "/pick-lists/999999/packed/",
     {ANON: 302, REF: 403, WH: 405, COORD: 405}),
    ("pick_lists:take_off", "/pick-lists/999999/take-off/",
     {ANON: 302, REF: 403, WH: 405, COORD: 405}),
    ("pick_lists:pdf", "/pick-lists/999999/pdf/", {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("pick_lists:delivery_slips", "/pick-lists/999999/delivery-slips/",
     {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("pick_lists:route_sheet", "/pick-lists/999999/route-sheet/",
     {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("deliveries:find", "/deliveries/", {ANON: 302, REF: 403, WH: 200, COORD: 200}),
    # What a slip's QR code opens; a made-up code is said not to be found, on the page.
    ("deliveries:kit", "/deliveries/BSP-2000-00001/", {ANON: 302, REF: 403, WH: 200, COORD: 200}),
    ("referrals:deliver", "/referrals/BSP-2000-00001/deliver/",
     {ANON: 302, REF: 403, WH: 405, COORD: 405}),
    ("referrals:delivery_failed", "/referrals/BSP-2000-00001/delivery-failed/",
     {ANON: 302, REF: 403, WH: 405, COORD: 405}),
    ("referrals:delivery_slip", "/referrals/BSP-2000-00001/delivery-slip/",
     {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("referrals:collected", "/referrals/BSP-2000-00001/collected/",
     {ANON: 302, REF: 403, WH: 405, COORD: 405}),
    ("referrals:not_collected", "/referrals/BSP-2000-00001/not-collected/",
     {ANON: 302, REF: 403, WH: 405, COORD: 405}),
    ("referrals:shipped", "/referrals/BSP-2000-00001/shipped/",
     {ANON: 302, REF: 403, WH: 405, COORD: 405}),
    ("referrals:pickup_note", "/referrals/BSP-2000-00001/pickup-note/",
     {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("referrals:address_label", "/referrals/BSP-2000-00001/address-label/",
     {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("pick_lists:pickup_notes", "/pick-lists/999999/pickup-notes/",
     {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("pick_lists:address_labels", "/pick-lists/999999/address-labels/",
     {ANON: 302, REF: 403, WH: 404, COORD: 404}),
    ("stock:levels", "/stock/", {ANON: 302, REF: 403, WH: 200, COORD: 200}),
    ("stock:receive", "/stock/receive/", {ANON: 302, REF: 403, WH: 200, COORD: 200}),
    ("stock:count", "/stock/count/", {ANON: 302, REF: 403, WH: 200, COORD: 200}),
    ("stock:adjust", "/stock/adjust/", {ANON: 302, REF: 403, WH: 403, COORD: 200}),
    ("stock:transfer", "/stock/transfer/", {ANON: 302, REF: 403, WH: 403, COORD: 200}),
    ("stock:item", "/stock/items/ROMPER-50-56/", {ANON: 302, REF: 403, WH: 200, COORD: 200}),
    ("referrals:list", "/referrals/", {ANON: 302, REF: 200, WH: 200, COORD: 200}),
    ("referrals:new", "/referrals/new/", {ANON: 302, REF: 200, WH: 403, COORD: 403}),
    ("referrals:queue", "/referrals/queue/", {ANON: 302, REF: 403, WH: 403, COORD: 200}),
    # A made-up code: not found for everyone who may see referrals.
    ("referrals:detail", "/referrals/BSP-2000-00001/", {ANON: 302, REF: 404, WH: 404, COORD: 404}),
    # POST-only pages: a GET by someone allowed is 405, by someone not allowed 403.
    ("referrals:approve", "/referrals/BSP-2000-00001/approve/",
     {ANON: 302, REF: 403, WH: 403, COORD: 405}),
    ("referrals:reject", "/referrals/BSP-2000-00001/reject/",
     {ANON: 302, REF: 403, WH: 403, COORD: 405}),
    ("referrals:ask", "/referrals/BSP-2000-00001/ask/", {ANON: 302, REF: 403, WH: 403, COORD: 405}),
    ("referrals:override", "/referrals/BSP-2000-00001/override/",
     {ANON: 302, REF: 403, WH: 403, COORD: 405}),
    ("referrals:resubmit", "/referrals/BSP-2000-00001/resubmit/",
     {ANON: 302, REF: 405, WH: 403, COORD: 403}),
    # A made-up code: not found for referrers; the others may not correct referrals at all.
    ("referrals:edit", "/referrals/BSP-2000-00001/edit/",
     {ANON: 302, REF: 404, WH: 403, COORD: 403}),
    ("referrals:cancel", "/referrals/BSP-2000-00001/cancel/",
     {ANON: 302, REF: 405, WH: 403, COORD: 405}),
    ("referrals:stop", "/referrals/BSP-2000-00001/stop/",
     {ANON: 302, REF: 405, WH: 403, COORD: 405}),
    ("statistics:dashboard", "/dashboard/", {ANON: 302, REF: 403, WH: 403, COORD: 200}),
    ("statistics:report", "/dashboard/report.pdf", {ANON: 302, REF: 403, WH: 403, COORD: 200}),
    ("api-schema", "/api/schema/", {ANON: 200, REF: 200, WH: 200, COORD: 200}),
    ("api-docs", "/api/docs/", {ANON: 200, REF: 200, WH: 200, COORD: 200}),
    ("admin:index", "/admin/", {ANON: 302, REF: 302, WH: 302, COORD: 200}),
    ("admin:startpakket_user_changelist", "/admin/startpakket/user/",
     {ANON: 302, REF: 302, WH: 302, COORD: 200}),
    ("admin:startpakket_organisation_changelist", "/admin/startpakket/organisation/",
     {ANON: 302, REF: 302, WH: 302, COORD: 200}),
]

# Named routes that are not pages to GET: they only accept POST, and are tested where they are used.
NOT_GETTABLE = {"logout", "set_language"}


@pytest.mark.parametrize("role", [ANON, REF, WH, COORD], ids=["anonymous", *Role.values])
@pytest.mark.parametrize(("name", "path", "expected"), ACCESS, ids=[row[0] for row in ACCESS])
def test_access(client, user_for_role, name, path, expected, role):
    user = user_for_role(role)
    if user:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == expected[role], (path, role)
    if response.status_code == 302 and role is ANON:
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))


def _named_routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # Django's own admin: its permission checks are tested by Django
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_routes(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_every_url_is_in_the_access_table():
    covered = {name for name, _, _ in ACCESS} | NOT_GETTABLE
    missing = sorted(set(_named_routes(get_resolver())) - covered)
    assert not missing, f"add these routes to ACCESS: {missing}"
