"""The statistics' counts, kept up to date as referrals change (DESIGN §6), so that the dashboard
reads a few thousand sums instead of a year of referrals and their history. Written only by
``logistics.statistics.tally``, which also says what each count means; read by
``logistics.statistics.figures``.

Keys are plain numbers and texts rather than foreign keys: an upsert needs a key without NULLs
(0 and "" stand for "none"), and a count must outlive nothing it points at (a municipality that
is deleted makes its referrals' municipality unknown; ``figures`` reads an id it no longer finds
as unknown too)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from logistics.models.referrals import Referral


class FigureCount(models.Model):
    """The measures of one month for one group: ``grouping`` says which of the key's columns
    are filled. ``all``: every column, for any combination of groupings (the API and exports);
    ``organisation``, ``kit_type``, ``method``: only that one besides month and municipality,
    so that a table by one grouping (the dashboard's) sums far fewer rows."""

    grouping = models.CharField(max_length=12)
    month = models.DateField()  # its first day
    municipality = models.IntegerField(default=0)  # Municipality id; 0: unknown
    organisation = models.IntegerField(default=0)  # Organisation id; 0: not in this grouping
    kit_type = models.IntegerField(default=0)  # KitType id; 0: not in this grouping
    method = models.CharField(max_length=10, blank=True)  # DeliveryMethod; "": not in it
    referred = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    delivered = models.IntegerField(default=0)
    delivered_in_time = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("statistics count")
        verbose_name_plural = _("statistics counts")
        constraints = [
            models.UniqueConstraint(
                fields=["grouping", "month", "municipality", "organisation", "kit_type", "method"],
                name="figure_count_key"),
        ]
        indexes = [
            # The table per organisation sums a year of rows (30,000 at 4,000 organisations)
            # to find the 15 largest: read from this index alone, not row by row from the
            # table (SQLite: its query 33 → 24 ms on a slow day). Municipality too, for the
            # same table of one municipality.
            models.Index(fields=["grouping", "month", "organisation", "municipality", "referred",
                                 "approved", "rejected", "cancelled", "delivered",
                                 "delivered_in_time"],
                         name="figure_count_by_organisation"),
            # Then the 15 found summed over every measure: by the index above, the whole year
            # again (11 ms); by this one each organisation's months only (0.5 ms). Only its
            # rows, without the counts: a referral's counts change rows, not this index.
            models.Index(fields=["organisation", "month"],
                         condition=models.Q(grouping="organisation"),
                         name="figure_count_organisation"),
        ]

    def __str__(self):
        return f"{self.grouping} {self.month:%Y-%m}"


class FigureTally(models.Model):
    """How many of one kind in a month and municipality, by ``value``: ``status`` (the current
    status of the referrals referred in the month), ``days_to_approval`` and
    ``days_to_delivery`` (a number of days, for the medians), ``issued`` (an item's id: the
    quantity packed). Each is kept per municipality and once more for all of them together
    (``ALL_MUNICIPALITIES``): the dashboard of all municipalities, the one most looked at,
    then reads a row per value instead of one per value and municipality."""

    ALL_MUNICIPALITIES = -1

    month = models.DateField()
    municipality = models.IntegerField(default=0)  # Municipality id; 0: unknown; -1: all
    measure = models.CharField(max_length=20)
    value = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("statistics tally")
        verbose_name_plural = _("statistics tallies")
        constraints = [
            # The measure first: each of its queries reads its own rows only.
            models.UniqueConstraint(fields=["measure", "month", "municipality", "value"],
                                    name="figure_tally_key"),
        ]

    def __str__(self):
        return f"{self.measure} {self.month:%Y-%m} {self.value}: {self.count}"


class CountedReferral(models.Model):
    """What one referral adds to the counts now (``tally.Contribution`` as JSON), so that the
    next change of it takes exactly that away again, whatever changed."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, primary_key=True,
                                    related_name="+")
    counted = models.JSONField()

    class Meta:
        verbose_name = _("counted referral")
        verbose_name_plural = _("counted referrals")

    def __str__(self):
        return str(self.referral_id)
