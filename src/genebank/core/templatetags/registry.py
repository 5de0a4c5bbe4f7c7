"""{% registered_panels place obj %}: the panels higher apps registered for a place on a page."""

from django import template
from django.utils.safestring import mark_safe

from genebank.core.registry import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def registered_panels(context, place, obj=None):
    """Render each panel of `place` whose context function gives values for this request and obj.

    A panel's template renders inside the page's context with its own values on top, as an
    {% include %} would: it sees `request`, `user` and the CSRF token as the page does.
    """
    request = context.get("request")
    html = []
    for panel in panels(place):
        values = panel.context(request, obj)
        if values is None:
            continue
        with context.push(**values):
            html.append(context.template.engine.get_template(panel.template).render(context))
    # Each piece is a rendered template, escaped as the page itself is.
    return mark_safe("".join(html))
