from django.db import migrations

# The default tiers; administrators can change their cadence in admin.
DEFAULT_TIERS = [
    ("strategic", "Strategisch", 30, 1),
    ("key", "Belangrijk", 90, 2),
    ("regular", "Regulier", 180, 3),
    ("occasional", "Incidenteel", 365, 4),
]


def tiers_install(apps, schema_editor):
    tier_model = apps.get_model("stakeholders", "Tier")
    for code, name, cadence_days, position in DEFAULT_TIERS:
        tier_model.objects.get_or_create(
            code=code, defaults={"name": name, "cadence_days": cadence_days, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # The role groups are made after every migrate (accounts/apps.py), not here: a migration uses no live code.
    operations = [
        migrations.RunPython(tiers_install, migrations.RunPython.noop),
    ]
