from django.conf import settings


def site(request):
    return {
        "demo_mode": settings.DEMO,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
