from rest_framework.permissions import BasePermission


class HasRequiredPermission(BasePermission):
    """Each API view names the permission it needs in ``required_permission``; the role groups
    in ``fixtures/groups.json`` decide who holds it."""

    def has_permission(self, request, view):
        required = getattr(view, "required_permission", None)
        if required is None:
            raise AttributeError(f"{type(view).__name__} must set required_permission")
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(required))
