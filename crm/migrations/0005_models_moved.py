# The API token went to `accounts`, the outbox and mail preferences to `mail`, the access audit to `privacy`; their
# tables stay where they are (see each app's 0001), so here Django's state forgets them and the database is untouched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0004_access_audit"),
        ("accounts", "0001_initial"),
        ("mail", "0001_initial"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ApiToken"),
                migrations.DeleteModel(name="MailPreferences"),
                migrations.DeleteModel(name="OutboxMessage"),
                migrations.DeleteModel(name="AccessRecord"),
            ],
        ),
    ]
