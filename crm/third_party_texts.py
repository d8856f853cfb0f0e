"""Dutch for the models of third-party apps that mark their texts for translation only in part, or not at all
(django-otp marks none; django-axes and django-celery-beat leave names taken from fields, such as "Task Name").

Each model's names and help texts are wrapped in gettext at start-up, with their English source as the msgid, and
translated in locale/third_party. The source strings stay the same, so the migration autodetector (which runs
untranslated) sees no change.
"""

from django.apps import apps
from django.utils import translation
from django.utils.translation import gettext_lazy

THIRD_PARTY_APPS = ["otp_totp", "otp_static", "axes", "django_celery_beat"]
# Columns django-celery-beat's admin lists from properties, which carry no label of their own.
PROPERTY_LABELS = {
    ("django_celery_beat.PeriodicTask", "scheduler"): gettext_lazy("schedule"),
    ("django_celery_beat.CrontabSchedule", "human_readable"): gettext_lazy("in words"),
}
APP_NAMES = {
    "otp_totp": gettext_lazy("Authenticator apps"),
    "otp_static": gettext_lazy("Recovery codes"),
}


def third_party_texts_translate() -> None:
    for label, verbose_name in APP_NAMES.items():
        apps.get_app_config(label).verbose_name = verbose_name
    for (model, name), label in PROPERTY_LABELS.items():
        getattr(apps.get_model(model), name).fget.short_description = label
    # The same for a field django-celery-beat's task form computes.
    from django_celery_beat.admin import PeriodicTaskAdmin

    PeriodicTaskAdmin.crontab_translation.short_description = gettext_lazy("crontab in words")
    # The English source of every text, also of those already translatable (which gettext translates the same).
    with translation.override(None):
        for label in THIRD_PARTY_APPS:
            for model in apps.get_app_config(label).get_models():
                for texts in [model._meta, *model._meta.get_fields()]:
                    for name in ("verbose_name", "verbose_name_plural", "help_text"):
                        if text := getattr(texts, name, None):
                            setattr(texts, name, gettext_lazy(str(text)))
