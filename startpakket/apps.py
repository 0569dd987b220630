from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartpakketConfig(AppConfig):
    name = "startpakket"
    verbose_name = _("Organisations and users")

    def ready(self):
        from django.contrib.auth.models import Group, Permission
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate
        from reportlab import rl_config

        from startpakket import (
            after_response,
            audit,
            caches,
            checks,  # noqa: F401 - registers the system checks
            database,
            reference_data,
            widgets,
        )
        from startpakket.middleware import start_session_clock
        from startpakket.models import Organisation

        audit.track(audit.PROJECT_MODELS)
        # Mail after the answer (``after_response``).
        after_response.listen()
        # The clock starts as the session is made at login, which is written anyway: no extra
        # write on the first request afterwards.
        user_logged_in.connect(start_session_clock, dispatch_uid="start_session_clock")
        # `migrate` makes the database cache's table: no `createcachetable` step anywhere.
        post_migrate.connect(caches.create_cache_tables, sender=self,
                             dispatch_uid="create_cache_tables")
        connection_created.connect(database.set_up_connection, dispatch_uid="set_up_connection")
        # reportlab checks every attribute set on a drawing's shape against its type: a help
        # while writing a drawing, and half the time of drawing the dashboard's five charts
        # (8 → 4 ms). Ours are fixed code, tested by what they draw; reportlab reads this on
        # each assignment.
        rl_config.shapeChecking = 0
        # What each group may do is kept in each process (startpakket.auth_backends).
        reference_data.rebuilt_on_change(Group, Permission, Group.permissions.through)
        # The organisations to choose from in a filter (``widgets.NamedChoices``).
        widgets.options_from(Organisation)
