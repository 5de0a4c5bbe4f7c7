"""Template tags for the Passport Data Completeness Index."""

from django import template

from genebank.exchange.pdci import pdci_breakdown

register = template.Library()


@register.simple_tag
def pdci_of(mcpd):
    """The PDCI breakdown of an MCPD row, given as a dict or as (field, value) pairs."""
    return pdci_breakdown(dict(mcpd))
