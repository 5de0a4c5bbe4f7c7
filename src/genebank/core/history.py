"""A record's history as people read it: every change, who, when, what and why (simple_history).

Used by the history tabs and panels of every app: core's records and users, the accessions app's
accession history (accessions.history), which adds how its partial dates read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

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


# How a field's value reads, for fields whose stored text needs it (field name -> text).
Formats = Mapping[str, Callable[[str], str]]


def _display(model, name: str, value, formats: Formats) -> str:
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
    if name in formats and isinstance(value, str):
        return formats[name](value) or value
    return str(value)


def history_entries(
    history_qs, record_label: str, formats: Formats | None = None
) -> list[HistoryEntry]:
    """The entries of a history queryset, oldest first; record_label names the record in them
    (by default each record's own name), formats say how some fields' values read."""
    formats = formats or {}
    entries = []
    previous_by_object: dict[int, object] = {}
    model = history_qs.model.instance_type
    kept = {f.attname for f in history_qs.model._meta.fields}  # not the excluded_fields
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
                        _display(model, change.field, change.old, formats),
                        _display(model, change.field, change.new, formats),
                    )
                )
            if not changes:
                previous_by_object[record.id] = record
                continue
        elif record.history_type == "+":
            for f in model._meta.concrete_fields:
                if f.attname not in kept or f.name in (
                    "id",
                    "accession",
                    "created_at",
                    "updated_at",
                    "sequence",
                    "position",
                ):
                    continue
                value = getattr(record, f.attname)
                if value not in (None, "", False):
                    if f.is_relation:
                        value = getattr(record, f.name, value)
                    changes.append(
                        Change(str(f.verbose_name), "—", _display(model, f.name, value, formats))
                    )
            # Many-to-many fields as they were when the record was created (an import writes
            # them at once; a form adds them just after, which shows as a change).
            for f in getattr(record, "_history_m2m_fields", ()):
                target = f"{f.m2m_reverse_field_name()}_id"
                key = f.related_model._meta.model_name
                rows = [{key: getattr(row, target)} for row in getattr(record, f.name).all()]
                if rows:
                    changes.append(
                        Change(str(f.verbose_name), "—", _display(model, f.name, rows, formats))
                    )
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


def record_history(instance) -> list[HistoryEntry]:
    """Newest first: every change to one record."""
    entries = history_entries(instance.history.all(), str(instance._meta.verbose_name).capitalize())
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
