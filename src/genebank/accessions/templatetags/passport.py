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


@register.inclusion_tag("sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str):
    """A column header that sorts the list by `key`, and reverses on a second click."""
    request = context["request"]
    params = request.GET.copy()
    current = params.get("sort", "")
    params.pop("page", None)
    params["sort"] = f"-{key}" if current == key else key
    return {
        "label": label,
        "url": "?" + params.urlencode(),
        "state": "asc" if current == key else "desc" if current == f"-{key}" else "",
    }
