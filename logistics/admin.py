"""Admin for items, kit types and the stock ledger (DESIGN §5), and for what logistics keeps
about an organisation (an inline on the organisation's page).

Items, kit types and kit contents are master data: edited here and imported or exported as CSV
or XLSX. Stock levels, movements and reservations are shown read-only: they change only through
``logistics.stock.services``, which keeps the ledger and the stored levels in step.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from logistics.models import (
    Item,
    KitComponent,
    KitType,
    Municipality,
    OrganisationSettings,
    PickupPoint,
    PostcodeRange,
    Referral,
    ReferralStatusChange,
    Reservation,
    ReservationLine,
    StockLevel,
    StockMovement,
)
from logistics.referrals import services as referral_services
from logistics.referrals.rules import normalise_postcode
from logistics.statistics.municipalities import overlap_errors
from logistics.statistics.resources import MunicipalityResource
from logistics.stock.resources import ItemResource, KitComponentResource, KitTypeResource
from startpakket import audit
from startpakket.admin import add_organisation_inline
from startpakket.spreadsheets import CSV, XLSX


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows only the stock services may write. Viewing follows the user's view permission;
    nobody adds, changes or deletes here, superusers included, since an edit by hand would make
    the stored levels disagree with the ledger."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrganisationSettingsInline(admin.StackedInline):
    """On the organisation's page: a referring organisation's default warehouse, the
    foundation's contact line and return address. A row is stored only once something is
    filled in."""

    model = OrganisationSettings
    fk_name = "organisation"  # not the default warehouse, also an organisation
    fields = ["default_warehouse", "contact_line", "return_address"]
    can_delete = False


add_organisation_inline(OrganisationSettingsInline)


@admin.register(Item)
class ItemAdmin(ImportExportMixin, admin.ModelAdmin):
    resource_classes = [ItemResource]
    formats = [CSV, XLSX]
    list_display = ["sku", "name", "unit", "low_stock_level", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["sku", "name"]
    fields = ["sku", "name", "unit", "low_stock_level", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # The SKU is a stable key for the API, imports and pick lists: fixed once created.
        return ["sku"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # The ledger and kit contents refer to items: deactivate one instead.
        return False


class KitComponentInline(admin.TabularInline):
    model = KitComponent
    fields = ["item", "quantity", "per_baby"]
    # In the order they were entered: the order a box is packed in (the pick list's).
    ordering = ["pk"]
    autocomplete_fields = ["item"]
    extra = 1


@admin.register(KitType)
class KitTypeAdmin(ImportExportMixin, admin.ModelAdmin):
    resource_classes = [KitTypeResource]
    formats = [CSV, XLSX]
    list_display = ["code", "name", "window_opens_weeks", "deliver_by_weeks", "follow_up",
                    "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["follow_up"]
    search_fields = ["code", "name", "name_en"]
    fields = ["code", "name", "description", "name_en", "description_en", "window_opens_weeks",
              "deliver_by_weeks", "follow_up", "is_active"]
    inlines = [KitComponentInline]

    def get_readonly_fields(self, request, obj=None):
        # The code is a stable key for the API and exports: fixed once created.
        return ["code"] if obj else []

    def get_import_resource_kwargs(self, request, **kwargs):
        # An imported window moves the dates of the kit type's referrals under way, as a
        # window changed here does (save_model).
        return {**super().get_import_resource_kwargs(request, **kwargs),
                "on_window_change": referral_services.apply_kit_window}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # In the admin's transaction: the kit type and its referrals' dates change together.
        if change and {"window_opens_weeks", "deliver_by_weeks"} & set(form.changed_data):
            moved = referral_services.apply_kit_window(obj)
            self.message_user(request, ngettext(
                "%(count)d referral under way got new dates to deliver by.",
                "%(count)d referrals under way got new dates to deliver by.",
                moved) % {"count": moved})

    def has_delete_permission(self, request, obj=None):
        # Reservations refer to kit types: deactivate one instead.
        return False


@admin.register(KitComponent)
class KitComponentAdmin(ImportExportMixin, admin.ModelAdmin):
    """All kits' contents as one list, so a coordinator can import them from a spreadsheet."""

    resource_classes = [KitComponentResource]
    formats = [CSV, XLSX]
    list_display = ["kit_type", "item", "quantity", "per_baby"]
    list_filter = ["kit_type"]
    list_select_related = ["kit_type", "item"]
    search_fields = ["kit_type__code", "kit_type__name", "item__sku", "item__name"]
    fields = ["kit_type", "item", "quantity", "per_baby"]
    autocomplete_fields = ["kit_type", "item"]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["item", "warehouse", "on_hand", "reserved", "available"]
    list_filter = ["warehouse"]
    list_select_related = ["item", "warehouse"]
    search_fields = ["item__sku", "item__name"]
    fields = readonly_fields = ["item", "warehouse", "on_hand", "reserved"]

    def get_queryset(self, request):
        # Annotated so that the "available" column can be sorted by the database.
        return super().get_queryset(request).annotate(available_count=F("on_hand") - F("reserved"))

    @admin.display(description=_("available"), ordering="available_count")
    def available(self, obj):
        return obj.available


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    """The ledger: append-only; a correction is a new movement booked through the stock pages."""

    list_display = ["created_at", "kind", "item", "warehouse", "quantity", "created_by", "note"]
    list_filter = ["kind", "warehouse"]
    date_hierarchy = "created_at"
    list_select_related = ["item", "warehouse", "created_by"]
    # Counting a million rows for "n of N" on every page costs more than the page itself.
    show_full_result_count = False
    fields = readonly_fields = [
        "created_at", "kind", "item", "warehouse", "quantity", "reservation", "batch",
        "created_by", "note",
    ]


class ReservationLineInline(admin.TabularInline):
    model = ReservationLine
    fields = readonly_fields = ["item", "quantity"]
    verbose_name = _("reserved item")
    verbose_name_plural = _("reserved items")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")

    def has_view_permission(self, request, obj=None):
        # The lines are part of the reservation, and the role groups grant no permission of
        # their own for them: whoever may view the reservation may view its lines.
        opts = Reservation._meta
        return request.user.has_perm(
            f"{opts.app_label}.{get_permission_codename('view', opts)}"
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kit_type", "warehouse", "kits", "babies", "state",
                    "created_by", "closed_at"]
    list_filter = ["state", "warehouse", "kit_type"]
    list_select_related = ["kit_type", "warehouse", "created_by"]
    fields = readonly_fields = ["kit_type", "warehouse", "kits", "babies", "state",
                                "created_by", "created_at", "closed_at"]
    inlines = [ReservationLineInline]


class StatusChangeInline(admin.TabularInline):
    model = ReferralStatusChange
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("logistics.view_referral")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    """To look things up. Decisions are taken on the referral pages, where every change goes
    through the workflow and leaves a history row."""

    list_display = ["code", "status", "organisation", "kit_type", "due_date", "deliver_by",
                    "warehouse", "created_at"]
    list_filter = ["status", "organisation", "kit_type", "warehouse"]
    list_select_related = ["organisation", "kit_type", "warehouse"]
    search_fields = ["code"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline]
    exclude = ["household", "incomes", "eligibility"]

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        # The page shows the family's name, address and phone.
        if obj is not None:
            audit.record_read(user=request.user, obj=obj, what=audit.REFERRAL_VIEWED)
        return super().render_change_form(request, context, add, change, form_url, obj)


class PostcodeRangeFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        ranges = sorted(
            (form.cleaned_data["first"], form.cleaned_data["last"]) for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("first") and form.cleaned_data.get("last"))
        if errors := overlap_errors(self.instance, ranges):
            raise ValidationError(errors)


class PostcodeRangeInline(admin.TabularInline):
    model = PostcodeRange
    formset = PostcodeRangeFormSet
    fields = ["first", "last"]
    extra = 1


@admin.register(Municipality)
class MunicipalityAdmin(ImportExportMixin, admin.ModelAdmin):
    """Municipalities and their four-digit postcodes, for the statistics (DESIGN §6); in and out
    as CSV/XLSX with the postcodes as text. After a change, ``manage.py derive_municipalities``
    sets the referrals' municipality again."""

    resource_classes = [MunicipalityResource]
    formats = [CSV, XLSX]
    list_display = ["code", "name", "price_per_kit", "postcodes"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "price_per_kit"]
    inlines = [PostcodeRangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("postcode_ranges")

    @admin.display(description=_("postcodes"))
    def postcodes(self, municipality):
        return MunicipalityResource().dehydrate_postcodes(municipality)


class PickupPointForm(forms.ModelForm):
    class Meta:
        model = PickupPoint
        fields = ["code", "name", "warehouse", "address", "postcode", "city", "opening_hours",
                  "is_active"]

    def clean_postcode(self):
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise ValidationError(_("Not a Dutch postcode: four digits (the first not 0) and "
                                    "two letters, such as 1234 AB."))
        return postcode


@admin.register(PickupPoint)
class PickupPointAdmin(admin.ModelAdmin):
    """Where families collect their kit (DESIGN §4). A point that closes is made inactive:
    referrals keep it, new ones cannot choose it."""

    form = PickupPointForm
    list_display = ["name", "code", "city", "warehouse", "is_active"]
    list_filter = ["is_active", "warehouse"]
    list_select_related = ["warehouse"]
    search_fields = ["code", "name", "city"]

    def get_readonly_fields(self, request, obj=None):
        # The code is a stable key for the API: fixed once created.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # Referrals refer to their point: make one inactive instead.
        return False
