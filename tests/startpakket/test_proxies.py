"""The client's address behind reverse proxies (issue 13, point 4): login lockout per client, and
the audit log's address, from the entries the trusted proxies wrote, never the client's own."""

import pytest
from auditlog.models import LogEntry

from tests.factories import TEST_PASSWORD, make_referral

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.1"  # the proxy's own address: every request reaches the app from it


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def attempt(client, username, password, forwarded_for, remote=PROXY):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_two_clients_behind_one_proxy_are_counted_apart(client, referrer, behind_one_proxy):
    for _ in range(5):
        assert attempt(client, referrer.username, "wrong", "198.51.100.7").status_code == 200
    # Another client's failure is not the sixth of the first one's.
    assert attempt(client, referrer.username, "wrong", "203.0.113.20").status_code == 200
    assert attempt(client, referrer.username, "wrong", "198.51.100.7").status_code == 429
    # The first client is locked out; the second, behind the same proxy, logs in.
    assert attempt(client, referrer.username, TEST_PASSWORD, "198.51.100.7").status_code == 429
    assert attempt(client, referrer.username, TEST_PASSWORD, "203.0.113.20").status_code == 302


@pytest.mark.parametrize("own_header", [
    "192.0.2.99",  # an address it made up, left of the one the proxy appends
    "192.0.2.99, 192.0.2.98, 192.0.2.97",  # more entries than there are proxies
    "not-an-address",
    "127.0.0.1",
])
def test_a_client_cannot_escape_its_lockout_with_its_own_forwarded_for(
        client, referrer, behind_one_proxy, own_header):
    for _ in range(6):
        attempt(client, referrer.username, "wrong", "198.51.100.7")
    # The proxy appends the address it got the request from to what the client sent.
    spoofed = attempt(client, referrer.username, TEST_PASSWORD, f"{own_header}, 198.51.100.7")
    assert spoofed.status_code == 429


def test_two_proxies_read_the_second_entry_from_the_right(client, referrer, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # The client (198.51.100.7) reached the outer proxy (10.0.0.5), which reached the inner
    # one (REMOTE_ADDR); the client wrote 192.0.2.99 itself.
    for _ in range(6):
        attempt(client, referrer.username, "wrong", "192.0.2.99, 198.51.100.7, 10.0.0.5")
    assert attempt(client, referrer.username, TEST_PASSWORD,
                   "192.0.2.1, 198.51.100.7, 10.0.0.5").status_code == 429
    assert attempt(client, referrer.username, TEST_PASSWORD,
                   "198.51.100.8, 10.0.0.5").status_code == 302


def test_without_a_proxy_the_header_is_ignored(client, referrer, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for index in range(6):
        attempt(client, referrer.username, "wrong", f"192.0.2.{index}", remote="198.51.100.7")
    assert attempt(client, referrer.username, TEST_PASSWORD, "192.0.2.50",
                   remote="198.51.100.7").status_code == 429


def _viewed_from(client, referral, **headers):
    LogEntry.objects.filter(action=LogEntry.Action.ACCESS).delete()
    assert client.get(f"/referrals/{referral.code}/", **headers).status_code == 200
    return LogEntry.objects.get(action=LogEntry.Action.ACCESS).remote_addr


def test_the_audit_log_records_the_client_behind_the_proxy(
        coordinator_client, behind_one_proxy):
    referral = make_referral()
    assert _viewed_from(coordinator_client, referral, REMOTE_ADDR=PROXY,
                        HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7") == "198.51.100.7"


@pytest.mark.parametrize("own_header", ["192.0.2.99", "not-an-address"])
def test_the_audit_log_ignores_a_forwarded_for_without_a_proxy(
        coordinator_client, settings, own_header):
    settings.TRUSTED_PROXY_COUNT = 0
    referral = make_referral()
    assert _viewed_from(coordinator_client, referral, REMOTE_ADDR="198.51.100.7",
                        HTTP_X_FORWARDED_FOR=own_header) == "198.51.100.7"


def test_the_proxy_count_comes_from_the_environment():
    from tests.helpers import run_manage

    def count(**env):
        result = run_manage("shell", "-c", "from django.conf import settings; "
                            "print(settings.TRUSTED_PROXY_COUNT)", DEBUG="1", **env)
        assert result.returncode == 0, result.stderr
        return int(result.stdout.split()[-1])

    assert count() == 0
    assert count(BEHIND_TLS_PROXY="1") == 1
    assert count(BEHIND_TLS_PROXY="1", TRUSTED_PROXY_COUNT="2") == 2
    refused = run_manage("check", DEBUG="1", TRUSTED_PROXY_COUNT="-1")
    assert refused.returncode != 0 and "TRUSTED_PROXY_COUNT must be 0 or more" in refused.stderr
