from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """The project: settings, URLs, the Celery app, the jobs registry and the shared web and API machinery."""

    name = "crm"
    verbose_name = _("CRM")

    def ready(self):
        from django.apps import apps

        from .third_party_texts import third_party_texts_translate

        third_party_texts_translate()

        # Sent for apps with models only, and this one has none: listen to django-celery-beat's, once per migrate.
        post_migrate.connect(_beat_schedule_after_migrate, sender=apps.get_app_config("django_celery_beat"))


def _beat_schedule_after_migrate(sender, **kwargs):
    # After every migrate, when every app has registered its jobs: beat learns the new ones (crm/jobs.py).
    from .jobs import beat_schedule_install

    beat_schedule_install()
