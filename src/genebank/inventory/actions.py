"""Bulk actions on the ticked lots of the seed lot work lists (registered in apps.py)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from genebank.inventory import labels


def print_labels(lots, request, options):
    """The bulk action of the lot work lists: the ticked lots' labels, one PDF to download."""
    language = options.get("language") or translation.get_language()
    copies = options.get("copies") or 1
    lots = lots.select_related("accession", "accession__taxon__crop").order_by(
        "institute__code", "sequence"
    )
    with translation.override(language):
        found = labels.labels_for_lots(lots, copies)
        if len(found) > labels.MAX_LABELS:
            messages.error(
                request,
                _("That is too many labels at once: print at most %(max)s.")
                % {"max": labels.MAX_LABELS},
            )
            return redirect(request.get_full_path())
        pdf = labels.render_labels(found, options["size"], language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="labels.pdf"'
    return response
