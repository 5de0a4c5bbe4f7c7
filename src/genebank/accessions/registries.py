"""What higher apps add to the accessions app's pages and MCPD rows (core.registry explains how).

Filled in the higher apps' AppConfig.ready(); the accessions app reads these and imports none of
those apps. Its pages have these places for panels (core.registry.panels):

- "accession": cards in the accession page's main column, after the acquisition; the context
  function gets (request, accession).
- "accession.side": cards in its side column, after the collecting site; the same, and the
  template also sees the page's `mcpd` (the accession's MCPD row as this user sees it).
- "accession-list": buttons and menus beside the accession list's title; the context function
  gets (request, None), and the template sees the page's `query_string` (the list's filters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from genebank.core.registry import Registry


def _always() -> bool:
    return True


@dataclass(frozen=True)
class DerivedMcpdField:
    """An MCPD field that a higher app derives from what it owns (STORAGE from the seed lots).

    `values(accession_ids)` gives the derived text of those accessions it derives it for; the
    others keep the text they were imported or registered with. It is called once per page or
    per chunk of an export, never per accession. `in_use()` is False when it can derive nothing
    at all (no lots yet), so that a bulk export skips the query per chunk.
    """

    name: str
    values: Callable[[Iterable[int]], Mapping[int, str]]
    in_use: Callable[[], bool] = _always


@dataclass(frozen=True)
class ListExport:
    """A file made of the accession list's filtered selection (exchange: MCPD).

    accessions:export, opened with the list's filters and `export=<name>`, hands `respond` the
    request and the accessions this user sees that the filters keep; without `export`, the first
    registered answers. The menu that links there is the exporting app's own panel beside the
    list's title.
    """

    name: str
    respond: Callable[[HttpRequest, QuerySet], HttpResponse]


# MCPD fields derived from records of higher apps (inventory: STORAGE). Read by
# accessions.passport.mcpd_row and by the bulk MCPD rows of exports and the PDCI.
mcpd_fields: Registry[DerivedMcpdField] = Registry("derived MCPD fields")

# Files made of the accession list's selection (exchange: MCPD as CSV, Excel, for publication).
list_exports: Registry[ListExport] = Registry("accession list exports")
