"""Inventory app: storage locations, seed lots, the transaction ledger."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "genebank.inventory"
    label = "inventory"
    verbose_name = _("Conservation inventory")

    def ready(self):
        # Registers the inventory capabilities in the shared permission table.
        from genebank.inventory import permissions  # noqa: F401
