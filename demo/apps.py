from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for `make run` and the benchmarks: the one app that may use every other."""

    name = "demo"
    verbose_name = _("Demo data")
