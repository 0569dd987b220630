import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('logistics', '0008_statistics_permission'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StockBooking',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('receipt', 'receipt'), ('count', 'count'), ('adjustment', 'adjustment'), ('transfer', 'move')], max_length=20, verbose_name='kind')),
                ('batch', models.UUIDField(editable=False, unique=True, verbose_name='batch')),
                ('lines', models.JSONField(verbose_name='lines')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('destination', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='logistics.warehouse', verbose_name='to warehouse')),
                ('warehouse', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='logistics.warehouse', verbose_name='warehouse')),
            ],
            options={
                'verbose_name': 'stock booking',
                'verbose_name_plural': 'stock bookings',
                'indexes': [models.Index(fields=['created_by', 'created_at'], name='stockbooking_by_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['receipt', 'count', 'adjustment', 'transfer'])), name='stockbooking_kind_valid')],
            },
        ),
    ]
