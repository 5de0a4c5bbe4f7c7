"""Forms for reference records and user accounts."""

from collections.abc import Callable, Iterable

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from genebank.core.models import Cooperator, Country, Crop, Institute, Role, Taxon
from genebank.core.registry import Registry

# Rules for a taxon's name that a higher app keeps (accessions: MCPD's for GENUS, SPECIES and
# SUBTAXA). Each check(genus, species, subtaxa) gives (form field, message) per error.
taxon_name_checks: Registry[Callable[[str, str, str], Iterable[tuple[str, str]]]] = Registry(
    "taxon name checks"
)


def style_fields(fields, size: str = "") -> None:
    """Give every widget its Bootstrap class (form-control, form-select or form-check-input)."""
    suffix = f" form-control-{size}" if size else ""
    select_suffix = f" form-select-{size}" if size else ""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select" + select_suffix
        else:
            css = "form-control" + suffix
        widget.attrs.setdefault("class", css)


def attach_errors(form, exc) -> None:
    """Show a service's ValidationError on the form: beside its field when the form has that
    field, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class BootstrapMixin:
    def style(self):
        style_fields(self.fields)


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason for this change"),
        max_length=500,
        required=False,
        help_text=_("Kept in the record's history."),
    )


class InstituteForm(BootstrapMixin, forms.ModelForm, ReasonMixin):
    class Meta:
        model = Institute
        fields = [
            "code",
            "name",
            "acronym",
            "country",
            "address",
            "is_holding",
            "accession_prefix",
            "accession_digits",
            "accession_suffix",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name")
        self.style()


# A person's contact details, shown only to those who may see them (see permissions).
CONTACT_FIELDS = ("email", "phone", "address")


class CooperatorForm(BootstrapMixin, forms.ModelForm, ReasonMixin):
    class Meta:
        model = Cooperator
        fields = [
            "name",
            "institute",
            "is_collector",
            "is_donor",
            "is_breeder",
            "is_requester",
            "email",
            "phone",
            "address",
            "country",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class CropForm(BootstrapMixin, forms.ModelForm, ReasonMixin):
    class Meta:
        model = Crop
        fields = ["name", "name_fr", "name_ar"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class TaxonForm(BootstrapMixin, forms.ModelForm, ReasonMixin):
    class Meta:
        model = Taxon
        fields = ["genus", "species", "species_author", "subtaxa", "subtaxa_author", "crop"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self):
        cleaned = super().clean()
        name = [cleaned.get(f) or "" for f in ("genus", "species", "subtaxa")]
        for check in taxon_name_checks:
            for field, message in check(*name):
                self.add_error(field, message)
        return cleaned


class MemberForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    # Checked by the service against AUTH_PASSWORD_VALIDATORS, the one rule for every password.
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = " ".join(
            [
                str(
                    _(
                        "Only for a new account. For an existing account, give only the username "
                        "and the role."
                    )
                ),
                *password_validation.password_validators_help_texts(),
            ]
        )
        self.style()


class RoleForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class OwnPasswordForm(BootstrapMixin, PasswordChangeForm):
    """Django's password change form (old password, new twice, AUTH_PASSWORD_VALIDATORS);
    the change itself is made by services.change_own_password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
