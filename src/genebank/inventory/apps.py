"""Inventory app: storage locations, seed lots, the transaction ledger."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "genebank.inventory"
    label = "inventory"
    verbose_name = _("Conservation inventory")

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from genebank.core.worklists import register_action

        # Registers the inventory capabilities in the shared permission table.
        from genebank.inventory import (
            permissions,  # noqa: F401
            signals,
        )
        from genebank.inventory.actions import print_labels
        from genebank.inventory.forms import LabelForm
        from genebank.inventory.models import SeedLot, StorageLocation

        post_migrate.connect(_install_ledger_guard, sender=self)
        register_action(SeedLot, "print_labels", _("Print labels"), print_labels, LabelForm)
        post_save.connect(signals.lot_saved, sender=SeedLot, dispatch_uid="pdci-lot")
        post_save.connect(signals.location_saved, sender=StorageLocation, dispatch_uid="pdci-place")
        _register_on_lower_pages()


def _register_on_lower_pages() -> None:
    """What the inventory adds to other apps' pages: STORAGE in the MCPD row, the accession's
    lots, the alerts on the home page."""
    from genebank.accessions.registries import DerivedMcpdField, mcpd_fields
    from genebank.core.registry import Panel, panels
    from genebank.inventory.mcpd import any_lots, storage_fields
    from genebank.inventory.panels import accession_lots, home_alerts

    mcpd_fields.register(DerivedMcpdField("STORAGE", storage_fields, in_use=any_lots))
    panels("accession").register(
        Panel("accession-lots", "inventory/_accession_lots.html", accession_lots, order=10)
    )
    panels("home").register(
        Panel("inventory-alerts", "inventory/_home_alerts.html", home_alerts, order=20)
    )


def _install_ledger_guard(sender, using="default", **kwargs):
    from genebank.inventory import ledger_guard

    ledger_guard.install(using)
