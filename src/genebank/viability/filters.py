"""The filters of the "viability tests due" work list (a plain form: the rows are computed by
viability.schedule, not read from one table)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DEFAULT_WITHIN = 90


class DueFilterForm(forms.Form):
    overdue = forms.NullBooleanField(
        label=_("Overdue"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    within = forms.IntegerField(
        label=_("Due within (days)"),
        required=False,
        min_value=0,
        max_value=36500,
        help_text=_("Also the tests due in the next days (default 90)."),
    )
    institute = forms.CharField(label=_("Institute code"), required=False, max_length=7)


class DueFilter:
    """What the work-list template needs of a filter: its form."""

    def __init__(self, data):
        self.form = DueFilterForm(data or None)

    def apply(self, rows: list[dict]) -> list[dict] | None:
        """The rows the filter keeps; None when the filter is refused."""
        if not self.form.is_bound:
            return rows
        if not self.form.is_valid():
            return None
        overdue = self.form.cleaned_data["overdue"]
        if overdue is True:
            rows = [row for row in rows if row["overdue_days"] > 0]
        elif overdue is False:
            rows = [row for row in rows if row["overdue_days"] <= 0]
        return rows

    def within(self) -> int:
        if self.form.is_bound and self.form.is_valid():
            value = self.form.cleaned_data["within"]
            return DEFAULT_WITHIN if value is None else value
        return DEFAULT_WITHIN

    def institute(self) -> str | None:
        if self.form.is_bound and self.form.is_valid():
            return self.form.cleaned_data["institute"] or None
        return None
