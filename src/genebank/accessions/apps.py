"""Accessions app: passport data, names and identifiers, collecting missions, acquisitions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessionsConfig(AppConfig):
    name = "genebank.accessions"
    label = "accessions"
    verbose_name = _("Accessions")
