"""Forms for accessions and collecting missions; the checks themselves live in the services."""

from __future__ import annotations

from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from genebank.accessions.checks import check_event_date, check_mission_dates
from genebank.accessions.models import (
    Accession,
    Acquisition,
    CollectingMission,
    CollectingSource,
    MlsStatus,
    SampleStatus,
)
from genebank.accessions.services import (
    MCPD_TO_FIELD,
    PassportData,
    format_other_numbers,
    parse_other_numbers,
    read_other_numbers,
    validate_passport,
)
from genebank.core.forms import style_fields
from genebank.core.mcpd_values import (
    COORDUNCERT_RANGE,
    ELEVATION_RANGE,
    parse_decimal_coordinate,
    parse_whole_number,
)
from genebank.core.models import Cooperator, Country, Crop, Institute


def _choices(enum):
    return [("", "—")] + list(enum.choices)


# Dates, coordinates and numbers are typed as people write them (1984/06/15, 4531 --S, 31,95)
# and read by the grammar the importer uses too: the fields take more than the canonical length.
VALUE_TEXT_LENGTH = 30


class ValueField(forms.CharField):
    """An MCPD value typed as people write it and read by the grammar (core.mcpd_values), as
    the importer reads it: its errors refuse the form, its warnings are kept for the form to
    show beside the service's."""

    def __init__(self, read, **kwargs):
        kwargs.setdefault("max_length", VALUE_TEXT_LENGTH)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.read = read
        self.warnings: list = []

    def clean(self, value):
        self.warnings = []
        text = super().clean(value)
        value, problems = self.read(text)
        errors = [p.message for p in problems if p.is_error]
        if errors:
            raise forms.ValidationError(errors)
        self.warnings = problems
        return value


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.iso3})"


class AccessionForm(forms.Form):
    """Passport data of one accession, grouped as a curator reads them."""

    FIELDSETS = [
        (
            _("Identity"),
            ["institute", "number", "puid", "names", "other_numbers", "is_public"],
        ),
        (
            _("Taxonomy"),
            [
                "genus",
                "species",
                "species_author",
                "subtaxa",
                "subtaxa_author",
                "crop",
                "crop_name",
            ],
        ),
        (
            _("Origin and status"),
            [
                "origin_country",
                "sample_status",
                "acquisition_date",
                "ancestry",
                "breeding_institutes",
                "breeder_name",
                "mls_status",
                "remarks",
            ],
        ),
        (
            _("Collecting"),
            [
                "mission",
                "mission_code",
                "collector_number",
                "collectors",
                "collecting_institutes",
                "collecting_institute_name",
                "collecting_institute_address",
                "collecting_date",
                "site",
                "latitude",
                "longitude",
                "latitude_dms",
                "longitude_dms",
                "coordinate_uncertainty",
                "datum",
                "georeference_method",
                "elevation",
                "collecting_source",
                "habitat",
                "sensitive_location",
            ],
        ),
        (
            _("Acquisition"),
            [
                "acquisition_kind",
                "donor_institute",
                "donor_person",
                "donor_name",
                "donor_number",
                "agreement_reference",
                "import_permit",
                "phytosanitary_certificate",
                "quarantine_status",
                "quarantine_notes",
            ],
        ),
    ]

    institute = forms.ModelChoiceField(
        Institute.objects.filter(is_holding=True), label=_("Holding institute")
    )
    number = forms.CharField(label=_("Accession number"), max_length=60)
    puid = forms.CharField(label=_("PUID / DOI"), max_length=200, required=False)
    names = forms.CharField(
        label=_("Accession names"),
        required=False,
        help_text=_("Several names separated by ';'."),
    )
    other_numbers = forms.CharField(
        label=_("Other numbers"),
        required=False,
        help_text=_("INSTCODE:identifier pairs separated by ';' (e.g. NLD037:CGN00254;:ABC123)."),
    )
    is_public = forms.BooleanField(label=_("Public"), required=False, initial=True)
    genus = forms.CharField(label=_("Genus"), max_length=60)
    species = forms.CharField(label=_("Species"), max_length=60, required=False)
    species_author = forms.CharField(label=_("Species authority"), max_length=100, required=False)
    subtaxa = forms.CharField(label=_("Subtaxa"), max_length=120, required=False)
    subtaxa_author = forms.CharField(label=_("Subtaxa authority"), max_length=100, required=False)
    crop = forms.ModelChoiceField(Crop.objects.all(), label=_("Crop"), required=False)
    crop_name = forms.CharField(label=_("Crop name (as given)"), max_length=100, required=False)
    origin_country = CountryChoiceField(
        Country.objects.all(), label=_("Country of origin"), required=False
    )
    sample_status = forms.TypedChoiceField(
        label=_("Biological status"),
        choices=_choices(SampleStatus),
        coerce=int,
        empty_value=None,
        required=False,
    )
    acquisition_date = forms.CharField(
        label=_("Acquisition date"),
        max_length=VALUE_TEXT_LENGTH,
        required=False,
        help_text=_("YYYYMMDD; unknown month or day as -- (e.g. 1984----, 198406--)."),
    )
    ancestry = forms.CharField(
        label=_("Pedigree / ancestry"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    breeding_institutes = forms.ModelMultipleChoiceField(
        Institute.objects.all(), label=_("Breeding institutes"), required=False
    )
    breeder_name = forms.CharField(label=_("Breeder name"), max_length=200, required=False)
    mls_status = forms.TypedChoiceField(
        label=_("MLS status"),
        choices=_choices(MlsStatus),
        coerce=int,
        empty_value=None,
        required=False,
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    mission = forms.ModelChoiceField(
        CollectingMission.objects.all(), label=_("Collecting mission"), required=False
    )
    mission_code = forms.CharField(
        label=_("Mission identifier (as given)"), max_length=100, required=False
    )
    collector_number = forms.CharField(label=_("Collecting number"), max_length=100, required=False)
    collectors = forms.ModelMultipleChoiceField(
        Cooperator.objects.filter(is_collector=True), label=_("Collectors"), required=False
    )
    collecting_institutes = forms.ModelMultipleChoiceField(
        Institute.objects.all(), label=_("Collecting institutes"), required=False
    )
    collecting_institute_name = forms.CharField(
        label=_("Collecting institute name (no WIEWS code)"), max_length=400, required=False
    )
    collecting_institute_address = forms.CharField(
        label=_("Collecting institute address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    collecting_date = forms.CharField(
        label=_("Collecting date"),
        max_length=VALUE_TEXT_LENGTH,
        required=False,
        help_text=_("YYYYMMDD; unknown month or day as -- (e.g. 1984----, 198406--)."),
    )
    site = forms.CharField(label=_("Collecting site"), max_length=400, required=False)
    latitude = ValueField(
        partial(parse_decimal_coordinate, axis="lat"),
        label=_("Latitude (decimal degrees)"),
    )
    longitude = ValueField(
        partial(parse_decimal_coordinate, axis="lon"),
        label=_("Longitude (decimal degrees)"),
    )
    latitude_dms = forms.CharField(
        label=_("Latitude (DDMMSSH)"),
        max_length=VALUE_TEXT_LENGTH,
        required=False,
        help_text=_("e.g. 103020S or 10----S"),
    )
    longitude_dms = forms.CharField(
        label=_("Longitude (DDDMMSSH)"),
        max_length=VALUE_TEXT_LENGTH,
        required=False,
        help_text=_("e.g. 0762510W"),
    )
    coordinate_uncertainty = ValueField(
        partial(
            parse_whole_number,
            field="COORDUNCERT",
            low=COORDUNCERT_RANGE[0],
            high=COORDUNCERT_RANGE[1],
        ),
        label=_("Coordinate uncertainty (m)"),
    )
    datum = forms.CharField(
        label=_("Geodetic datum"), max_length=30, required=False, initial="WGS84"
    )
    georeference_method = forms.CharField(
        label=_("Georeferencing method"), max_length=100, required=False
    )
    elevation = ValueField(
        partial(
            parse_whole_number, field="ELEVATION", low=ELEVATION_RANGE[0], high=ELEVATION_RANGE[1]
        ),
        label=_("Elevation (m)"),
    )
    collecting_source = forms.TypedChoiceField(
        label=_("Collecting source"),
        choices=_choices(CollectingSource),
        coerce=int,
        empty_value=None,
        required=False,
    )
    habitat = forms.CharField(
        label=_("Habitat"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sensitive_location = forms.BooleanField(
        label=_("Sensitive collecting site (withhold coordinates from public outputs)"),
        required=False,
    )
    acquisition_kind = forms.ChoiceField(
        label=_("How it was acquired"),
        choices=Acquisition.Kind.choices,
        initial=Acquisition.Kind.COLLECTED,
    )
    donor_institute = forms.ModelChoiceField(
        Institute.objects.all(), label=_("Donor institute"), required=False
    )
    donor_person = forms.ModelChoiceField(
        Cooperator.objects.all(), label=_("Donor (person)"), required=False
    )
    donor_name = forms.CharField(
        label=_("Donor name (if not listed)"), max_length=200, required=False
    )
    donor_number = forms.CharField(
        label=_("Donor's accession number"), max_length=100, required=False
    )
    agreement_reference = forms.CharField(
        label=_("Agreement or permit reference"), max_length=200, required=False
    )
    import_permit = forms.CharField(label=_("Import permit"), max_length=200, required=False)
    phytosanitary_certificate = forms.CharField(
        label=_("Phytosanitary certificate"), max_length=200, required=False
    )
    quarantine_status = forms.ChoiceField(
        label=_("Quarantine status"),
        choices=Acquisition.Quarantine.choices,
        initial=Acquisition.Quarantine.NOT_REQUIRED,
    )
    quarantine_notes = forms.CharField(
        label=_("Quarantine notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason for this change"),
        max_length=500,
        required=False,
        help_text=_("Kept in the record's history."),
    )
    accept_warnings = forms.BooleanField(label=_("Save despite the warnings above"), required=False)

    def __init__(self, *args, institutes=None, accession: Accession | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.accession = accession
        self.warnings: list = []
        if institutes is not None:
            self.fields["institute"].queryset = institutes
        self.fields["origin_country"].queryset = Country.objects.order_by("name")
        if accession is not None:
            # Identity never changes after registration.
            for name in ("institute", "number"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            self.fields["reason"].required = True
        style_fields(self.fields)

    def fieldsets(self):
        for title, names in self.FIELDSETS:
            yield title, [self[name] for name in names]

    @classmethod
    def initial_from(cls, data: PassportData) -> dict:
        initial = {name: getattr(data, name) for name in cls.base_fields if hasattr(data, name)}
        initial["names"] = ";".join(data.names)
        initial["other_numbers"] = format_other_numbers(data.other_numbers)
        return initial

    def passport_data(self) -> PassportData:
        cleaned = dict(self.cleaned_data)
        cleaned["names"] = [n for n in (cleaned.get("names") or "").split(";") if n.strip()]
        cleaned["other_numbers"] = parse_other_numbers(cleaned.get("other_numbers") or "")
        for name in ("breeding_institutes", "collectors", "collecting_institutes"):
            cleaned[name] = list(cleaned.get(name) or [])
        if self.accession is not None:
            cleaned["institute"] = self.accession.institute
            cleaned["number"] = self.accession.number
        return PassportData.from_dict(cleaned)

    def clean(self):
        cleaned = super().clean()
        # Run the service checks even when some fields failed, so every problem shows at once.
        errors, warnings = validate_passport(self.passport_data(), exclude=self.accession)
        # The texts' own problems, which the values passed on no longer show: OTHERNUMB's (an
        # item without INSTCODE:, a repeat) and the warnings of the fields read by the grammar
        # (a decimal comma, a rounded elevation). The importer reports them for the same texts.
        text_problems = read_other_numbers(self.cleaned_data.get("other_numbers") or "")[1]
        for field in self.fields.values():
            text_problems += getattr(field, "warnings", [])
        errors = [p for p in text_problems if p.is_error] + errors
        warnings = [p for p in text_problems if not p.is_error] + warnings
        for problem in errors:
            name = MCPD_TO_FIELD.get(problem.field, problem.field)
            name = name if name in self.fields else None
            if name is None or name not in self.errors:
                self.add_error(name, problem.message)
        self.warnings = warnings
        return cleaned

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings) and not self.cleaned_data.get("accept_warnings")


class DeaccessionForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("For example: duplicate of another accession, lost viability, misidentified."),
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        for problem in check_event_date(date, "date"):
            raise forms.ValidationError(problem.message)
        return date


class ReinstateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class CollectingMissionForm(forms.ModelForm):
    class Meta:
        model = CollectingMission
        fields = [
            "code",
            "name",
            "institute",
            "country",
            "start_date",
            "end_date",
            "team",
            "target_crops",
            "collecting_permit",
            "pic_reference",
            "export_permit",
            "notes",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    reason = forms.CharField(label=_("Reason for this change"), max_length=500, required=False)

    def __init__(self, *args, institutes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if institutes is not None:
            self.fields["institute"].queryset = institutes
        style_fields(self.fields)

    def clean(self):
        cleaned = super().clean()
        for problem in check_mission_dates(cleaned.get("start_date"), cleaned.get("end_date")):
            if problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        return cleaned
