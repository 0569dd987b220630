"""A warehouse's referrals by status (``referral_warehouse_idx``), in place of the index on the
warehouse alone, which it leads with. The field's own index is dropped in SQL: changing
``db_index`` through ``AlterField`` would make SQLite copy the whole referral table."""

import django.db.models.deletion
from django.db import migrations, models

FIELD_INDEX = "logistics_referral_warehouse_id_0ed3083e"


class Migration(migrations.Migration):

    dependencies = [
        ("logistics", "0019_statistics_tallies_for_all_municipalities"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["warehouse", "status", "deliver_by"],
                               name="referral_warehouse_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="warehouse",
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assigned_referrals", to="logistics.warehouse",
                        verbose_name="warehouse"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{FIELD_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{FIELD_INDEX}" ON "logistics_referral" '
                                '("warehouse_id")'),
            ],
        ),
    ]
