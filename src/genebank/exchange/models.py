"""Import sessions: an uploaded passport file, its column mapping, and every problem found in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from genebank.core.models import Institute, Job


class ImportSession(models.Model):
    """One file on its way in: uploaded, columns mapped, validated, then imported (or not)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        RUNNING = "running", _("Running")
        INTERRUPTED = "interrupted", _("Interrupted")
        VALIDATED = "validated", _("Validated")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="import_sessions",
    )
    institute = models.ForeignKey(
        Institute,
        verbose_name=_("institute"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Rows without INSTCODE get this one; rows of other institutes are rejected."),
    )
    # Kept after an import, as the source of what it wrote; removed when the session is discarded.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    columns = models.JSONField(_("columns in the file"), default=list)
    column_map = models.JSONField(_("column → MCPD field"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    row_estimate = models.PositiveIntegerField(_("rows in the file (estimate)"), default=0)
    task = models.CharField(_("task"), max_length=20, blank=True)
    task_error = models.TextField(_("what went wrong"), blank=True)
    # The queued job that checks or imports the file; its progress is the session's.
    job = models.ForeignKey(
        Job,
        verbose_name=_("job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    created = models.PositiveIntegerField(_("accessions created"), default=0)
    updated = models.PositiveIntegerField(_("accessions updated"), default=0)
    unchanged = models.PositiveIntegerField(_("accessions unchanged"), default=0)
    left_out = models.PositiveIntegerField(_("rows left out"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    written = models.BooleanField(_("written"), default=False)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("discarded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import session")
        verbose_name_plural = _("import sessions")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class ImportProblem(models.Model):
    """One problem of one value in an import session, as the --errors report lists it."""

    session = models.ForeignKey(ImportSession, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    accenumb = models.CharField(_("ACCENUMB"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=100)
    value = models.TextField(_("value"), blank=True)
    severity = models.CharField(_("severity"), max_length=10)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ["row", "pk"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        indexes = [models.Index(fields=["session", "severity", "field"])]

    def __str__(self) -> str:
        return f"{self.row} {self.field}: {self.message}"
