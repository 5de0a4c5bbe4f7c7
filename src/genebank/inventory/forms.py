"""Forms of the inventory pages; the rules themselves live in services."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from genebank.core.uploads import clean_upload, upload_help
from genebank.inventory.models import (
    CollectionKind,
    LotTransaction,
    ProcessingStep,
    SeedLot,
    StorageKind,
    StorageLocation,
)
from genebank.inventory.units import Unit


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
    confirm = forms.BooleanField(label=_("Yes, this adjustment is correct"), required=False)
    field_order = ["quantity", "unit", "reason_text", "note", "confirm"]

    def __init__(self, *args, confirming=False, **kwargs):
        """confirming: the second step, when the service found the adjustment implausible."""
        super().__init__(*args, **kwargs)
        self.fields["quantity"].help_text = _("Signed: -25 takes 25 away, 10 adds 10.")
        if confirming:
            self.fields["confirm"].widget.attrs["class"] = "form-check-input"
        else:
            del self.fields["confirm"]


def _language_choices():
    from django.conf import settings

    return list(settings.LANGUAGES)


class LabelForm(forms.Form):
    """Which label stock, in which language, how many copies of each (one per container)."""

    size = forms.ChoiceField(label=_("Labels"), choices=[])
    language = forms.ChoiceField(label=_("Language"), choices=[], required=False)
    copies = forms.IntegerField(
        label=_("Copies"), min_value=1, max_value=50, initial=1, required=False
    )

    def __init__(self, *args, **kwargs):
        from genebank.inventory.labels import DEFAULT_SIZE, LABEL_SIZES

        super().__init__(*args, **kwargs)
        self.fields["size"].choices = [(key, s.name) for key, s in LABEL_SIZES.items()]
        self.fields["size"].initial = DEFAULT_SIZE
        self.fields["language"].choices = _language_choices()
        # The page's language unless told otherwise (the work lists' bulk action gives no initial).
        self.fields["language"].initial = translation.get_language()
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
        self.fields["copies"].widget.attrs["class"] = "form-control form-control-sm"


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"


class DateInput(forms.DateInput):
    input_type = "date"


def lot_holding_places(institute_id):
    from genebank.inventory.services import LOT_HOLDING_KINDS

    return StorageLocation.objects.filter(
        institute_id=institute_id, kind__in=LOT_HOLDING_KINDS
    ).order_by("path")


class ReceiveForm(forms.Form):
    """Seed arriving for an accession: a new lot, opened with its receipt."""

    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    collection = forms.ChoiceField(label=_("Collection"), choices=CollectionKind.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (SeedLot.Status.PROCESSING, _("New arrival: in processing")),
            (SeedLot.Status.AVAILABLE, _("Already processed: available")),
            (SeedLot.Status.QUARANTINE, _("In quarantine")),
        ],
    )
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=StorageLocation.objects.none(), required=False
    )
    container = forms.ChoiceField(
        label=_("Container"), choices=[("", "—"), *SeedLot.Container.choices], required=False
    )
    harvest_year = forms.IntegerField(label=_("Harvest or regeneration year"), required=False)
    thousand_seed_weight = forms.CharField(
        label=_("Thousand-seed weight (g)"), required=False, max_length=20
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, institute_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = lot_holding_places(institute_id)
        _style(self)


class ProcessingStepForm(forms.Form):
    """The next processing step of a lot; the fields a step does not use are left empty."""

    step = forms.ChoiceField(label=_("Step"), choices=ProcessingStep.Step.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    drying_start = forms.DateField(label=_("Drying started"), required=False, widget=DateInput)
    drying_end = forms.DateField(label=_("Drying ended"), required=False, widget=DateInput)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), required=False, max_digits=4, decimal_places=1
    )
    humidity = forms.DecimalField(
        label=_("Relative humidity (%)"), required=False, max_digits=4, decimal_places=1
    )
    moisture_content = forms.DecimalField(
        # xgettext:no-python-format
        label=_("Moisture content (% fresh weight)"),
        required=False,
        max_digits=5,
        decimal_places=2,
    )
    moisture_method = forms.ChoiceField(
        label=_("Moisture method"),
        choices=[("", "—"), *SeedLot.MoistureMethod.choices],
        required=False,
    )
    container = forms.ChoiceField(
        label=_("Container"), choices=[("", "—"), *SeedLot.Container.choices], required=False
    )
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=StorageLocation.objects.none(), required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)

    def __init__(self, *args, lot=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lot is not None:
            self.fields["location"].queryset = lot_holding_places(lot.institute_id)
            done = {s.step for s in lot.processing_steps.all()}
            order = list(ProcessingStep.Step.values)
            last = max((order.index(s) for s in done), default=-1)
            self.fields["step"].choices = [
                (value, label)
                for value, label in ProcessingStep.Step.choices
                if order.index(value) > last
            ]
        _style(self)


class MoveLotForm(forms.Form):
    location = forms.ModelChoiceField(label=_("New location"), queryset=StorageLocation.objects)
    reason = forms.CharField(label=_("Why"), required=False, max_length=500)

    def __init__(self, *args, lot=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lot is not None:
            self.fields["location"].queryset = lot_holding_places(lot.institute_id)
            self.fields["location"].initial = lot.location_id
        _style(self)


class MoveLocationForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("Move inside"), queryset=StorageLocation.objects, required=False,
        empty_label=_("(the top level)"),
    )  # fmt: skip
    reason = forms.CharField(label=_("Why"), max_length=500)

    def __init__(self, *args, location=None, **kwargs):
        super().__init__(*args, **kwargs)
        if location is not None:
            self.fields["parent"].queryset = (
                StorageLocation.objects.filter(institute_id=location.institute_id)
                .exclude(pk=location.pk)
                .exclude(path__startswith=location.path + "/")
                .order_by("path")
            )
            self.fields["parent"].initial = location.parent_id
        _style(self)


class LocationForm(forms.Form):
    """A new place inside another (or at the top of the tree)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=StorageLocation.Kind.choices)
    storage_kind = forms.ChoiceField(
        label=_("Storage kind"), choices=[("", "—"), *StorageKind.choices], required=False
    )
    temperature_min = forms.DecimalField(
        label=_("Minimum temperature (°C)"), required=False, max_digits=5, decimal_places=1
    )
    temperature_max = forms.DecimalField(
        label=_("Maximum temperature (°C)"), required=False, max_digits=5, decimal_places=1
    )
    humidity_min = forms.DecimalField(
        label=_("Minimum relative humidity (%)"), required=False, max_digits=4, decimal_places=1
    )
    humidity_max = forms.DecimalField(
        label=_("Maximum relative humidity (%)"), required=False, max_digits=4, decimal_places=1
    )
    capacity = forms.IntegerField(label=_("Capacity (lots)"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReadingsUploadForm(forms.Form):
    file = forms.FileField(label=_("Data-logger file (CSV)"))

    def __init__(self, *args, refused: str | None = None, **kwargs):
        """refused: the name of a file the upload handler dropped for its size (core.uploads)."""
        super().__init__(*args, **kwargs)
        _style(self)
        self.refused = refused
        if refused is not None:
            self.fields["file"].required = False  # missing for the reason clean_file gives
        self.fields["file"].help_text = upload_help()

    def clean_file(self):
        return clean_upload(self.cleaned_data.get("file"), self.refused)


class CountForm(forms.Form):
    """One scanned lot and what was found of it."""

    code = forms.CharField(label=_("Lot code"), max_length=60)
    quantity = forms.CharField(label=_("Counted"), max_length=20)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    found_at = forms.CharField(label=_("Found at (location code)"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["code"].widget.attrs["autofocus"] = True


class ReconcileForm(forms.Form):
    reason = forms.CharField(label=_("Why the quantities differ"), max_length=500, required=False)
    missing_as_zero = forms.BooleanField(
        label=_("Lots not found are empty: adjust them to zero"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
