"""An accession's history tab: every change to it and its related records, who, when, what and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
)

_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    user: str
    reason: str
    record: str
    action: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}[
            self.action
        ]


PARTIAL_DATE_FIELDS = {"acquisition_date", "date"}


def _display(model, name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    try:
        f = model._meta.get_field(name)
    except Exception:
        return str(value)
    if f.many_to_many:
        # simple_history keeps a many-to-many field as a list of through rows ({"model": pk});
        # show the related records by name.
        key = f.related_model._meta.model_name
        pks = [row.get(key) for row in value if isinstance(row, dict)]
        related = f.related_model._base_manager.in_bulk([pk for pk in pks if pk is not None])
        return ", ".join(str(related.get(pk, pk)) for pk in pks) or "—"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in PARTIAL_DATE_FIELDS and isinstance(value, str):
        from genebank.accessions.checks import partial_date_display

        return partial_date_display(value) or value
    return str(value)


def _entries(history_qs, record_label: str) -> list[HistoryEntry]:
    entries = []
    previous_by_object: dict[int, object] = {}
    model = history_qs.model.instance_type
    for record in history_qs.select_related("history_user").order_by("history_date", "history_id"):
        changes = []
        previous = previous_by_object.get(record.id)
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                f = model._meta.get_field(change.field)
                changes.append(
                    Change(
                        str(f.verbose_name),
                        _display(model, change.field, change.old),
                        _display(model, change.field, change.new),
                    )
                )
            if not changes:
                previous_by_object[record.id] = record
                continue
        elif record.history_type == "+":
            for f in model._meta.concrete_fields:
                if f.name in (
                    "id",
                    "accession",
                    "created_at",
                    "updated_at",
                    "sequence",
                    "position",
                    "pdci",  # derived from the passport, not kept in history
                ):
                    continue
                value = getattr(record, f.attname)
                if value not in (None, "", False):
                    if f.is_relation:
                        value = getattr(record, f.name, value)
                    changes.append(Change(str(f.verbose_name), "—", _display(model, f.name, value)))
            # Many-to-many fields as they were when the record was created (an import writes
            # them at once; a form adds them just after, which shows as a change).
            for f in getattr(record, "_history_m2m_fields", ()):
                target = f"{f.m2m_reverse_field_name()}_id"
                key = f.related_model._meta.model_name
                rows = [{key: getattr(row, target)} for row in getattr(record, f.name).all()]
                if rows:
                    changes.append(Change(str(f.verbose_name), "—", _display(model, f.name, rows)))
        previous_by_object[record.id] = record
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=(user.get_full_name() or user.username) if user else _("system"),
                reason=record.history_change_reason or "",
                record=record_label if record_label else str(record.instance),
                action=_ACTIONS[record.history_type],
                changes=changes,
            )
        )
    return entries


def accession_history(accession: Accession) -> list[HistoryEntry]:
    """Newest first, across the accession, its names, other numbers, collecting event, acquisition."""
    entries = _entries(Accession.history.filter(id=accession.pk), _("Passport"))
    related = [
        (AccessionName, _("Name")),
        (AccessionIdentifier, _("Other number")),
        (CollectingEvent, _("Collecting event")),
        (Acquisition, _("Acquisition")),
    ]
    for model, label in related:
        entries += _entries(model.history.filter(accession_id=accession.pk), str(label))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def record_history(instance) -> list[HistoryEntry]:
    entries = _entries(instance.history.all(), str(instance._meta.verbose_name).capitalize())
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
