from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_is_strong(app_configs, **kwargs):
    if settings.INSECURE_CONFIGURATION:
        return [Error(settings.INSECURE_CONFIGURATION, id="startpakket.E001")]
    return []
