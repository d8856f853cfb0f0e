"""Migration 0005: the targets rounds stored with the contact list's English filters read in Dutch, and back."""

from importlib import import_module

from django.apps import apps

from surveys.services import target_filter_validate

migration = import_module("surveys.migrations.0005_target_filters_in_dutch")


def test_a_stored_english_target_becomes_the_dutch_filters_the_contact_list_understands():
    english = {"kind": "private_partner", "scope": "local", "level": "executive", "label": "Pilot", "owner": "officer"}

    dutch = migration._translated(english, migration.KEYS, migration.CODES)

    assert dutch == {"soort": "particulierePartner", "reikwijdte": "lokaal", "niveau": "bestuurlijk",
                     "label": "Pilot", "relatiebeheerder": "officer"}  # fmt: skip
    target_filter_validate(dutch)


def test_the_migration_rewrites_stored_targets_and_undoes_it(db):
    from tests.factories import SurveyRoundFactory

    survey_round = SurveyRoundFactory(target_filter={"kind": "municipality", "level": "policy"})
    untouched = SurveyRoundFactory(target_filter={})

    migration.to_dutch(apps, None)
    survey_round.refresh_from_db()
    assert survey_round.target_filter == {"soort": "gemeente", "niveau": "beleid"}

    migration.to_english(apps, None)
    survey_round.refresh_from_db()
    untouched.refresh_from_db()
    assert (survey_round.target_filter, untouched.target_filter) == ({"kind": "municipality", "level": "policy"}, {})
