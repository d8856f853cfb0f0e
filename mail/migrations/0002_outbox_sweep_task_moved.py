# The outbox's tasks moved from crm.tasks to mail.tasks: beat rows that name the old task follow, whatever an
# administrator did to their schedule.

from django.db import migrations

OLD, NEW = "crm.tasks.outbox_sweep", "mail.tasks.outbox_sweep"


def task_rename(apps, schema_editor, old=OLD, new=NEW):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=old).update(task=new)


def task_rename_back(apps, schema_editor):
    task_rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(task_rename, task_rename_back)]
