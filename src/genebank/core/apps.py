"""Core app: institutes, people, countries, taxa, crops, roles and the shared UI."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "genebank.core"
    label = "core"
    verbose_name = _("Core records")

    def ready(self):
        # Connects the failed-login receiver.
        from genebank.core import security  # noqa: F401

        # Each app's tasks.py registers its kinds of job; a worker must know them all.
        autodiscover_modules("tasks")
