# The default warehouse and the contact line live in logistics now (issue 12): removed here only
# after logistics 0006 copied them.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('startpakket', '0004_organisation_contact_line'),
        ('logistics', '0006_organisation_settings'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='organisation',
            name='contact_line',
        ),
        migrations.RemoveField(
            model_name='organisation',
            name='default_warehouse',
        ),
    ]
