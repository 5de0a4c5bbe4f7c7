"""Signals the accessions app sends, for higher apps that keep something derived from accessions.

accessions_changed(accessions): the passport data of these accessions (a queryset) changed:
registered, edited, or loaded in bulk by the demo. Sent inside the transaction that changed them,
so what a receiver writes commits or rolls back with the change. The exchange refreshes their
PDCI (ExchangeConfig.ready).
"""

from django.dispatch import Signal

accessions_changed = Signal()
