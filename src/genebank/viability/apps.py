"""Viability app: the viability equation, species constants, fitted declines of seed lots."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViabilityConfig(AppConfig):
    name = "genebank.viability"
    label = "viability"
    verbose_name = _("Viability and regeneration")

    def ready(self):
        # Registers the viability capabilities in the shared permission table.
        from genebank.viability import permissions  # noqa: F401
