import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "startpakket.settings")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - only after the application is set up
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

if settings.INSECURE_CONFIGURATION:
    raise ImproperlyConfigured(settings.INSECURE_CONFIGURATION)
