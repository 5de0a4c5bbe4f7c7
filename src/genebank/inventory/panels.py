"""What the inventory shows on other apps' pages, registered as panels in InventoryConfig.ready().

Each function is a panel's context (core.registry.Panel): the values its template adds to the
page, or None to leave it out. Kept apart from views.py, whose label printing is slow to import.
"""

from __future__ import annotations

from django.utils import translation

from genebank.core import permissions
from genebank.inventory.alerts import alert_counts_for
from genebank.inventory.forms import LabelForm
from genebank.inventory.models import LotTransaction, SeedLot
from genebank.inventory.permissions import MANAGE_LOTS


def accession_lots(request, accession) -> dict | None:
    """The accession page's seed lots: lots, their quantities, the recent ledger."""
    user = request.user
    if not permissions.can(user, permissions.VIEW, accession.institute_id):
        return None
    lots = list(
        SeedLot.objects.filter(accession=accession).select_related("location").order_by("sequence")
    )
    recent = (
        LotTransaction.objects.filter(lot__accession=accession)
        .select_related("lot", "user")
        .order_by("-created_at", "-pk")[:10]
    )
    return {
        "seed_lots": {
            "accession": accession,
            "lots": lots,
            "recent": list(recent),
            "can_receive": permissions.can(user, MANAGE_LOTS, accession.institute_id)
            and accession.is_active,
            "label_form": LabelForm(initial={"language": translation.get_language()}),
        }
    }


def home_alerts(request, obj) -> dict | None:
    """The home page's inventory alerts, counted over the institutes this user sees."""
    alerts = alert_counts_for(request.user)
    return {"alerts": alerts} if alerts is not None else None
