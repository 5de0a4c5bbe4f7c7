"""Template filters for passport data."""

from django import template

register = template.Library()


@register.filter
def partial_date(value: str) -> str:
    """An MCPD partial date ('198406--') as people read it, in their language ('June 1984')."""
    if not value:
        return ""
    from genebank.accessions.checks import partial_date_display

    return partial_date_display(value)
