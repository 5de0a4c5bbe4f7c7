"""Bulk actions on the ticked lots of the seed lot work lists (registered in apps.py)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from genebank.inventory import labels


def print_labels(lots, request, options):
    """The bulk action of the lot work lists: the ticked lots' labels, one PDF to download, or
    a label job (its page offers the PDF) above settings.LABEL_JOB_LABELS labels."""
    language = options.get("language") or translation.get_language()
    copies = options.get("copies") or 1
    lots = lots.select_related("accession", "accession__taxon__crop").order_by(
        "institute__code", "sequence"
    )
    count = lots.count() * max(1, min(copies, labels.MAX_COPIES))
    if count > labels.MAX_LABELS:
        messages.error(
            request,
            _("That is too many labels at once: print at most %(max)s.")
            % {"max": labels.MAX_LABELS},
        )
        return redirect(request.get_full_path())
    if count > settings.LABEL_JOB_LABELS:
        # Drawn by a worker; the job's page offers the PDF once it is done.
        job = labels.queue_label_job(
            request.user,
            size=options["size"],
            language=language,
            count=count,
            lots=lots.values_list("pk", flat=True),
            copies=copies,
        )
        return redirect("job_detail", job.pk)
    with translation.override(language):
        found = labels.labels_for_lots(lots, copies)
        pdf = labels.render_labels(found, options["size"], language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="labels.pdf"'
    return response
