# Kit types get an English name and description for the pages in English (issue 17): optional,
# the Dutch ones are shown when they are empty.

from django.db import migrations, models

# The shipped kit types (fixtures/kit_types.json) as they were shipped in Dutch, and their
# English texts.
SHIPPED = {
    "start-50-68": (
        "Startpakket maat 50/56–62/68",
        "Het eerste pakket, voor de geboorte: kleding in maat 50/56 en 62/68, slapen, verzorging"
        " en luiers. Bij een tweeling gaan kleding, slaapzak en luiers dubbel mee.",
        "Start-kit sizes 50/56–62/68",
        "The first kit, before the birth: clothes in sizes 50/56 and 62/68, sleeping, care and"
        " nappies. For twins, the clothes, sleeping bag and nappies come twice.",
    ),
    "vervolg-74-92": (
        "Vervolgpakket maat 74/80–86/92",
        "Het tweede pakket, rond zes maanden: kleding in maat 74/80 en 86/92, een grotere"
        " slaapzak, luiers en spullen om te leren eten. Bij een tweeling gaan kleding, slaapzak,"
        " luiers en tandenborstel dubbel mee.",
        "Follow-up kit sizes 74/80–86/92",
        "The second kit, at about six months: clothes in sizes 74/80 and 86/92, a bigger"
        " sleeping bag, nappies and things to learn to eat with. For twins, the clothes,"
        " sleeping bag, nappies and toothbrush come twice.",
    ),
}


def translate_shipped_kits(apps, schema_editor):
    """An installation whose shipped kit types still have their shipped Dutch texts gets the
    English ones, as a new installation does; texts a coordinator changed stay without (the
    English would no longer say the same)."""
    KitType = apps.get_model("logistics", "KitType")
    for code, (name, description, name_en, description_en) in SHIPPED.items():
        KitType.objects.filter(code=code, name=name, name_en="").update(name_en=name_en)
        KitType.objects.filter(code=code, description=description, description_en="").update(
            description_en=description_en)


class Migration(migrations.Migration):

    dependencies = [
        ('logistics', '0013_delivery_methods'),
    ]

    operations = [
        migrations.AddField(
            model_name='kittype',
            name='description_en',
            field=models.TextField(blank=True, help_text='Shown to people who use the site in English. Empty: the Dutch description.', verbose_name='description in English'),
        ),
        migrations.AddField(
            model_name='kittype',
            name='name_en',
            field=models.CharField(blank=True, help_text='Shown to people who use the site in English. Empty: the Dutch name.', max_length=200, verbose_name='name in English'),
        ),
        migrations.RunPython(translate_shipped_kits, migrations.RunPython.noop),
    ]
