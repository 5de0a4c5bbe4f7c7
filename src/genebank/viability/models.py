"""Viability records: the species constants of the viability equation, germination tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from genebank.core.audit import audit_trail
from genebank.inventory.models import LotTransaction, SeedLot

if TYPE_CHECKING:
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
        # Imported here: numpy and scipy load only when a prediction is made, not with every
        # process that loads the models.
        from genebank.viability.equation import Constants

        return Constants(ke=self.ke, cw=self.cw, ch=self.ch, cq=self.cq)

    @property
    def suspect(self) -> bool:
        """The reference marks the set as suspect (a likely transcription error, say)."""
        return "SUSPECT" in self.source


class GerminationTest(models.Model):
    """A germination test of a seed lot: when, who, the rule it followed, and (in its
    replicates) what the seeds did. Recorded by services.record_germination_test, which also
    withdraws the seeds used through the ledger."""

    class Substrate(models.TextChoices):
        # ISTA Rules, chapter 5: the usual media.
        TOP_OF_PAPER = "TP", _("Top of paper")
        BETWEEN_PAPER = "BP", _("Between paper")
        PLEATED_PAPER = "PP", _("Pleated paper")
        SAND = "S", _("Sand")
        TOP_OF_SAND = "TS", _("Top of sand")
        SOIL = "O", _("Soil or compost")
        AGAR = "agar", _("Agar")
        OTHER = "other", _("Other")

    class Light(models.TextChoices):
        LIGHT = "light", _("Light")
        DARK = "dark", _("Dark")
        ALTERNATING = "alternating", _("Alternating light and dark")

    lot = models.ForeignKey(
        SeedLot,
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        related_name="germination_tests",
    )
    tested_on = models.DateField(_("test started on"))
    tested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tested by"),
        on_delete=models.PROTECT,
        related_name="germination_tests",
    )
    substrate = models.CharField(_("substrate"), max_length=10, choices=Substrate.choices)
    temperature_regime = models.CharField(
        _("temperature regime"),
        max_length=40,
        help_text=_("°C; two values for alternating temperatures, e.g. 20/30."),
    )
    light = models.CharField(_("light"), max_length=20, choices=Light.choices)
    dormancy_breaking = models.CharField(
        _("dormancy breaking"),
        max_length=200,
        blank=True,
        help_text=_("Prechill, scarification, gibberellic acid, ... (empty: none)."),
    )
    duration_days = models.PositiveSmallIntegerField(_("duration (days)"))
    replicates = models.PositiveSmallIntegerField(_("replicates"))
    seeds_per_replicate = models.PositiveIntegerField(_("seeds per replicate"))
    withdrawal = models.OneToOneField(
        LotTransaction,
        verbose_name=_("withdrawal of the seeds used"),
        on_delete=models.PROTECT,
        related_name="germination_test",
        editable=False,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = audit_trail()

    class Meta:
        ordering = ["lot", "tested_on", "pk"]
        verbose_name = _("germination test")
        verbose_name_plural = _("germination tests")

    def __str__(self) -> str:
        return f"{self.lot.number} {self.tested_on:%Y-%m-%d}"

    @property
    def seeds_on_test(self) -> int:
        return self.replicates * self.seeds_per_replicate


class GerminationReplicate(models.Model):
    """What the seeds of one replicate did: the five counts add up to its seeds."""

    test = models.ForeignKey(
        GerminationTest,
        verbose_name=_("germination test"),
        on_delete=models.CASCADE,
        related_name="replicate_counts",
    )
    number = models.PositiveSmallIntegerField(_("replicate"))
    normal = models.PositiveIntegerField(_("normal seedlings"))
    abnormal = models.PositiveIntegerField(_("abnormal seedlings"))
    dead = models.PositiveIntegerField(_("dead seeds"))
    fresh_ungerminated = models.PositiveIntegerField(_("fresh ungerminated (dormant) seeds"))
    hard = models.PositiveIntegerField(_("hard seeds"))
    history = audit_trail()

    COUNTS = ("normal", "abnormal", "dead", "fresh_ungerminated", "hard")

    class Meta:
        ordering = ["test", "number"]
        verbose_name = _("germination test replicate")
        verbose_name_plural = _("germination test replicates")
        constraints = [
            models.UniqueConstraint(
                fields=["test", "number"], name="viability_one_row_per_replicate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.test} #{self.number}"

    @property
    def seeds(self) -> int:
        return sum(getattr(self, name) for name in self.COUNTS)
