"""Forms of the import pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from genebank.core import permissions
from genebank.core.uploads import clean_upload


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

    def __init__(self, *args, user=None, refused: str | None = None, **kwargs):
        """refused: the name of a file the upload handler dropped for its size (uploads.py)."""
        super().__init__(*args, **kwargs)
        self.refused = refused
        if refused is not None:
            self.fields["file"].required = False  # it is missing for a reason clean_file gives
        self.fields["institute"].queryset = permissions.institutes_where(user, permissions.REGISTER)
        if getattr(user, "is_superuser", False):
            self.fields["institute"].required = False
            self.fields["institute"].empty_label = _("Any institute (as the file says)")
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ModelChoiceField) else "form-control"
            )

    def clean_file(self):
        return clean_upload(self.cleaned_data.get("file"), self.refused)
