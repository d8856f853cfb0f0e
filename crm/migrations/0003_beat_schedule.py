from django.db import migrations


# This migration once installed the beat schedule with live code; that now happens after every migrate
# (crm/apps.py), so that no migration depends on code that changes. It stays so the migration graph holds.
class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
