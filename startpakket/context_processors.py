from django.conf import settings


def site(request):
    # No user when a request is refused before authentication ran (a bad Host header's 400).
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        # Logged in with the password only: the menu would lead nowhere but back here.
        "second_step_pending": settings.TWO_FACTOR_REQUIRED and user is not None
        and user.is_authenticated and not user.is_verified(),
    }
