"""Forms of the import pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from genebank.core import permissions


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Passport file"),
        help_text=_("MCPD as CSV, TSV, XLSX or XLS; other layouts can be mapped in the next step."),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("Workbooks only; the first sheet when empty."),
    )
    institute = forms.ModelChoiceField(
        label=_("Institute"),
        queryset=None,
        help_text=_("Rows without INSTCODE get this one; rows of other institutes are rejected."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institute"].queryset = permissions.institutes_where(user, permissions.REGISTER)
        if getattr(user, "is_superuser", False):
            self.fields["institute"].required = False
            self.fields["institute"].empty_label = _("Any institute (as the file says)")
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ModelChoiceField) else "form-control"
            )
