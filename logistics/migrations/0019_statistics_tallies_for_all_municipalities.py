"""The statistics' tallies kept once more for all municipalities together (municipality -1,
``FigureTally.ALL_MUNICIPALITIES``): summed here from the rows per municipality, which stay as
they were."""

from django.db import migrations
from django.db.models import Sum

ALL_MUNICIPALITIES = -1


def add_all_municipalities(apps, schema_editor):
    FigureTally = apps.get_model("logistics", "FigureTally")
    FigureTally.objects.filter(municipality=ALL_MUNICIPALITIES).delete()
    summed = (FigureTally.objects.values("measure", "month", "value")
              .annotate(total=Sum("count")).order_by())
    FigureTally.objects.bulk_create(
        [FigureTally(measure=row["measure"], month=row["month"], value=row["value"],
                     municipality=ALL_MUNICIPALITIES, count=row["total"])
         for row in summed if row["total"]], batch_size=1000)


def remove_all_municipalities(apps, schema_editor):
    apps.get_model("logistics", "FigureTally").objects.filter(
        municipality=ALL_MUNICIPALITIES).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("logistics", "0018_statistics_organisation_index"),
    ]

    operations = [
        migrations.RunPython(add_all_municipalities, remove_all_municipalities),
    ]
