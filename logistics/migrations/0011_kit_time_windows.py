# Time windows per kit type (issue 16, DESIGN §4): a kit type says from when to when its kit
# should arrive, in weeks from the due (or birth) date; a referral stores its window's dates.

import datetime

import django.core.validators
from django.db import migrations, models

# The shipped follow-up kit (fixtures/kit_types.json): from three to six months after the
# birth. Every other kit type keeps the defaults, the first kit's window: 16 to 6 weeks before.
FOLLOW_UP_KIT = "vervolg-74-92"
FOLLOW_UP_WINDOW = {"window_opens_weeks": 13, "deliver_by_weeks": 26}


def fill_windows(apps, schema_editor):
    """The shipped follow-up kit's window, then every referral's dates from its kit type: so
    far all were judged against six weeks before the due date, which made every follow-up kit
    late."""
    KitType = apps.get_model("logistics", "KitType")
    Referral = apps.get_model("logistics", "Referral")
    KitType.objects.filter(code=FOLLOW_UP_KIT).update(**FOLLOW_UP_WINDOW)
    for kit_type in KitType.objects.all():
        opens = datetime.timedelta(weeks=kit_type.window_opens_weeks)
        deliver_by = datetime.timedelta(weeks=kit_type.deliver_by_weeks)
        referrals = list(Referral.objects.filter(kit_type=kit_type)
                         .only("pk", "due_date").order_by("pk"))
        for referral in referrals:
            referral.window_opens = referral.due_date + opens
            referral.deliver_by = referral.due_date + deliver_by
        Referral.objects.bulk_update(referrals, ["window_opens", "deliver_by"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('logistics', '0010_referral_mail_settings'),
    ]

    operations = [
        migrations.AddField(
            model_name='kittype',
            name='window_opens_weeks',
            field=models.SmallIntegerField(default=-16, help_text='The first week the kit may be delivered, counted from the due date or birth date: negative is before it, positive after the birth. First kit: -16 (sixteen weeks before the due date); follow-up kit: 13 (three months after the birth). Before then it goes on no pick list.', validators=[django.core.validators.MinValueValidator(-104), django.core.validators.MaxValueValidator(104)], verbose_name='deliver from (weeks)'),
        ),
        migrations.AddField(
            model_name='kittype',
            name='deliver_by_weeks',
            field=models.SmallIntegerField(default=-6, help_text='The target: the kit should be with the family by this week, counted the same way. First kit: -6 (six weeks before the due date); follow-up kit: 26 (six months after the birth). Two weeks before it a kit is “at risk”, after it “late”. Open referrals of this kit type get the new dates when you save.', validators=[django.core.validators.MinValueValidator(-104), django.core.validators.MaxValueValidator(104)], verbose_name='deliver by (weeks)'),
        ),
        migrations.AddConstraint(
            model_name='kittype',
            constraint=models.CheckConstraint(condition=models.Q(('window_opens_weeks__lt', models.F('deliver_by_weeks'))), name='kittype_window_opens_before_deliver_by'),
        ),
        migrations.AddField(
            model_name='referral',
            name='window_opens',
            field=models.DateField(null=True, verbose_name='deliver from'),
        ),
        migrations.AddField(
            model_name='referral',
            name='deliver_by',
            field=models.DateField(null=True, verbose_name='deliver by'),
        ),
        migrations.RunPython(fill_windows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='referral',
            name='window_opens',
            field=models.DateField(verbose_name='deliver from'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='deliver_by',
            field=models.DateField(verbose_name='deliver by'),
        ),
        migrations.AlterModelOptions(
            name='referral',
            options={'ordering': ['deliver_by', 'id'], 'permissions': [('decide_referral', 'Can approve, reject and ask about referrals'), ('record_delivery', 'Can record deliveries'), ('view_statistics', 'Can see and export the statistics')], 'verbose_name': 'referral', 'verbose_name_plural': 'referrals'},
        ),
        migrations.RemoveIndex(
            model_name='referral',
            name='referral_queue_idx',
        ),
        migrations.RemoveIndex(
            model_name='referral',
            name='referral_organisation_idx',
        ),
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(fields=['status', 'deliver_by'], name='referral_queue_idx'),
        ),
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(fields=['organisation', 'status', 'deliver_by'], name='referral_organisation_idx'),
        ),
    ]
