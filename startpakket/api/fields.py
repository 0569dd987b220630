"""Serializer fields shared by the API's apps."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object named by its code; one that does not exist, or that the user may not
    use, gets the same message, so nothing is revealed about other organisations."""

    default_error_messages = {
        "does_not_exist": _("Unknown code: %(value)s."),
        "invalid": _("Enter a code."),
    }

    def to_internal_value(self, data):
        # A NUL character cannot even be compared by PostgreSQL: no code has one.
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except self.get_queryset().model.DoesNotExist:
            raise serializers.ValidationError(
                self.error_messages["does_not_exist"] % {"value": data[:50]}
            ) from None
