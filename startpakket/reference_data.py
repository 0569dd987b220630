"""Data that requests read again and again and that changes a few times a year (the norm
tables, the policy, the role groups' permissions), kept in each process instead of queried per
request, and dropped in every process as soon as any of it changes.

An app keeps a value with ``kept(name, build)`` and names the models it is built from with
``rebuilt_on_change(*models)``. Saving or deleting one of them drops every kept value in this
process at once and, when the transaction commits, in every other worker and instance too: they
compare a version stamp in the shared cache (``CACHE_URL``, ``startpakket.caches``) once per
request. Until that commit nothing is kept here, so a value never holds what a rolled-back
transaction wrote. Outside a request (commands, tests) the stamp is compared on every use.

A bulk ``QuerySet.update()`` sends no signal: change such rows with ``save()``, as the admin does.

Keep only plain values (the eligibility rules' dataclasses, sets of names): never model
instances, which a caller could change.
"""

import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "startpakket:reference-data-version"

T = TypeVar("T")
_state = threading.local()


def kept(name: str, build: Callable[[], T]) -> T:
    """The value kept under ``name``, built by ``build()`` the first time after a change."""
    values = _values()
    if values is None:
        return build()
    if name not in values:
        values[name] = build()
    return values[name]


def rebuilt_on_change(*models) -> None:
    """Drop every kept value when a row of one of ``models`` is saved or deleted (a many-to-many
    field's table, ``Model.field.through``, when its rows are added or removed)."""
    for model in models:
        uid = f"reference_data:{model._meta.label}"
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=uid)
        m2m_changed.connect(_changed, sender=model, weak=False, dispatch_uid=uid)


def clear() -> None:
    """Drop what this process keeps, without telling others (the test suite, between tests:
    the database is rolled back, which no signal reports)."""
    _state.values, _state.pending, _state.compared, _state.version = {}, False, False, None


def _values() -> dict | None:
    if getattr(_state, "pending", False):
        return None  # changed in a transaction that has not committed (or was rolled back)
    if not getattr(_state, "compared", False):
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        if version != getattr(_state, "version", None):
            _state.version, _state.values = version, {}
        _state.compared = getattr(_state, "in_request", False)
    return _state.values


def _changed(**_signal) -> None:
    _state.values, _state.pending, _state.compared = {}, True, False
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _state.values, _state.pending, _state.compared = {}, False, False


def _request_started(**_signal) -> None:
    _state.in_request, _state.compared, _state.pending = True, False, False


def _request_finished(**_signal) -> None:
    _state.in_request, _state.compared, _state.pending = False, False, False


request_started.connect(_request_started, dispatch_uid="reference_data_started")
request_finished.connect(_request_finished, dispatch_uid="reference_data_finished")
