from rest_framework import serializers

from startpakket.models import Organisation, User
from startpakket.roles import Role


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
