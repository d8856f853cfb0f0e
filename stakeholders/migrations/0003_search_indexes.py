from django.db import migrations

# Free-text search filters with icontains, which PostgreSQL answers from trigram indexes on UPPER(column).
# Written as SQL because Django's index classes cannot express an operator class on an expression portably,
# and SQLite (the zero-setup default of `make run`) has no trigram indexes at all.
COLUMNS = ["name", "short_name", "city"]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS org_{column}_trgm_idx "
            f"ON stakeholders_organisation USING gin (upper({column}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS org_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0002_tiers_and_roles")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
