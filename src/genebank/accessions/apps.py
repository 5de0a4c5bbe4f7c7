"""Accessions app: passport data, names and identifiers, collecting missions, acquisitions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessionsConfig(AppConfig):
    name = "genebank.accessions"
    label = "accessions"
    verbose_name = _("Accessions")

    def ready(self):
        from genebank.accessions import panels as accession_panels
        from genebank.core.forms import taxon_name_checks
        from genebank.core.registry import Panel, panels

        taxon_name_checks.register(_taxon_name_errors)
        home = panels("home")
        home.register(
            Panel(
                "collection-counts",
                "accessions/_home_counts.html",
                accession_panels.collection_counts,
                order=10,
            )
        )
        home.register(
            Panel(
                "collection-by-crop",
                "accessions/_home_collection.html",
                accession_panels.collection_by_crop,
                order=30,
            )
        )


_TAXON_FORM_FIELDS = {"GENUS": "genus", "SPECIES": "species", "SUBTAXA": "subtaxa"}


def _taxon_name_errors(genus: str, species: str, subtaxa: str):
    """The MCPD rules for a taxon's name (accessions.checks), for core's taxon form."""
    from genebank.accessions.checks import check_taxon

    for problem in check_taxon(genus, species, subtaxa):
        if problem.severity == "error":
            yield _TAXON_FORM_FIELDS.get(problem.field), problem.message
