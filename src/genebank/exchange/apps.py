"""Exchange app: MCPD reading, validation, import and export."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "genebank.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self):
        from genebank.accessions.signals import accessions_changed
        from genebank.inventory.signals import lots_changed

        # The PDCI is computed from the whole MCPD row, STORAGE (inventory) included: it follows
        # every change the lower apps announce, whichever door the change came through.
        accessions_changed.connect(_refresh_pdci, dispatch_uid="pdci-passport")
        lots_changed.connect(_refresh_pdci, dispatch_uid="pdci-lots")
        _register_on_lower_pages()


def _refresh_pdci(sender, accessions, **kwargs) -> None:
    from genebank.exchange.pdci_store import refresh_pdci  # imported on first use, not at start

    refresh_pdci(accessions)


def _register_on_lower_pages() -> None:
    """What the exchange adds to the accessions app: the PDCI card, the list's MCPD export."""
    from genebank.accessions.registries import ListExport, list_exports
    from genebank.core.registry import Panel, panels
    from genebank.exchange.list_export import export_accession_list

    # The card reads the page's MCPD row (`mcpd`); the menu the list's filters (`query_string`).
    panels("accession.side").register(Panel("pdci", "exchange/_pdci.html"))
    panels("accession-list").register(Panel("export-menu", "exchange/_accession_list_menu.html"))
    list_exports.register(ListExport("mcpd", export_accession_list))
