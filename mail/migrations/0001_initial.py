# The models of this app were born in `crm` (migrations crm/0001, 0002, 0004) and moved here with their tables,
# which keep their names: this migration only tells Django's state where they live now (crm/0005 forgets them there).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings

import mail.registry
from django.db import migrations, models

APP = "mail"
MODELS = ['mailpreferences', 'outboxmessage']

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
        migrations.swappable_dependency(settings.MAIL_CONTACT_MODEL),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='MailPreferences',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('language', models.CharField(choices=[('nl', 'Dutch'), ('en', 'English')], default='nl', max_length=2, verbose_name='language')),
                    ('digest_frequency', models.CharField(choices=[('daily', 'daily'), ('weekly', 'weekly'), ('off', 'off')], default='daily', max_length=10, verbose_name='outreach digest')),
                    ('follow_up_reminders', models.BooleanField(default=True, verbose_name='follow-up reminders')),
                    ('coordinator_summary', models.BooleanField(default=True, verbose_name='weekly coordinator summary')),
                    ('notifications', models.BooleanField(default=True, help_text='For example when an organisation is given to you.', verbose_name='notifications')),
                    ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='mail_preferences', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ],
                options={
                    'db_table': 'crm_mailpreferences',
                    'verbose_name': 'mail preferences',
                    'verbose_name_plural': 'mail preferences',
                    'constraints': [models.CheckConstraint(condition=models.Q(('digest_frequency__in', ['daily', 'weekly', 'off'])), name='mailpreferences_digest_valid')],
                },
            ),
            migrations.CreateModel(
                name='OutboxMessage',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('idempotency_key', models.CharField(help_text='Recipient and reason: a second mail for the same key is never written.', max_length=200, unique=True, verbose_name='idempotency key')),
                    ('kind', models.CharField(choices=mail.registry.mail_kind_choices, max_length=30, verbose_name='kind')),
                    ('status', models.CharField(choices=[('pending', 'pending'), ('sending', 'sending'), ('sent', 'sent'), ('failed', 'failed'), ('suppressed', 'suppressed'), ('uncertain', 'uncertain')], default='pending', max_length=12, verbose_name='status')),
                    ('to_address', models.EmailField(max_length=254, verbose_name='to')),
                    ('language', models.CharField(choices=[('nl', 'Dutch'), ('en', 'English')], max_length=2, verbose_name='language')),
                    ('subject', models.CharField(max_length=300, verbose_name='subject')),
                    ('body_text', models.TextField(verbose_name='text')),
                    ('body_html', models.TextField(verbose_name='HTML')),
                    ('opt_out_url', models.URLField(max_length=500, verbose_name='opt-out link')),
                    ('message_id', models.CharField(editable=False, max_length=200, unique=True, verbose_name='Message-ID')),
                    ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                    ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt at')),
                    ('claim_token', models.UUIDField(blank=True, editable=False, null=True, verbose_name='claim')),
                    ('lease_expires_at', models.DateTimeField(blank=True, null=True, verbose_name='lease expires at')),
                    ('last_error', models.TextField(blank=True, verbose_name='last error')),
                    ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outbox_messages', to=settings.MAIL_CONTACT_MODEL, verbose_name='contact person')),
                    ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outbox_messages', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ],
                options={
                    'db_table': 'crm_outboxmessage',
                    'verbose_name': 'outgoing mail',
                    'verbose_name_plural': 'outbox',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['next_attempt_at', 'id'], name='outbox_due_idx'), models.Index(condition=models.Q(('status', 'sending')), fields=['lease_expires_at'], name='outbox_sending_idx'), models.Index(fields=['status', '-created_at'], name='outbox_status_idx')],
                    'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'sending', 'sent', 'failed', 'suppressed', 'uncertain'])), name='outbox_status_valid'), models.CheckConstraint(condition=models.Q(('user__isnull', True), ('contact__isnull', True), _connector='OR'), name='outbox_one_recipient')],
                },
            ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
