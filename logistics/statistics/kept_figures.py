"""The dashboard's figures, kept in each process between requests (``startpakket.kept``).

At 100,000 referrals the page sums a year of kept counts per organisation, municipality, kit
type and method and draws five charts: about 90 ms of its 150 (SQLite, 2 cores). Opened again,
for another period and back, or by a second coordinator whom the same worker answers, it shows
the same figures until a count or a name in them changes (each worker builds them once). So
they are kept per period, municipality and language (the names and month labels are in it), at
most ``LIMIT`` of them, and dropped in every process when the counts change (``tally`` calls
``changed()`` in the transaction that writes them) or a row whose name they show is saved or
deleted (``logistics.apps``: ``names_from``).

Stock is not kept: it changes with every movement, and the page reads it each time."""

from startpakket.kept import KeptValues

# Periods × municipalities × languages looked at between two changes.
LIMIT = 64

_figures = KeptValues("statistics", limit=LIMIT)

VERSION_KEY = _figures.version_key
kept = _figures.kept
changed = _figures.changed
names_from = _figures.rebuilt_on_change
