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
and does not stop the others."""

import logging
import threading
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.db import transaction

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


def _request_started(**_signal) -> None:
    _state.waiting = []


def _request_finished(**_signal) -> None:
    waiting, _state.waiting = getattr(_state, "waiting", None) or [], None
    for work in waiting:
        _run(work)


request_started.connect(_request_started, dispatch_uid="after_response_started")
request_finished.connect(_request_finished, dispatch_uid="after_response_finished")
