"""Data that requests read again and again and that changes a few times a year (the norm
tables, the policy, the role groups' permissions), kept in each process instead of queried per
request, and dropped in every process as soon as any of it changes (``startpakket.kept``).

An app keeps a value with ``kept(name, build)`` and names the models it is built from with
``rebuilt_on_change(*models)``. Saving or deleting one of them drops every kept value in this
process at once and, when the transaction commits, in every other worker and instance too.

A bulk ``QuerySet.update()`` or ``bulk_create()`` sends no signal: change such rows with
``save()``, as the admin does, or call ``changed()`` in the same transaction.

Keep only plain values (the eligibility rules' dataclasses, sets of names): never model
instances, which a caller could change.
"""

from startpakket.kept import KeptValues

_reference_data = KeptValues("reference-data")

VERSION_KEY = _reference_data.version_key
kept = _reference_data.kept
rebuilt_on_change = _reference_data.rebuilt_on_change
changed = _reference_data.changed
clear = _reference_data.clear
