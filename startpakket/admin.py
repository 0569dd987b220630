from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from startpakket.models import Organisation, User
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = self.instance.role
        self.fields["organisation"].required = True

    def clean(self):
        cleaned = super().clean()
        organisation, role = cleaned.get("organisation"), cleaned.get("role")
        if organisation and role and (message := role_mismatch(Role(role), organisation)):
            self.add_error("organisation", message)
        return cleaned


class UserCreateForm(RoleFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "organisation"]


class UserEditForm(RoleFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


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
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

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
        set_role(form.instance, Role(form.cleaned_data["role"]))


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    """The audit trail (``startpakket.audit``): coordinators browse it; nobody adds, changes or
    deletes an entry here, superusers included. (auditlog's own admin lets a delete of another
    object take entries along; nothing here may.)"""

    list_display = ["created", "resource_url", "action", "summary", "user_url"]
    readonly_fields = [*LogEntryAdmin.readonly_fields, "summary"]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "resource_url", "cid"]}),
        (_("Changes"), {"fields": ["action", "summary", "msg"]}),
    ]

    @admin.display(description=_("what"))
    def summary(self, obj):
        """A read: what was read, and with which filters; a change: the fields changed."""
        if obj.action != LogEntry.Action.ACCESS:
            return self.msg_short(obj)
        details = obj.additional_data or {}
        what = details.get("what") or ""
        what = gettext(what) if what else what  # gettext("") is the catalogue's header
        filters = details.get("filters") or {}
        if filters:
            what += " (" + ", ".join(f"{key}={value}" for key, value in filters.items()) + ")"
        return what

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
