"""An accession's history tab: every change to it and its related records, who, when, what and why."""

from __future__ import annotations

from django.utils.translation import gettext as _

from genebank.accessions.checks import partial_date_display
from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
)
from genebank.core.history import HistoryEntry, history_entries

# Partial dates (MCPD 1984----) read as people write them.
FORMATS = {"acquisition_date": partial_date_display, "date": partial_date_display}


def accession_history(accession: Accession) -> list[HistoryEntry]:
    """Newest first, across the accession, its names, other numbers, collecting event, acquisition."""
    entries = history_entries(Accession.history.filter(id=accession.pk), _("Passport"), FORMATS)
    related = [
        (AccessionName, _("Name")),
        (AccessionIdentifier, _("Other number")),
        (CollectingEvent, _("Collecting event")),
        (Acquisition, _("Acquisition")),
    ]
    for model, label in related:
        entries += history_entries(
            model.history.filter(accession_id=accession.pk), str(label), FORMATS
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
