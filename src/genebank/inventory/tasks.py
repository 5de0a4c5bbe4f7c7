"""The inventory's long work, run as queued jobs: batches of labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from genebank.core.jobs import job_kind
from genebank.inventory import labels


@job_kind("labels", title=_("Labels"))
def label_batch(job, **params) -> None:
    """Draw a batch of labels too large to draw while the page waits (labels.queue_label_job)."""
    labels.run_label_job(job, **params)
