"""Who may do what: Django's permissions, with what each group may do kept in each process."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from startpakket import reference_data


def _permissions_by_group() -> dict[int, frozenset[str]]:
    """``{group id: {"app_label.codename", ...}}`` for every group, in one query."""
    by_group: dict[int, set[str]] = {}
    rows = Permission.objects.filter(group__isnull=False).values_list(
        "group__id", "content_type__app_label", "codename")
    for group_id, app_label, codename in rows:
        by_group.setdefault(group_id, set()).add(f"{app_label}.{codename}")
    return {group_id: frozenset(names) for group_id, names in by_group.items()}


class ModelBackendWithKeptGroups(ModelBackend):
    """Django's ``ModelBackend``, but the role groups' permissions (``fixtures/groups.json``,
    changed only when someone edits a group) come from ``startpakket.reference_data`` instead
    of a query on every request; the user's own groups and permissions are still read per
    request, so a changed role counts at once. ``StartpakketConfig.ready`` names the models
    whose change drops them."""

    def get_group_permissions(self, user_obj, obj=None):
        if (not user_obj.is_active or user_obj.is_anonymous or obj is not None
                or user_obj.is_superuser):
            return super().get_group_permissions(user_obj, obj)
        if not hasattr(user_obj, "_group_perm_cache"):
            by_group = reference_data.kept("startpakket.group_permissions",
                                           _permissions_by_group)
            user_obj._group_perm_cache = {
                name for group in user_obj.group_list for name in by_group.get(group.pk, ())}
        return user_obj._group_perm_cache
