import copy

from rest_framework import serializers

from startpakket.models import Organisation, User
from startpakket.roles import Role


class FieldsBuiltOnce:
    """For a serializer used on every request: DRF builds its fields anew for each instance, a
    ``ModelSerializer``'s from the model's definition (a third of the time of answering a new
    referral), a plain one's by deep copies of the declared ones (the referral's input with its
    household and incomes: 7% of a new referral);
    this builds them once per class and gives each instance a copy. Put it before
    ``ModelSerializer`` or ``Serializer`` in the bases.

    DRF's own copy of a field is deep: it builds the field again from deep copies of its
    arguments (choices, validators, texts): another 5% of answering a referral. A
    field holds nothing of one serializer until ``bind`` sets its name and parent on it, so a
    shallow copy of an unbound field does; a field that holds fields of its own (a nested
    serializer, a list's child) is copied deeply, as their binding would be shared."""

    _built: dict[type, dict] = {}

    def get_fields(self):
        built = FieldsBuiltOnce._built.get(type(self))
        if built is None:
            built = FieldsBuiltOnce._built[type(self)] = super().get_fields()
        return {name: copy.deepcopy(field) if _holds_fields(field) else copy.copy(field)
                for name, field in built.items()}


def _holds_fields(field: serializers.Field) -> bool:
    return (isinstance(field, serializers.BaseSerializer)
            or hasattr(field, "child") or hasattr(field, "child_relation"))


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True, read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["username", "role", "organisation"]
        read_only_fields = fields
