"""Forms of the inventory pages; the rules themselves live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from genebank.inventory.models import CollectionKind, LotTransaction, SeedLot
from genebank.inventory.units import Unit


class LotFilterForm(forms.Form):
    q = forms.CharField(label=_("Lot or accession number"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *SeedLot.Status.choices]
    )
    collection = forms.ChoiceField(
        label=_("Collection"), required=False, choices=[("", _("Any")), *CollectionKind.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"


class QuantityForm(forms.Form):
    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, lot=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lot is not None:
            self.fields["unit"].initial = lot.unit
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"


class WithdrawForm(QuantityForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=LotTransaction.Reason.choices)
    field_order = ["quantity", "unit", "reason", "note"]


class AdjustForm(QuantityForm):
    reason_text = forms.CharField(label=_("Why"), max_length=500)
    field_order = ["quantity", "unit", "reason_text", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].help_text = _("Signed: -25 takes 25 away, 10 adds 10.")
