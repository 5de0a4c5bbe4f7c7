"""Core records shared by every part of genebank: countries, institutes, people, crops, taxa, roles."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from genebank.core.audit import audit_trail

WIEWS_CODE_VALIDATOR = RegexValidator(
    r"^[A-Z]{3}[0-9]{3,4}$",
    _("A FAO WIEWS institute code is three capital letters and three or four digits, e.g. JOR015."),
)


class Country(models.Model):
    """An ISO 3166-1 country, loaded from pycountry by a data migration."""

    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, primary_key=True)
    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from genebank.core.countries import country_name

        return country_name(self.iso3, self.name)


class Institute(models.Model):
    """A genebank or other institute, identified by its FAO WIEWS code."""

    code = models.CharField(
        _("WIEWS code"), max_length=7, unique=True, validators=[WIEWS_CODE_VALIDATOR]
    )
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True
    )
    address = models.TextField(_("address"), blank=True)
    is_holding = models.BooleanField(
        _("holds a collection in this system"),
        default=False,
        help_text=_(
            "Tick for the genebank(s) whose accessions are managed here; leave for partners."
        ),
    )
    accession_prefix = models.CharField(
        _("accession number prefix"), max_length=20, blank=True, help_text=_("e.g. 'IG ' or 'JO-'")
    )
    accession_digits = models.PositiveSmallIntegerField(
        _("accession number digits"),
        default=0,
        help_text=_("Zero-pad the sequence to this many digits (0: no padding)."),
    )
    accession_suffix = models.CharField(_("accession number suffix"), max_length=20, blank=True)
    history = audit_trail()

    class Meta:
        ordering = ["code"]
        verbose_name = _("institute")
        verbose_name_plural = _("institutes")

    def __str__(self) -> str:
        return f"{self.code} – {self.acronym or self.name}"

    def format_accession_number(self, sequence: int) -> str:
        digits = (
            str(sequence).zfill(self.accession_digits) if self.accession_digits else str(sequence)
        )
        return f"{self.accession_prefix}{digits}{self.accession_suffix}"

    def parse_accession_sequence(self, number: str) -> int | None:
        """The sequence number inside an accession number that follows this institute's pattern."""
        if not number.startswith(self.accession_prefix):
            return None
        rest = number[len(self.accession_prefix) :]
        if self.accession_suffix:
            if not rest.endswith(self.accession_suffix):
                return None
            rest = rest[: -len(self.accession_suffix)]
        return int(rest) if rest.isdigit() else None


class Cooperator(models.Model):
    """A person who collects, donates, breeds or requests material."""

    class Kind(models.TextChoices):
        COLLECTOR = "collector", _("Collector")
        DONOR = "donor", _("Donor")
        BREEDER = "breeder", _("Breeder")
        REQUESTER = "requester", _("Requester")

    name = models.CharField(_("name"), max_length=200)
    institute = models.ForeignKey(
        Institute, verbose_name=_("institute"), on_delete=models.PROTECT, null=True, blank=True
    )
    is_collector = models.BooleanField(_("collector"), default=False)
    is_donor = models.BooleanField(_("donor"), default=False)
    is_breeder = models.BooleanField(_("breeder"), default=False)
    is_requester = models.BooleanField(_("requester"), default=False)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True
    )
    history = audit_trail()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperator")
        verbose_name_plural = _("cooperators")

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> str:
        kinds = [
            (self.is_collector, self.Kind.COLLECTOR),
            (self.is_donor, self.Kind.DONOR),
            (self.is_breeder, self.Kind.BREEDER),
            (self.is_requester, self.Kind.REQUESTER),
        ]
        return ", ".join(str(kind.label) for flag, kind in kinds if flag)


class Crop(models.Model):
    """A crop as the genebank groups its collection (wheat, lentil, date palm...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=100, blank=True)
    history = audit_trail()

    class Meta:
        ordering = ["name"]
        verbose_name = _("crop")
        verbose_name_plural = _("crops")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "en")[:2]
        translated = {"fr": self.name_fr, "ar": self.name_ar}.get(lang)
        return translated or self.name


class Taxon(models.Model):
    """A scientific name at species or infraspecific rank, as MCPD writes it."""

    genus = models.CharField(_("genus"), max_length=60, db_index=True)
    species = models.CharField(_("species"), max_length=60, blank=True)
    species_author = models.CharField(_("species authority"), max_length=100, blank=True)
    subtaxa = models.CharField(_("subtaxa"), max_length=120, blank=True)
    subtaxa_author = models.CharField(_("subtaxa authority"), max_length=100, blank=True)
    crop = models.ForeignKey(
        Crop, verbose_name=_("crop"), on_delete=models.PROTECT, null=True, blank=True
    )
    history = audit_trail()

    class Meta:
        ordering = ["genus", "species", "subtaxa"]
        verbose_name = _("taxon")
        verbose_name_plural = _("taxa")
        # Held by data stewards (see genebank.core.permissions): taxa and crops are one list
        # for every institute.
        permissions = [
            ("manage_shared_lists", _("Can change the shared lists of taxa and crops")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["genus", "species", "subtaxa", "species_author", "subtaxa_author"],
                name="taxon_unique_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.genus, self.species, self.subtaxa) if p)

    @cached_property
    def annex1_crop(self) -> str | None:
        """The ITPGRFA Annex I crop this genus falls under, or None."""
        from genebank.core.annex1 import annex1_crop

        return annex1_crop(self.genus, self.species)

    @property
    def is_annex1(self) -> bool:
        return self.annex1_crop is not None


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    TECHNICIAN = "technician", _("Technician")
    CURATOR = "curator", _("Curator")
    DISTRIBUTION_OFFICER = "distribution_officer", _("Distribution officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """A user's role at one institute: what they may see and do there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    institute = models.ForeignKey(
        Institute, verbose_name=_("institute"), on_delete=models.CASCADE, related_name="members"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    # Switching a person off at one institute ends this role only: the account (User.is_active)
    # may hold roles at other institutes, which this institute's administrators do not manage.
    is_active = models.BooleanField(_("active"), default=True)
    history = audit_trail()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "institute"], name="one_role_per_institute")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.institute.code} – {self.get_role_display()}"


class Job(models.Model):
    """One piece of long work queued as a task: what it is, how far it got, and how it ended.

    Any process reads it (the page that started it, `genebank jobs`), so a job's state survives a
    restart of the server; genebank.core.jobs is the only code that writes it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # A short word for the part of the work under way ("checked", "written"), for the page.
    stage = models.CharField(_("stage"), max_length=30, blank=True)
    progress = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    # The worker process running it (host:pid:start) and when it last said it was alive: a job
    # whose worker is gone is queued again (genebank.core.jobs.requeue_abandoned_jobs).
    worker = models.CharField(_("worker"), max_length=255, blank=True)
    heartbeat = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The file a finished job made (an export, a batch of labels), relative to the jobs' folder
    # in the data dir (genebank.core.jobs.results_dir), and the name it downloads under.
    result_path = models.CharField(_("result file"), max_length=255, blank=True)
    result_name = models.CharField(_("result name"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int | None:
        """How far it got, when its total is known."""
        if not self.total:
            return None
        return min(100, round(100 * self.progress / self.total))
