"""The reference records a curator keeps: one description per kind drives their list and form pages."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from genebank.core.forms import CooperatorForm, CropForm, InstituteForm, TaxonForm
from genebank.core.models import Cooperator, Crop, Institute, Taxon


@dataclass(frozen=True)
class ReferenceKind:
    model: type
    form: type
    title: str
    columns: tuple[tuple[str, str], ...]  # (attribute, label)
    search: tuple[str, ...]
    related: tuple[str, ...] = ()


KINDS = {
    "institutes": ReferenceKind(
        Institute,
        InstituteForm,
        _("Institutes"),
        (
            ("code", _("WIEWS code")),
            ("name", _("Name")),
            ("acronym", _("Acronym")),
            ("country", _("Country")),
            ("is_holding", _("Holds a collection")),
        ),
        ("code", "name", "acronym"),
        ("country",),
    ),
    "cooperators": ReferenceKind(
        Cooperator,
        CooperatorForm,
        _("People"),
        (
            ("name", _("Name")),
            ("institute", _("Institute")),
            ("roles", _("Roles")),
            ("country", _("Country")),
        ),
        # Not by email: contact details are not everyone's to see, nor to probe by searching.
        ("name",),
        ("institute", "country"),
    ),
    "crops": ReferenceKind(
        Crop,
        CropForm,
        _("Crops"),
        (("name", _("Name")), ("name_fr", _("Name in French")), ("name_ar", _("Name in Arabic"))),
        ("name", "name_fr", "name_ar"),
    ),
    "taxa": ReferenceKind(
        Taxon,
        TaxonForm,
        _("Taxa"),
        (
            ("name", _("Scientific name")),
            ("species_author", _("Authority")),
            ("crop", _("Crop")),
            ("annex1_crop", _("ITPGRFA Annex I")),
        ),
        ("genus", "species", "subtaxa"),
        ("crop",),
    ),
}
