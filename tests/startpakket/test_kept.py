"""``startpakket.kept``: values kept per process under a stamp in the shared cache. What the
reference data and the dashboard rely on is tested with them (``test_reference_data.py``,
``tests/logistics/statistics/test_kept_figures.py``); here what neither shows."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

from startpakket import kept
from startpakket.kept import KeptValues

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds_of_this_test_only():
    """The kinds made here hear every request while registered: not after their test."""
    before = list(kept._kinds)
    yield
    kept._kinds[:] = before


def builder(log: list):
    def build(key):
        return lambda: log.append(key) or key.upper()
    return build


def test_at_most_limit_values_the_first_kept_dropped_first():
    kind, built = KeptValues("test-limit", limit=2), []
    build = builder(built)
    assert [kind.kept(key, build(key)) for key in "abacba"] == list("ABACBA")
    # a, b built; a kept; c drops a; b kept; a built again (dropping b).
    assert built == list("abca")


def test_each_kind_has_a_stamp_of_its_own(django_capture_on_commit_callbacks):
    often, rarely = KeptValues("test-often"), KeptValues("test-rarely")
    built = []
    build = builder(built)
    often.kept("x", build("often"))
    rarely.kept("x", build("rarely"))
    with django_capture_on_commit_callbacks(execute=True):
        often.changed()
    assert cache.get(often.version_key) is None
    assert cache.get(rarely.version_key) is not None
    often.kept("x", build("often"))
    rarely.kept("x", build("rarely"))
    assert built == ["often", "rarely", "often"]


def test_nothing_is_kept_while_a_change_is_not_committed():
    kind, built = KeptValues("test-pending"), []
    build = builder(built)
    kind.kept("x", build("before"))
    with pytest.raises(RuntimeError), transaction.atomic():
        kind.changed()
        kind.kept("x", build("inside"))
        kind.kept("x", build("inside"))  # built again: what the change wrote is not kept
        raise RuntimeError("rolled back")
    request_started.send(sender=None)
    kind.kept("x", build("after"))
    kind.kept("x", build("after"))  # kept again
    request_finished.send(sender=None)
    assert built == ["before", "inside", "inside", "after"]
