from django.conf import settings


def site(request):
    return {
        "demo_mode": settings.DEMO,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        # Logged in with the password only: the menu would lead nowhere but back here.
        "second_step_pending": settings.TWO_FACTOR_REQUIRED and request.user.is_authenticated
        and not request.user.is_verified(),
    }
