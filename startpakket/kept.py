"""Values kept in each process between requests, and dropped in every process as soon as what
they were built from changes.

Each kind of kept values (a ``KeptValues``) has its own version stamp in the shared cache
(``CACHE_URL``, ``startpakket.caches``), compared once per request. A change drops what this
process keeps at once and, when its transaction commits, removes the stamp, so that every
other worker and instance drops its values at its next request. Until that commit nothing is
kept in the changing process, so a value never holds what a rolled-back transaction wrote.
Outside a request (commands, tests) the stamp is compared on every use.

A stamp is read before the data a value is built from, and removed only after the change
committed: a value built from older data is kept under a stamp that is gone by then.

Kinds, each with a stamp of its own so that one that changes often does not drop the other:
``startpakket.reference_data`` (norm tables, policy, the role groups' permissions: a few
changes a year), ``startpakket.widgets``' named choices (the organisations a filter offers: a
new one now and then) and ``logistics.statistics.kept_figures`` (the dashboard's figures:
every referral changes them).
"""

import threading
import uuid
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")
_kinds: list["KeptValues"] = []


class KeptValues:
    """Values kept under a key (``kept(key, build)``), dropped when ``changed()`` is called in
    the transaction of a change, or a row of a model named in ``rebuilt_on_change`` is saved
    or deleted. ``limit``: at most that many values, the oldest dropped first."""

    def __init__(self, name: str, *, limit: int | None = None):
        self.version_key = f"startpakket:{name}-version"
        self.limit = limit
        self._state = threading.local()
        _kinds.append(self)

    def kept(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value kept under ``key``, built by ``build()`` the first time after a change."""
        values = self._values()
        if values is None:
            return build()
        if key not in values:
            value = build()
            if self.limit is not None and len(values) >= self.limit:
                del values[next(iter(values))]
            values[key] = value
        return values[key]

    def changed(self) -> None:
        """Drop every kept value: call it in the transaction of a change (once is enough)."""
        state = self._state
        state.values, state.pending, state.compared = {}, True, False
        transaction.on_commit(self._new_version)

    def rebuilt_on_change(self, *models) -> None:
        """Drop every kept value when a row of one of ``models`` is saved or deleted (a
        many-to-many field's table, ``Model.field.through``, when its rows are added or
        removed), also through a proxy of it (a warehouse is an organisation): Django sends
        the signals of a row saved as a proxy with the proxy as sender. Call it once every
        model is loaded (``AppConfig.ready``)."""
        for model in models:
            for sender in _with_proxies(model):
                uid = f"{self.version_key}:{sender._meta.label}"
                post_save.connect(self._changed, sender=sender, weak=False, dispatch_uid=uid)
                post_delete.connect(self._changed, sender=sender, weak=False, dispatch_uid=uid)
                m2m_changed.connect(self._changed, sender=sender, weak=False, dispatch_uid=uid)

    def clear(self) -> None:
        """Drop what this process keeps, without telling others (the test suite, between
        tests: the database is rolled back, which no signal reports)."""
        state = self._state
        state.values, state.pending, state.compared, state.version = {}, False, False, None

    def _values(self) -> dict | None:
        state = self._state
        if getattr(state, "pending", False):
            return None  # changed in a transaction that has not committed (or was rolled back)
        if not getattr(state, "compared", False):
            version = cache.get(self.version_key)
            if version is None:
                cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
                version = cache.get(self.version_key)
            if version is None:
                return None  # removed again at this moment: keep nothing this time
            if version != getattr(state, "version", None):
                state.version, state.values = version, {}
            state.compared = getattr(state, "in_request", False)
        return state.values

    def _changed(self, **_signal) -> None:
        self.changed()

    def _new_version(self) -> None:
        # Removed rather than replaced: one statement on the database's cache (a new stamp is
        # four), after every referral's commit; the next reader puts a new one.
        cache.delete(self.version_key)
        state = self._state
        state.values, state.pending, state.compared = {}, False, False

    def _request(self, *, started: bool) -> None:
        state = self._state
        state.in_request, state.compared, state.pending = started, False, False


def _with_proxies(model) -> list:
    return [model, *(other for other in apps.get_models()
                     if other._meta.proxy and other._meta.concrete_model is model)]


def clear_all() -> None:
    """``clear()`` every kind (the test suite, between tests)."""
    for kind in _kinds:
        kind.clear()


def _request_started(**_signal) -> None:
    for kind in _kinds:
        kind._request(started=True)


def _request_finished(**_signal) -> None:
    for kind in _kinds:
        kind._request(started=False)


request_started.connect(_request_started, dispatch_uid="kept_values_started")
request_finished.connect(_request_finished, dispatch_uid="kept_values_finished")
