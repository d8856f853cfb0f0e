"""The sealed ballot box (surveys/ballot.py); an invitation keeps the day its link was used, not the moment; a
response's segment attributes may be "not stated" (suppressed for k-anonymity when its round closes).

Existing data: link_used_at becomes the day it fell on (UTC, the connection's time zone). Existing responses stay as
they are here; the daily ballot job generalises the segments of rounds closed before this rule (ballot_box_empty),
so a migration needs no copy of the algorithm.
"""

import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0002_default_questionnaire'),
    ]

    operations = [
        migrations.RenameField(model_name='invitation', old_name='link_used_at', new_name='link_used_on'),
        # On PostgreSQL: ALTER COLUMN ... TYPE date USING link_used_on::date, so the time of day is gone.
        migrations.AlterField(
            model_name='invitation',
            name='link_used_on',
            field=models.DateField(blank=True, null=True, verbose_name='link used on'),
        ),
        migrations.AlterField(
            model_name='response',
            name='organisation_kind',
            field=models.CharField(blank=True, choices=[('ngo', 'NGO'), ('municipality', 'municipality'), ('judiciary', 'judiciary'), ('private_partner', 'private partner'), ('government', 'government body'), ('international', 'international organisation'), ('other', 'other')], max_length=20, verbose_name='kind of organisation'),
        ),
        migrations.AlterField(
            model_name='response',
            name='organisation_scope',
            field=models.CharField(blank=True, choices=[('local', 'local'), ('national', 'national'), ('international', 'international')], max_length=20, verbose_name='scope'),
        ),
        migrations.AlterField(
            model_name='response',
            name='respondent_level',
            field=models.CharField(blank=True, choices=[('operational', 'operational'), ('policy', 'policy'), ('executive', 'executive')], max_length=20, verbose_name='level'),
        ),
        migrations.CreateModel(
            name='Ballot',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('sealed', models.BinaryField(verbose_name='sealed answers')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.surveyround', verbose_name='round')),
            ],
            options={
                'verbose_name': 'ballot',
                'verbose_name_plural': 'ballots',
            },
        ),
    ]
