# The models of this app were born in `crm` (migrations crm/0001, 0002, 0004) and moved here with their tables,
# which keep their names: this migration only tells Django's state where they live now (crm/0005 forgets them there).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APP = "accounts"
MODELS = ['apitoken']

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
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ApiToken',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(help_text='Which system uses this token.', max_length=100, verbose_name='name')),
                    ('prefix', models.CharField(editable=False, help_text='Recognises a token in logs.', max_length=8, verbose_name='prefix')),
                    ('digest', models.CharField(editable=False, max_length=64, unique=True, verbose_name='digest')),
                    ('read_only', models.BooleanField(default=True, verbose_name='read only')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires at')),
                    ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                    ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='last used at')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ],
                options={
                    'db_table': 'crm_apitoken',
                    'verbose_name': 'API token',
                    'verbose_name_plural': 'API tokens',
                    'ordering': ['-created_at'],
                },
            ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
