from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartpakketConfig(AppConfig):
    name = "startpakket"
    verbose_name = _("Organisations and users")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from startpakket import (
            audit,
            checks,  # noqa: F401 - registers the system checks
        )
        from startpakket.middleware import start_session_clock

        audit.track(audit.PROJECT_MODELS)
        # The clock starts as the session is made at login, which is written anyway: no extra
        # write on the first request afterwards.
        user_logged_in.connect(start_session_clock, dispatch_uid="start_session_clock")
