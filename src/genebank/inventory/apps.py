"""Inventory app: storage locations, seed lots, the transaction ledger."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "genebank.inventory"
    label = "inventory"
    verbose_name = _("Conservation inventory")

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        # Registers the inventory capabilities in the shared permission table.
        from genebank.inventory import (
            permissions,  # noqa: F401
            signals,
        )
        from genebank.inventory.models import SeedLot, StorageLocation

        post_migrate.connect(_install_ledger_guard, sender=self)
        post_save.connect(signals.lot_saved, sender=SeedLot, dispatch_uid="pdci-lot")
        post_save.connect(signals.location_saved, sender=StorageLocation, dispatch_uid="pdci-place")


def _install_ledger_guard(sender, using="default", **kwargs):
    from genebank.inventory import ledger_guard

    ledger_guard.install(using)
