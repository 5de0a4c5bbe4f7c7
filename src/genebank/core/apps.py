"""Core app: institutes, people, countries, taxa, crops, roles and the shared UI."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "genebank.core"
    label = "core"
    verbose_name = _("Core records")

    def ready(self):
        # Connects the failed-login receiver.
        from genebank.core import security  # noqa: F401
