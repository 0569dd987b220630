"""Mail waits for the answer (startpakket.after_response): a mail server that takes the
connection and never answers keeps no nurse waiting for her referral, and the mail is given up
after ``EMAIL_TIMEOUT`` with the failure logged. Through a real server (pytest-django's
``live_server``, which closes each answer after writing it, as gunicorn does) and a real
socket standing in for the mail server."""

import json
import logging
import socket
import threading
import urllib.request

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from logistics.models import Referral
from startpakket import after_response
from startpakket.roles import Role
from startpakket.tokens import create_token
from tests.factories import UserFactory
from tests.helpers import referral_payload, run_manage

WAIT = 20  # seconds: far more than any of this takes, so that a failure does not hang the suite


class SilentMailServer:
    """Takes connections and says nothing until ``release()``, then hangs up."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connected, self.released = threading.Event(), threading.Event()
        self.hung_up = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        connection, _address = self.socket.accept()
        self.connected.set()
        self.released.wait(WAIT)
        connection.close()
        self.hung_up.set()

    def release(self):
        self.released.set()


@pytest.fixture
def silent_mail_server(settings):
    server = SilentMailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_TIMEOUT = WAIT
    yield server
    server.release()
    server.socket.close()


@pytest.mark.django_db(transaction=True)
def test_a_silent_mail_server_keeps_no_nurse_waiting(live_server, silent_mail_server, caplog):
    call_command("install_defaults", verbosity=0)  # the transactional database starts empty
    UserFactory(role=Role.COORDINATOR)  # wants an e-mail for each new referral
    nurse = UserFactory(role=Role.REFERRER)
    _token, key = create_token(user=nurse, name="test")
    request = urllib.request.Request(  # noqa: S310 - the test's own server, over http
        f"{live_server.url}/api/v1/referrals/", data=json.dumps(referral_payload()).encode(),
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"})
    answered = {}

    def refer():
        with urllib.request.urlopen(request, timeout=WAIT) as response:  # noqa: S310 - as above
            answered["status"] = response.status
            answered["body"] = json.loads(response.read())

    with caplog.at_level(logging.ERROR):
        nurse_thread = threading.Thread(target=refer, daemon=True)
        nurse_thread.start()
        nurse_thread.join(WAIT)
        # The whole answer arrived while the mail server had not said a word.
        assert answered.get("status") == 201, "the answer waited for the mail server"
        assert not silent_mail_server.hung_up.is_set()
        assert Referral.objects.filter(code=answered["body"]["code"]).exists()
        assert silent_mail_server.connected.wait(WAIT), "no mail was tried"
        silent_mail_server.release()  # it hangs up: the mail fails, and is logged
        for _ in range(WAIT * 10):
            if any("Could not send the e-mail" in r.getMessage() for r in caplog.records):
                break
            threading.Event().wait(0.1)
    assert any(answered["body"]["code"] in r.getMessage() for r in caplog.records
               if "Could not send the e-mail" in r.getMessage())


@pytest.mark.django_db(transaction=True)
def test_outside_a_request_mail_goes_at_the_commit_and_a_rollback_sends_nothing():
    with transaction.atomic():
        after_response.later(lambda: mail.send_mail("kept", "", None, ["a@example.org"]))
        assert mail.outbox == []  # not before the commit
    with transaction.atomic():
        after_response.later(lambda: mail.send_mail("undone", "", None, ["b@example.org"]))
        transaction.set_rollback(True)
    assert [message.subject for message in mail.outbox] == ["kept"]


@pytest.mark.django_db(transaction=True)
def test_one_failing_piece_of_work_stops_neither_the_others_nor_the_server(caplog):
    from django.core.signals import request_finished, request_started

    done = []
    request_started.send(sender=None)
    try:
        with transaction.atomic():
            after_response.later(lambda: 1 / 0)
            after_response.later(lambda: done.append("second"))
        assert done == []  # waits for the answer
    finally:
        with caplog.at_level(logging.ERROR):
            request_finished.send(sender=None)
    assert done == ["second"]
    assert any("Work after the answer failed" in r.getMessage() for r in caplog.records)


def test_the_mail_server_is_waited_for_ten_seconds_or_as_configured():
    show = "from django.conf import settings; print(settings.EMAIL_TIMEOUT)"
    assert run_manage("shell", "-c", show).stdout.splitlines()[-1] == "10"
    assert run_manage("shell", "-c", show, EMAIL_TIMEOUT="3").stdout.splitlines()[-1] == "3"


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_work_opens_is_closed_with_the_request(settings):
    """The work runs before Django's ``close_old_connections``: a connection past its age is
    closed after the work has used it, as after any request, not opened again by the work and
    left open while the worker waits for its next request."""
    from django.core.signals import request_finished, request_started
    from django.db import connection

    used = []
    request_started.send(sender=None)
    try:
        with transaction.atomic():
            after_response.later(lambda: used.append(Referral.objects.count()))
        connection.close_at = 0  # past its age (``DATABASE_CONN_MAX_AGE``)
    finally:
        request_finished.send(sender=None)
    assert used == [0]
    assert connection.connection is None


def test_a_request_whose_end_never_came_has_its_work_done_at_the_next():
    # The handler alone: the signal's other receivers (the database's) are not this test's.
    done = []
    after_response._request_started()  # a streamed answer never read to its end: no finish
    after_response._after_the_answer(lambda: done.append("left"))
    try:
        after_response._request_started()
        assert done == ["left"]
    finally:
        after_response.clear()
