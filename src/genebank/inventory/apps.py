"""Inventory app: storage locations, seed lots, the transaction ledger."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "genebank.inventory"
    label = "inventory"
    verbose_name = _("Conservation inventory")

    def ready(self):
        from django.db.models.signals import post_migrate

        # Registers the inventory capabilities in the shared permission table.
        from genebank.inventory import permissions  # noqa: F401

        post_migrate.connect(_install_ledger_guard, sender=self)


def _install_ledger_guard(sender, using="default", **kwargs):
    from genebank.inventory import ledger_guard

    ledger_guard.install(using)
