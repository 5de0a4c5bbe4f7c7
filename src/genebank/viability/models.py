"""Viability records: the species constants of the viability equation."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from genebank.core.audit import audit_trail
from genebank.viability.equation import Constants


class SpeciesConstantsQuerySet(models.QuerySet):
    def named(self, name: str) -> SpeciesConstantsQuerySet:
        """The sets for a species name: the exact name (any case), else the names that qualify
        it in brackets ("Hordeum vulgare" finds "Hordeum vulgare (H. distichum)")."""
        name = " ".join(name.split())
        exact = self.filter(species__iexact=name)
        if exact.exists():
            return exact
        return self.filter(species__istartswith=f"{name} (")


class SpeciesConstants(models.Model):
    """KE, CW, CH and CQ of the viability equation for one species, as one source published
    them. A species may have several sets; the preferred one is used when only the name is
    given. Loaded from viability/data/viability_constants.csv, then editable."""

    species = models.CharField(
        _("species"),
        max_length=200,
        help_text=_("Scientific name, with a qualifier in brackets where the source gives one."),
    )
    ke = models.FloatField("KE")
    cw = models.FloatField("CW")
    ch = models.FloatField("CH")
    cq = models.FloatField("CQ")
    source = models.TextField(_("source"), help_text=_("Who published the constants, and notes."))
    preferred = models.BooleanField(
        _("preferred"),
        default=False,
        help_text=_("The set used when a prediction names only the species."),
    )
    history = audit_trail()

    objects = SpeciesConstantsQuerySet.as_manager()

    class Meta:
        ordering = ["species", "pk"]
        verbose_name = _("species viability constants")
        verbose_name_plural = _("species viability constants")
        constraints = [
            models.UniqueConstraint(
                fields=["species"],
                condition=Q(preferred=True),
                name="viability_one_preferred_constants_per_species",
                violation_error_message=_("A species has one preferred set of constants."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.species} ({self.source.split('[')[0].strip()})"

    @property
    def constants(self) -> Constants:
        return Constants(ke=self.ke, cw=self.cw, ch=self.ch, cq=self.cq)

    @property
    def suspect(self) -> bool:
        """The reference marks the set as suspect (a likely transcription error, say)."""
        return "SUSPECT" in self.source
