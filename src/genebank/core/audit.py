"""The audit trail of every domain model: django-simple-history with lean history tables.

A history table is written on every change and read on one record's history page, by the
record's id (and, for the records of an accession, by accession_id). simple-history indexes
every foreign key and indexed field of the model in its history table too, and the history
date: a dozen index entries per change that no page reads. Bulk writes (an MCPD import writes
a history row per record) pay for each of them, so the history tables keep only the indexes
the history pages use. The history_user foreign key keeps its index (simple-history gives no
option for it), which also serves a future "changes by this person" view.
"""

from __future__ import annotations

from simple_history.models import HistoricalRecords

# The fields whose index a history table keeps.
HISTORY_INDEXES = frozenset({"id", "accession_id", "accession"})


class _AllFieldsBut:
    """simple-history's no_db_index, as 'every field but these' (it asks `name in no_db_index`)."""

    def __init__(self, keep: frozenset[str]):
        self.keep = keep

    def __contains__(self, name: object) -> bool:
        return name not in self.keep


def audit_trail(**options) -> HistoricalRecords:
    """HistoricalRecords for a domain model (options as for HistoricalRecords)."""
    return HistoricalRecords(no_db_index=_AllFieldsBut(HISTORY_INDEXES), **options)
