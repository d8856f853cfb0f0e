# The models of this app were born in `crm` (migrations crm/0001, 0002, 0004) and moved here with their tables,
# which keep their names: this migration only tells Django's state where they live now (crm/0005 forgets them there).

from django.db import migrations, models

APP = "privacy"
MODELS = ['accessrecord']

def content_types_move(apps, schema_editor):
    # The permissions and admin history of the moved models hang on their content types: take them along.
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="crm", model__in=MODELS).update(app_label=APP)


def content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=APP, model__in=MODELS).update(app_label="crm")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('crm', '0004_access_audit'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='AccessRecord',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='at')),
                    ('actor_id', models.IntegerField(verbose_name='user id')),
                    ('actor_username', models.CharField(max_length=150, verbose_name='user name')),
                    ('action', models.CharField(choices=[('view', 'viewed'), ('export', 'exported'), ('erase', 'erased')], max_length=10, verbose_name='action')),
                    ('contact_id', models.BigIntegerField(verbose_name='contact person id')),
                    ('origin', models.GenericIPAddressField(blank=True, null=True, verbose_name='client address')),
                ],
                options={
                    'db_table': 'crm_accessrecord',
                    'verbose_name': 'access record',
                    'verbose_name_plural': 'access records',
                    'ordering': ['-at', '-id'],
                    'indexes': [models.Index(fields=['contact_id', '-at'], name='accessrecord_contact_idx')],
                    'constraints': [models.CheckConstraint(condition=models.Q(('action__in', ['view', 'export', 'erase'])), name='accessrecord_action_valid')],
                },
            ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
