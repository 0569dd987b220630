# The follow-up kit from one referral (issue 16, DESIGN §4): a kit type names its follow-up kit
# type; a follow-up referral names the referral whose kit it follows, and waits as "planned"
# until its time window opens.

import django.db.models.deletion
from django.db import migrations, models

STATUSES = [
    ("planned", "planned"), ("submitted", "submitted"), ("needs_info", "needs information"),
    ("approved", "approved"), ("rejected", "rejected"), ("scheduled", "scheduled"),
    ("packed", "packed"), ("delivered", "delivered"), ("delivery_failed", "delivery failed"),
    ("cancelled", "cancelled"),
]

# The shipped kits (fixtures/kit_types.json): the first kit is followed by the second.
FIRST_KIT, FOLLOW_UP_KIT = "start-50-68", "vervolg-74-92"


def link_shipped_kits(apps, schema_editor):
    """An installation that has both shipped kit types gets the follow-up kit planned after the
    first, as a new one does; a coordinator unsets it in the admin if the foundation sends one
    kit only."""
    KitType = apps.get_model("logistics", "KitType")
    follow_up = KitType.objects.filter(code=FOLLOW_UP_KIT).first()
    if follow_up is not None:
        KitType.objects.filter(code=FIRST_KIT, follow_up__isnull=True).update(
            follow_up=follow_up)


class Migration(migrations.Migration):

    dependencies = [
        ('logistics', '0011_kit_time_windows'),
    ]

    operations = [
        migrations.AddField(
            model_name='kittype',
            name='follow_up',
            field=models.ForeignKey(blank=True, help_text='When a kit of this type is delivered, this kit is planned for the same family, to be sent in its own time window. Empty: no follow-up kit.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='follows', to='logistics.kittype', verbose_name='follow-up kit type'),
        ),
        migrations.AddField(
            model_name='referral',
            name='follows',
            field=models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_up', to='logistics.referral', verbose_name='follow-up of'),
        ),
        migrations.RemoveConstraint(
            model_name='referral',
            name='referral_status_valid',
        ),
        migrations.AlterField(
            model_name='referral',
            name='status',
            field=models.CharField(choices=STATUSES, default='submitted', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='referralstatuschange',
            name='from_status',
            field=models.CharField(blank=True, choices=STATUSES, max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='referralstatuschange',
            name='to_status',
            field=models.CharField(choices=STATUSES, max_length=20, verbose_name='to'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', [value for value, _ in STATUSES])), name='referral_status_valid'),
        ),
        migrations.RunPython(link_shipped_kits, migrations.RunPython.noop),
    ]
