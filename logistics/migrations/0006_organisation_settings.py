# An organisation's default warehouse and contact line move from startpakket's Organisation to
# logistics (issue 12): this migration makes their new home and copies the values;
# startpakket 0005 then removes the old fields.

import django.db.models.deletion
from django.db import migrations, models


def copy_from_organisations(apps, schema_editor):
    """A settings row for every organisation with a default warehouse or a contact line."""
    db = schema_editor.connection.alias
    Organisation = apps.get_model("startpakket", "Organisation")
    OrganisationSettings = apps.get_model("logistics", "OrganisationSettings")
    OrganisationSettings.objects.using(db).bulk_create([
        OrganisationSettings(organisation_id=pk, default_warehouse_id=warehouse_id,
                             contact_line=contact_line)
        for pk, warehouse_id, contact_line in Organisation.objects.using(db)
        .exclude(default_warehouse=None, contact_line="")
        .values_list("pk", "default_warehouse_id", "contact_line")
    ])


def copy_to_organisations(apps, schema_editor):
    db = schema_editor.connection.alias
    Organisation = apps.get_model("startpakket", "Organisation")
    OrganisationSettings = apps.get_model("logistics", "OrganisationSettings")
    for row in OrganisationSettings.objects.using(db).all():
        Organisation.objects.using(db).filter(pk=row.organisation_id).update(
            default_warehouse_id=row.default_warehouse_id, contact_line=row.contact_line)


class Migration(migrations.Migration):

    dependencies = [
        ('logistics', '0005_pick_lists'),
        ('startpakket', '0004_organisation_contact_line'),
    ]

    operations = [
        migrations.CreateModel(
            name='OrganisationSettings',
            fields=[
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='logistics_settings', serialize=False, to='startpakket.organisation', verbose_name='organisation')),
                ('contact_line', models.CharField(blank=True, help_text='For the foundation: printed at the bottom of every delivery slip, e.g. “Stichting Babystart · 020 123 4567 · info@babystart.nl”.', max_length=200, verbose_name='contact line')),
                ('default_warehouse', models.ForeignKey(blank=True, help_text="Where this organisation's approved referrals are packed, when there is more than one warehouse.", limit_choices_to={'kind': 'warehouse'}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='logistics.warehouse', verbose_name='default warehouse')),
            ],
            options={
                'verbose_name': 'logistics settings',
                'verbose_name_plural': 'logistics settings',
            },
        ),
        migrations.RunPython(copy_from_organisations, copy_to_organisations),
    ]
