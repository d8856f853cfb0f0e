"""A round's target is written with the contact list's filters, whose query keys and values are now Dutch
(stakeholders/wire.py): the stored targets follow. The names are copied here, as they were when the filters were
renamed, so that this migration keeps doing what it did whatever the code becomes."""

from django.db import migrations

KEYS = {
    "kind": "soort", "scope": "reikwijdte", "level": "niveau", "label": "label", "owner": "relatiebeheerder",
    "language": "voorkeurstaal",
}  # fmt: skip
CODES = {
    "soort": {
        "ngo": "ngo", "municipality": "gemeente", "judiciary": "rechtspraak", "private_partner": "particulierePartner",
        "government": "overheidsorganisatie", "international": "internationaleOrganisatie", "other": "overig",
    },
    "reikwijdte": {"local": "lokaal", "national": "landelijk", "international": "internationaal"},
    "niveau": {"operational": "operationeel", "policy": "beleid", "executive": "bestuurlijk"},
}  # fmt: skip


def _translated(target: dict, keys: dict, codes: dict) -> dict:
    translated = {}
    for key, value in target.items():
        key = keys.get(key, key)  # a key it does not know stays, so that scheduling still refuses it
        translated[key] = codes.get(key, {}).get(value, value) if isinstance(value, str) else value
    return translated


def _rewrite(apps, keys: dict, codes: dict) -> None:
    SurveyRound = apps.get_model("surveys", "SurveyRound")
    for survey_round in SurveyRound.objects.exclude(target_filter={}).only("target_filter"):
        if isinstance(survey_round.target_filter, dict):
            survey_round.target_filter = _translated(survey_round.target_filter, keys, codes)
            survey_round.save(update_fields=["target_filter"])


def to_dutch(apps, schema_editor):
    _rewrite(apps, KEYS, CODES)


def to_english(apps, schema_editor):
    english_keys = {dutch: english for english, dutch in KEYS.items()}
    english_codes = {
        english_keys[key]: {dutch: english for english, dutch in values.items()} for key, values in CODES.items()
    }
    _rewrite(apps, english_keys, english_codes)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_results_frozen_at_close")]

    operations = [migrations.RunPython(to_dutch, to_english)]
