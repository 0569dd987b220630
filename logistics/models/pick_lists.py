"""Pick lists (DESIGN §5): which approved kits a warehouse packs together.

A list is made for one warehouse and holds referrals, most urgent first. A referral is on at most
one list at a time: its entry stays until it leaves the list (delivery failed, taken off, or
cancelled) and is then marked removed, so the list still tells what was on it. The referral's own
status (scheduled, packed, delivered) says how far each package is.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from logistics.models.referrals import Referral
from logistics.models.stock import Warehouse


class PickList(models.Model):
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"),
                                  on_delete=models.PROTECT, related_name="pick_lists")
    # Counted per warehouse: "list 12 of Magazijn Noord" is what volunteers say.
    number = models.PositiveIntegerField(_("number"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("made by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    # The page's one-time token: a form sent twice (a double click) makes one list.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("pick list")
        verbose_name_plural = _("pick lists")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("pack_picklist", _("Can mark the kits of a pick list packed")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "number"],
                                    name="pick_list_number_per_warehouse"),
        ]

    def __str__(self):
        return f"{self.warehouse.code} #{self.number}"


class PickListEntry(models.Model):
    pick_list = models.ForeignKey(PickList, on_delete=models.PROTECT, related_name="entries")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT,
                                 related_name="pick_list_entries")
    position = models.PositiveIntegerField(_("position"))
    # When the referral left the list; empty while it is on it.
    removed_at = models.DateTimeField(_("taken off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pick list entry")
        verbose_name_plural = _("pick list entries")
        ordering = ["pick_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pick_list", "referral"],
                                    name="pick_list_entry_once"),
            # On at most one list at a time (DESIGN §5).
            models.UniqueConstraint(fields=["referral"],
                                    condition=models.Q(removed_at__isnull=True),
                                    name="referral_on_one_pick_list"),
        ]

    def __str__(self):
        return f"{self.pick_list} / {self.referral_id}"
