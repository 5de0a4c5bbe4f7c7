"""The PDCI stored on each accession, refreshed from its MCPD row."""

from __future__ import annotations

import logging
from decimal import Decimal

from genebank.accessions.models import (
    Accession,
)
from genebank.exchange.mcpd_checking import BATCH
from genebank.exchange.mcpd_export import iter_mcpd_rows
from genebank.exchange.pdci import pdci_points, score_of

logger = logging.getLogger(__name__)


def refresh_pdci(queryset=None) -> int:
    """Store the PDCI of the accessions (all by default), computed from their MCPD rows.

    The importer calls it after writing; the exchange's receivers of accessions_changed and
    lots_changed (ExchangeConfig.ready) after every change of passport data or of seed lots made
    elsewhere; `genebank pdci` runs it for a whole database after an upgrade. One UPDATE per
    distinct score and chunk: scores repeat, so that is a few dozen statements per chunk.
    """
    if queryset is None:
        queryset = Accession.objects.all()
    count = 0
    by_score: dict[Decimal, list[int]] = {}

    def flush() -> None:
        for score, ids in by_score.items():
            Accession.objects.filter(pk__in=ids).update(pdci=score)
        by_score.clear()

    for pk, values in iter_mcpd_rows(queryset, with_pk=True):
        by_score.setdefault(score_of(pdci_points(values)), []).append(pk)
        count += 1
        if count % BATCH == 0:
            flush()
    flush()
    return count
