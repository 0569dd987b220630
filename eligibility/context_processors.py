from eligibility import explain, services
from startpakket.roles import Role


def norm_banner(request):
    """Coordinators are told on every page when the newest norm table has grown stale."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.role == Role.COORDINATOR):
        return {}
    warning = services.newest_norm_table_warning()
    return {"norm_banner": explain.text(warning) if warning else None}
