"""Work that waits until the change is committed and, in a request, until its answer has gone
out: the e-mail a change sends. A slow or silent mail server then never keeps a nurse waiting
for the answer to what she did. (Sent in the request, a mail server that took the connection and
said nothing held the answer without end, ``EMAIL_TIMEOUT`` unset; with a timeout still for as
long, or past the server's own limit: an error shown for a change that was made, and a retry
that makes it twice.) Outside a request (a command, the test suite's services) it runs at the
commit.

``later(work)``: call it in the transaction of the change; a rolled-back change runs nothing.
The request's work runs when the server closes the answer (Django's ``request_finished``, sent
after the WSGI server has written it), in the order it was asked for; an error in one is logged
and does not stop the others.

Not bounded as a whole: the work holds the worker, and each mail may wait ``EMAIL_TIMEOUT`` on a
silent server, so many of them can outlast gunicorn's own limit, which then ends the worker and
the rest of the mail with it. A table of mail to send, sent and retried by a command, would not."""

import logging
import threading
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)
_state = threading.local()


def later(work: Callable[[], object]) -> None:
    transaction.on_commit(lambda: _after_the_answer(work))


def _after_the_answer(work: Callable[[], object]) -> None:
    waiting = getattr(_state, "waiting", None)
    if waiting is None:
        _run(work)
    else:
        waiting.append(work)


def _run(work: Callable[[], object]) -> None:
    try:
        work()
    except Exception:  # the change stands; nothing after the answer may break the server
        logger.exception("Work after the answer failed")


def clear() -> None:
    """Forget the request this thread was in (the test suite, between tests: a test that reads
    a streamed answer only in part never closes it, and no ``request_finished`` comes)."""
    _state.waiting = None


def _request_started(**_signal) -> None:
    # Work of a request whose end never came (the server could not write its answer) runs now
    # rather than not at all.
    _request_finished()
    _state.waiting = []


def _request_finished(**_signal) -> None:
    waiting, _state.waiting = getattr(_state, "waiting", None) or [], None
    for work in waiting:
        _run(work)


def listen() -> None:
    """Hear each request's start and end (``AppConfig.ready``). At the end before Django's
    ``close_old_connections``, so that a connection the work opens (the coordinators to mail)
    is closed after it as any request's is, not left open until the worker's next request."""
    request_started.connect(_request_started, dispatch_uid="after_response_started")
    request_finished.disconnect(close_old_connections)
    request_finished.connect(_request_finished, dispatch_uid="after_response_finished")
    request_finished.connect(close_old_connections)
