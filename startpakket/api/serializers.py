import copy

from rest_framework import serializers

from startpakket.models import Organisation, User
from startpakket.roles import Role


class FieldsBuiltOnce:
    """For a ``ModelSerializer`` answered on every request: DRF builds its fields anew for each
    instance from the model's definition (a third of the time of answering a new referral);
    this builds them once per class and gives each instance a copy, as DRF does with declared
    fields. Put it before ``ModelSerializer`` in the bases."""

    _built: dict[type, dict] = {}

    def get_fields(self):
        built = FieldsBuiltOnce._built.get(type(self))
        if built is None:
            built = FieldsBuiltOnce._built[type(self)] = super().get_fields()
        return copy.deepcopy(built)


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
