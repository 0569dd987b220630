import copy

from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter, ResourceTypeFilter
from auditlog.models import LogEntry
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from startpakket import enrolment, services
from startpakket.models import ApiToken, Organisation, User
from startpakket.roles import Role
from startpakket.services import role_mismatch, set_role

admin.site.site_header = _("Startpakket administration")
admin.site.site_title = _("Startpakket")


# What the apps keep about an organisation, edited on its page: each app's admin module adds an
# inline with ``add_organisation_inline``, so that this module imports none of them.
ORGANISATION_INLINES: list[type[admin.options.InlineModelAdmin]] = []


def add_organisation_inline(inline: type[admin.options.InlineModelAdmin]) -> None:
    if inline not in ORGANISATION_INLINES:
        ORGANISATION_INLINES.append(inline)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *ORGANISATION_INLINES]

    def get_readonly_fields(self, request, obj=None):
        # The code is a stable key for the API, exports and scripts: fixed once created.
        return ["code", "created_at"] if obj else ["created_at"]


class RoleFormMixin(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    # The person filling in the form (UserAdmin.get_form): she is offered, and may give, only
    # rights she has herself (startpakket.services.check_update).
    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = self.instance.role
        self.fields["organisation"].required = True
        if self.actor is not None and not self.actor.is_superuser:
            self.fields["role"].choices = [
                (role.value, role.label) for role in Role
                if not services.grant_errors(self.actor, groups=[role_group(role)],
                                             is_staff=role == Role.COORDINATOR)]

    def clean(self):
        cleaned = super().clean()
        organisation, role = cleaned.get("organisation"), cleaned.get("role")
        if organisation and role and (message := role_mismatch(Role(role), organisation)):
            self.add_error("organisation", message)
        if self.actor is not None and role:
            self._check_rights(Role(role), cleaned)
        return cleaned

    def _check_rights(self, role: Role, cleaned: dict) -> None:
        grants = {"role": role, "is_superuser": cleaned.get("is_superuser", False),
                  "permissions": cleaned.get("user_permissions") or ()}
        try:
            if self.instance.pk:  # as stored: the form has not changed it yet
                services.check_update(self.actor, self.instance, **grants)
            else:
                errors = services.grant_errors(
                    self.actor, is_superuser=grants["is_superuser"],
                    is_staff=role == Role.COORDINATOR, groups=[role_group(role)],
                    permissions=grants["permissions"])
                if errors:
                    raise ValidationError({"role" if key == "groups" else key: value
                                           for key, value in errors.items()})
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages_)


def role_group(role: Role) -> Group:
    return Group.objects.get(name=Role(role).value)


class UserCreateForm(RoleFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "organisation"]


class UserEditForm(RoleFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class UserPasswordForm(AdminPasswordChangeForm):
    """The admin's password page, through ``services.set_password``: only for an account the
    actor may manage, and written to the audit trail."""

    actor = None

    def save(self, commit=True):
        password = self.cleaned_data["password1"] if self.cleaned_data.get(
            "set_usable_password", True) else None
        try:
            services.set_password(actor=self.actor, user=self.user, password=password)
        except ValidationError as exc:
            raise PermissionDenied from exc  # validated by the form already
        return self.user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    list_display = [
        "username", "first_name", "last_name", "organisation", "role_label", "is_active"
    ]
    list_filter = ["organisation__kind", "groups", "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email", "language"]}),
        (_("Organisation and role"), {"fields": ["organisation", "role", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    superuser_fieldsets = [
        (_("Superuser"), {"fields": ["is_superuser", "user_permissions"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "organisation", "role", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["new_enrolment_link"]

    def get_queryset(self, request):
        # Lists, change and password pages, bulk actions: only accounts the user may manage.
        return services.manageable_users(
            request.user, super().get_queryset(request).prefetch_related("groups"))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or services.may_manage_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or services.may_manage_user(request.user, obj))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def user_change_password(self, request, id, form_url=""):
        # Django's view builds ``self.change_password_form``; a copy of this admin per request
        # hands it the actor without sharing state between requests.
        per_request = copy.copy(self)
        per_request.change_password_form = type(
            "UserPasswordForm", (UserPasswordForm,), {"actor": request.user})
        return DjangoUserAdmin.user_change_password(per_request, request, id, form_url)

    def save_model(self, request, obj, form, change):
        if change:  # the account as stored, before this change
            services.check_may_manage_user(request.user, User.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.check_may_manage_user(request.user, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One query, whatever was selected: every account must be one she may manage.
        if queryset.exclude(pk__in=services.manageable_users(request.user, queryset)).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    @admin.action(description=_("New enrolment link (removes the authenticator app)"),
                  permissions=["change"])
    def new_enrolment_link(self, request, queryset):
        for user in queryset:
            self._hand_out_link(request, user)

    def _hand_out_link(self, request, user):
        url = enrolment.issue_link(user, actor=request.user)
        if enrolment.mail_link(user, url):
            messages.success(request, gettext("The enrolment link for %(username)s was "
                                              "e-mailed to %(email)s.")
                             % {"username": user.username, "email": user.email})
        else:
            messages.warning(request, gettext(
                "Enrolment link for %(username)s, valid for %(hours)s hours and once: %(url)s "
                "— hand it over yourself; it is not shown again.")
                % {"username": user.username, "hours": settings.ENROLMENT_LINK_HOURS,
                   "url": url})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Only a superuser may hand out superuser rights or loose permissions; a coordinator
        # manages people through their role.
        if obj and request.user.is_superuser:
            fieldsets = [*fieldsets, *self.superuser_fieldsets]
        return fieldsets

    @admin.display(description=_("role"))
    def role_label(self, obj):
        return obj.role.label if obj.role else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        set_role(form.instance, Role(form.cleaned_data["role"]), actor=request.user)
        if not change:
            self._hand_out_link(request, form.instance)


def field_label(model, name: str) -> str:
    """A field's name as pages show it. A relation that has no name of its own (the kit lines
    of a reservation, its referral) goes by the name of the model it points to."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        field = None
    if field is None:
        return name
    if field.is_relation and (field.auto_created or field.verbose_name == name.replace("_", " ")):
        related = field.related_model._meta
        return str(related.verbose_name_plural if field.one_to_many or field.many_to_many
                   else related.verbose_name)
    return str(field.verbose_name)


class KindOfObjectFilter(ResourceTypeFilter):
    """auditlog's filter by kind of object, named as the admin names the models (it shows the
    database's "kitcomponent", "picklistentry")."""

    def lookups(self, request, model_admin):
        ids = model_admin.get_queryset(request).values_list("content_type_id", flat=True)
        kinds = ContentType.objects.filter(pk__in=ids.distinct())
        named = [(kind.pk, capfirst(kind.model_class()._meta.verbose_name_plural)
                  if kind.model_class() else kind.model) for kind in kinds]
        return sorted(named, key=lambda pair: str(pair[1]))


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    """The audit trail (``startpakket.audit``): coordinators browse it; nobody adds, changes or
    deletes an entry here, superusers included. (auditlog's own admin lets a delete of another
    object take entries along; nothing here may.)"""

    list_display = ["created", "resource_url", "action", "summary", "user_url"]
    list_filter = ["action", KindOfObjectFilter, CIDFilter]
    readonly_fields = [*LogEntryAdmin.readonly_fields, "summary"]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "resource_url", "cid"]}),
        (_("Changes"), {"fields": ["action", "summary", "msg"]}),
    ]

    @admin.display(description=_("what"))
    def summary(self, obj):
        """A read: what was read, and with which filters; a change: the fields changed."""
        if obj.action != LogEntry.Action.ACCESS:
            return self.changed_fields(obj)
        details = obj.additional_data or {}
        what = details.get("what") or ""
        what = gettext(what) if what else what  # gettext("") is the catalogue's header
        filters = details.get("filters") or {}
        if filters:
            what += " (" + ", ".join(f"{key}={value}" for key, value in filters.items()) + ")"
        return what

    @staticmethod
    def changed_fields(obj) -> str:
        """Which fields changed, by their names on the pages (auditlog's own summary is in
        English and names the database fields)."""
        if obj.action == LogEntry.Action.DELETE or not obj.changes_dict:
            return ""
        model = obj.content_type.model_class()
        names = [field_label(model, field) for field in obj.changes_dict]
        return ngettext("%(count)d change: %(fields)s", "%(count)d changes: %(fields)s",
                        len(names)) % {"count": len(names), "fields": ", ".join(names)}

    @admin.display(description=_("user"))
    def user_url(self, obj):
        return super().user_url(obj) if obj.actor_id else gettext("system")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Secrets never shown ------------------------------------------------------------------------
# An authenticator's secret, a backup code or an API key would let whoever reads it pass as its
# owner. In the admin a coordinator sees only that a device or token exists, and may delete
# (revoke) it; nobody, superusers included, adds one for someone else or sees a secret.


class SecretFreeAdmin(admin.ModelAdmin):
    """Look and delete: no adding, no changing, every shown field read-only. Only the devices
    and tokens of accounts the user may manage (``services.manageable_users``): removing a
    superuser's authenticator would lock them out."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            user__in=services.manageable_users(request.user))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def titled(list_filter: type[admin.FieldListFilter], title) -> type[admin.FieldListFilter]:
    """A filter on a field under another title than the field's (untranslated) name."""

    class Titled(list_filter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


class DeviceLabels:
    """django-otp names a device's fields in English, without gettext: its pages show them
    through these, under Dutch names."""

    device_fields = ["owner", "device_name", "linked", "made", "last_used"]
    list_filter = [("confirmed", titled(admin.BooleanFieldListFilter, _("linked"))),
                   ("last_used_at", titled(admin.DateFieldListFilter, _("last used")))]
    search_help_text = _("Search by username or e-mail address.")

    @admin.display(description=_("user"), ordering="user__username")
    def owner(self, obj):
        return obj.user

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, obj):
        return obj.name

    @admin.display(description=_("linked"), boolean=True, ordering="confirmed")
    def linked(self, obj):
        return obj.confirmed

    @admin.display(description=_("made"), ordering="created_at")
    def made(self, obj):
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at


class TOTPDeviceAdmin(DeviceLabels, SecretFreeAdmin, otp_totp_admin.TOTPDeviceAdmin):
    list_display = fields = readonly_fields = DeviceLabels.device_fields

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.fields})]

    def get_list_display(self, request):
        return self.list_display  # never django-otp's QR code link

    def config_view(self, request, pk):
        raise Http404  # the secret as a QR code and a URL

    def qrcode_view(self, request, pk):
        raise Http404


class StaticDeviceAdmin(DeviceLabels, SecretFreeAdmin, otp_static_admin.StaticDeviceAdmin):
    list_display = fields = readonly_fields = DeviceLabels.device_fields
    fieldsets = None
    inlines = []  # the backup codes


for device_model, device_admin in [(TOTPDevice, TOTPDeviceAdmin),
                                   (StaticDevice, StaticDeviceAdmin)]:
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
    admin.site.register(device_model, device_admin)


@admin.register(ApiToken)
class ApiTokenAdmin(SecretFreeAdmin):
    """Coordinators see every API token and revoke (delete) one, e.g. of someone who left;
    only its owner makes one (``startpakket.tokens``)."""

    list_display = ["name", "user", "created", "expiry", "last_used_at", "last_used_from"]
    list_filter = ["created", "expiry", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = ["name", "user", "created", "expiry", "last_used_at",
                                "last_used_from"]
