"""The shipped policy's note, written for the coordinators who read it in the admin (as in
fixtures/policy.json): it said "Default policy of the design (DESIGN 3.2)." Only that text is
replaced; a note a coordinator wrote stays."""

from django.db import migrations

OLD_NOTE = "Default policy of the design (DESIGN 3.2)."
NOTE = (
    "Beleid bij de installatie. Een gezin komt in aanmerking met een netto-inkomen tot 130% "
    "van de bijstandsnorm zonder vakantietoeslag. Jongeren van 18 tot 21 jaar krijgen de "
    "jongerennorm, zoals de wet die kent; een alleenstaande ouder krijgt de norm voor "
    "alleenstaanden. Kinderbijslag, kindgebonden budget en toeslagen tellen niet mee. Wijkt "
    "het beleid van jullie stichting af? Voeg dan een nieuw beleid toe met de datum waarop "
    "het ingaat: toetsen van daarvoor blijven met dit beleid uitgelegd."
)


def write_note(apps, schema_editor):
    apps.get_model("eligibility", "Policy").objects.filter(note=OLD_NOTE).update(note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0001_initial")]

    operations = [migrations.RunPython(write_note, migrations.RunPython.noop)]
