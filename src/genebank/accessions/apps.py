"""Accessions app: passport data, names and identifiers, collecting missions, acquisitions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessionsConfig(AppConfig):
    name = "genebank.accessions"
    label = "accessions"
    verbose_name = _("Accessions")

    def ready(self):
        from genebank.core.forms import taxon_name_checks

        taxon_name_checks.register(_taxon_name_errors)


_TAXON_FORM_FIELDS = {"GENUS": "genus", "SPECIES": "species", "SUBTAXA": "subtaxa"}


def _taxon_name_errors(genus: str, species: str, subtaxa: str):
    """The MCPD rules for a taxon's name (accessions.checks), for core's taxon form."""
    from genebank.accessions.checks import check_taxon

    for problem in check_taxon(genus, species, subtaxa):
        if problem.severity == "error":
            yield _TAXON_FORM_FIELDS.get(problem.field), problem.message
