"""Accessions and their passport data, stored normalized; MCPD rows are produced from them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from genebank.core.audit import audit_trail
from genebank.core.models import Cooperator, Country, Crop, Institute, Taxon

PARTIAL_DATE_HELP = _("YYYYMMDD; unknown month or day as -- (e.g. 1984----, 198406--).")


class SampleStatus(models.IntegerChoices):
    """MCPD SAMPSTAT, biological status of the accession."""

    WILD = 100, _("Wild")
    NATURAL = 110, _("Natural")
    SEMI_NATURAL_WILD = 120, _("Semi-natural/wild")
    SEMI_NATURAL_SOWN = 130, _("Semi-natural/sown")
    WEEDY = 200, _("Weedy")
    LANDRACE = 300, _("Traditional cultivar/landrace")
    BREEDING_MATERIAL = 400, _("Breeding/research material")
    BREEDERS_LINE = 410, _("Breeder's line")
    SYNTHETIC_POPULATION = 411, _("Synthetic population")
    HYBRID = 412, _("Hybrid")
    FOUNDER_STOCK = 413, _("Founder stock/base population")
    INBRED_LINE = 414, _("Inbred line (parent of hybrid cultivar)")
    SEGREGATING_POPULATION = 415, _("Segregating population")
    CLONAL_SELECTION = 416, _("Clonal selection")
    GENETIC_STOCK = 420, _("Genetic stock")
    MUTANT = 421, _("Mutant (e.g. induced/insertion mutants, TILLING populations)")
    CYTOGENETIC_STOCK = 422, _("Cytogenetic stocks (e.g. chromosome addition/substitution)")
    OTHER_GENETIC_STOCK = 423, _("Other genetic stocks (e.g. mapping populations)")
    IMPROVED_CULTIVAR = 500, _("Advanced or improved cultivar (conventional breeding methods)")
    GMO = 600, _("GMO (by genetic engineering)")
    OTHER = 999, _("Other (elaborate in REMARKS)")


class CollectingSource(models.IntegerChoices):
    """MCPD COLLSRC, the kind of site the sample was collected or acquired from."""

    WILD_HABITAT = 10, _("Wild habitat")
    FOREST = 11, _("Forest or woodland")
    SHRUBLAND = 12, _("Shrubland")
    GRASSLAND = 13, _("Grassland")
    DESERT = 14, _("Desert or tundra")
    AQUATIC = 15, _("Aquatic habitat")
    FARM = 20, _("Farm or cultivated habitat")
    FIELD = 21, _("Field")
    ORCHARD = 22, _("Orchard")
    GARDEN = 23, _("Backyard, kitchen or home garden (urban, peri-urban or rural)")
    FALLOW = 24, _("Fallow land")
    PASTURE = 25, _("Pasture")
    FARM_STORE = 26, _("Farm store")
    THRESHING_FLOOR = 27, _("Threshing floor")
    PARK = 28, _("Park")
    MARKET = 30, _("Market or shop")
    INSTITUTE = 40, _("Institute, experimental station, research organization, genebank")
    SEED_COMPANY = 50, _("Seed company")
    WEEDY = 60, _("Weedy, disturbed or ruderal habitat")
    ROADSIDE = 61, _("Roadside")
    FIELD_MARGIN = 62, _("Field margin")
    OTHER = 99, _("Other (elaborate in REMARKS)")


class StorageType(models.IntegerChoices):
    """MCPD STORAGE."""

    SEED = 10, _("Seed collection")
    SHORT_TERM = 11, _("Short term")
    MEDIUM_TERM = 12, _("Medium term")
    LONG_TERM = 13, _("Long term")
    FIELD = 20, _("Field collection")
    IN_VITRO = 30, _("In vitro collection")
    CRYO = 40, _("Cryopreserved collection")
    DNA = 50, _("DNA collection")
    OTHER = 99, _("Other (elaborate in REMARKS)")


class MlsStatus(models.IntegerChoices):
    """MCPD MLSSTAT: is the accession in the ITPGRFA Multilateral System?"""

    NO = 0, _("No (not included in the MLS)")
    YES = 1, _("Yes (included in the MLS)")
    OTHER = 99, _("Other (elaborate in REMARKS)")


class CollectingMission(models.Model):
    """A collecting mission: who went where, when, under which permits, for which crops."""

    code = models.CharField(_("mission code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    institute = models.ForeignKey(
        Institute,
        verbose_name=_("organising institute"),
        on_delete=models.PROTECT,
        related_name="missions",
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    team = models.ManyToManyField(
        Cooperator, verbose_name=_("team"), blank=True, related_name="missions"
    )
    target_crops = models.ManyToManyField(
        Crop, verbose_name=_("target crops"), blank=True, related_name="missions"
    )
    collecting_permit = models.CharField(
        _("collecting permit reference"), max_length=200, blank=True
    )
    pic_reference = models.CharField(
        _("prior informed consent reference"), max_length=200, blank=True
    )
    export_permit = models.CharField(_("export permit reference"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = audit_trail(m2m_fields=[team, target_crops])

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("collecting mission")
        verbose_name_plural = _("collecting missions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="mission_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Accession(models.Model):
    """One distinct sample held by a genebank: INSTCODE + ACCENUMB, never reused, never deleted."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEACCESSIONED = "deaccessioned", _("Deaccessioned")

    institute = models.ForeignKey(
        Institute,
        verbose_name=_("holding institute"),
        on_delete=models.PROTECT,
        related_name="accessions",
    )
    number = models.CharField(_("accession number"), max_length=60)
    sequence = models.PositiveIntegerField(
        _("sequence"), null=True, blank=True, editable=False, db_index=True
    )
    puid = models.CharField(
        _("persistent identifier (PUID/DOI)"), max_length=200, blank=True, db_index=True
    )
    taxon = models.ForeignKey(
        Taxon, verbose_name=_("taxon"), on_delete=models.PROTECT, related_name="accessions"
    )
    crop_name = models.CharField(_("crop name"), max_length=100, blank=True)
    acquisition_date = models.CharField(
        _("acquisition date"), max_length=8, blank=True, help_text=PARTIAL_DATE_HELP
    )
    origin_country = models.ForeignKey(
        Country,
        verbose_name=_("country of origin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sample_status = models.PositiveSmallIntegerField(
        _("biological status"), choices=SampleStatus.choices, null=True, blank=True
    )
    ancestry = models.TextField(_("ancestral data (pedigree)"), blank=True)
    breeding_institutes = models.ManyToManyField(
        Institute, verbose_name=_("breeding institutes"), blank=True, related_name="+"
    )
    breeder_name = models.CharField(
        _("breeding institute or breeder name"), max_length=200, blank=True
    )
    mls_status = models.PositiveSmallIntegerField(
        _("MLS status"), choices=MlsStatus.choices, null=True, blank=True
    )
    # Kept as given by an import until inventory and safety-duplicate records own these values.
    storage_codes = models.CharField(_("type of storage (MCPD)"), max_length=50, blank=True)
    duplicate_site_codes = models.CharField(
        _("safety duplicate sites (MCPD)"), max_length=200, blank=True
    )
    duplicate_site_names = models.CharField(
        _("safety duplicate institute names (MCPD)"), max_length=400, blank=True
    )
    remarks = models.TextField(_("remarks"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    sensitive_location = models.BooleanField(
        _("sensitive collecting site"),
        default=False,
        help_text=_("Withhold collecting-site coordinates from every public output."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    deaccession_date = models.DateField(_("deaccession date"), null=True, blank=True)
    deaccession_reason = models.TextField(_("deaccession reason"), blank=True)
    # Passport Data Completeness Index (exchange/pdci.py), derived from the passport and kept
    # here so that lists and collection summaries need not compute it. Not audited: it follows
    # the audited passport data. Empty until computed (genebank pdci).
    pdci = models.DecimalField(
        _("PDCI"), max_digits=4, decimal_places=2, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = audit_trail(m2m_fields=[breeding_institutes], excluded_fields=["pdci"])

    class Meta:
        ordering = ["institute__code", "sequence", "number"]
        verbose_name = _("accession")
        verbose_name_plural = _("accessions")
        constraints = [
            models.UniqueConstraint(fields=["institute", "number"], name="accession_identity"),
            models.CheckConstraint(
                condition=Q(status="active") | Q(deaccession_date__isnull=False),
                name="deaccession_has_date",
            ),
        ]
        indexes = [models.Index(fields=["number"])]

    def __str__(self) -> str:
        return f"{self.institute.code} {self.number}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def names(self) -> list[str]:
        return [n.name for n in self.accession_names.all()]

    @property
    def first_name(self) -> str:
        names = self.names
        return names[0] if names else ""


class AccessionName(models.Model):
    """A name of the accession (MCPD ACCENAME), in the order given."""

    accession = models.ForeignKey(
        Accession, on_delete=models.CASCADE, related_name="accession_names"
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = audit_trail()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("accession name")
        verbose_name_plural = _("accession names")

    def __str__(self) -> str:
        return self.name


class AccessionIdentifier(models.Model):
    """Another number of the same material, held elsewhere (MCPD OTHERNUMB: INSTCODE:identifier)."""

    accession = models.ForeignKey(Accession, on_delete=models.CASCADE, related_name="other_numbers")
    institute_code = models.CharField(_("institute code"), max_length=7, blank=True)
    identifier = models.CharField(_("identifier"), max_length=100, db_index=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = audit_trail()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("other number")
        verbose_name_plural = _("other numbers")

    def __str__(self) -> str:
        return f"{self.institute_code}:{self.identifier}"


class CollectingEvent(models.Model):
    """Where, when and by whom the accession was collected (MCPD fields 3-4.2, 14-17, 21)."""

    accession = models.OneToOneField(
        Accession, on_delete=models.CASCADE, related_name="collecting_event"
    )
    mission = models.ForeignKey(
        CollectingMission,
        verbose_name=_("collecting mission"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    mission_code = models.CharField(
        _("collecting mission identifier"),
        max_length=100,
        blank=True,
        help_text=_("As the collecting institute names it (MCPD COLLMISSID)."),
    )
    collector_number = models.CharField(
        _("collecting number"), max_length=100, blank=True, db_index=True
    )
    collectors = models.ManyToManyField(
        Cooperator, verbose_name=_("collectors"), blank=True, related_name="+"
    )
    collecting_institutes = models.ManyToManyField(
        Institute, verbose_name=_("collecting institutes"), blank=True, related_name="+"
    )
    collecting_institute_name = models.CharField(
        _("collecting institute name"), max_length=400, blank=True
    )
    collecting_institute_address = models.TextField(_("collecting institute address"), blank=True)
    site = models.CharField(_("collecting site"), max_length=400, blank=True)
    latitude = models.DecimalField(
        _("latitude (decimal)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (decimal)"), max_digits=10, decimal_places=6, null=True, blank=True
    )
    latitude_dms = models.CharField(_("latitude (DDMMSSH)"), max_length=7, blank=True)
    longitude_dms = models.CharField(_("longitude (DDDMMSSH)"), max_length=8, blank=True)
    coordinate_uncertainty = models.PositiveIntegerField(
        _("coordinate uncertainty (m)"), null=True, blank=True
    )
    datum = models.CharField(_("geodetic datum"), max_length=30, blank=True)
    georeference_method = models.CharField(_("georeferencing method"), max_length=100, blank=True)
    elevation = models.IntegerField(_("elevation (m)"), null=True, blank=True)
    date = models.CharField(
        _("collecting date"), max_length=8, blank=True, help_text=PARTIAL_DATE_HELP
    )
    source = models.PositiveSmallIntegerField(
        _("collecting/acquisition source"), choices=CollectingSource.choices, null=True, blank=True
    )
    habitat = models.TextField(_("habitat"), blank=True)
    history = audit_trail(m2m_fields=[collectors, collecting_institutes])

    class Meta:
        verbose_name = _("collecting event")
        verbose_name_plural = _("collecting events")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.site or self.collector_number or str(self.accession)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Acquisition(models.Model):
    """How the accession came to the genebank: collected, donated, transferred; and its quarantine."""

    class Kind(models.TextChoices):
        COLLECTED = "collected", _("Collected")
        DONATION = "donation", _("Donation")
        TRANSFER = "transfer", _("Transfer from another genebank")
        BRED = "bred", _("Bred by the genebank")
        OTHER = "other", _("Other")

    class Quarantine(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Not required")
        PENDING = "pending", _("In quarantine")
        RELEASED = "released", _("Released")
        REJECTED = "rejected", _("Rejected")

    accession = models.OneToOneField(
        Accession, on_delete=models.CASCADE, related_name="acquisition"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    donor_institute = models.ForeignKey(
        Institute,
        verbose_name=_("donor institute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    donor_person = models.ForeignKey(
        Cooperator,
        verbose_name=_("donor (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    donor_name = models.CharField(_("donor name"), max_length=200, blank=True)
    donor_number = models.CharField(
        _("donor accession number"), max_length=100, blank=True, db_index=True
    )
    agreement_reference = models.CharField(
        _("agreement or permit reference"), max_length=200, blank=True
    )
    import_permit = models.CharField(_("import permit"), max_length=200, blank=True)
    phytosanitary_certificate = models.CharField(
        _("phytosanitary certificate"), max_length=200, blank=True
    )
    quarantine_status = models.CharField(
        _("quarantine status"),
        max_length=20,
        choices=Quarantine.choices,
        default=Quarantine.NOT_REQUIRED,
    )
    quarantine_notes = models.TextField(_("quarantine notes"), blank=True)
    history = audit_trail()

    class Meta:
        verbose_name = _("acquisition")
        verbose_name_plural = _("acquisitions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.accession}"

    @property
    def donor_display(self) -> str:
        if self.donor_institute_id:
            return str(self.donor_institute)
        if self.donor_person_id:
            return str(self.donor_person)
        return self.donor_name
