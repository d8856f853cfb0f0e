from django.db import migrations

from crm.jobs import beat_schedule_install


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(beat_schedule_install, migrations.RunPython.noop)]
