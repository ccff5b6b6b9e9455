"""Mark the current navigation item from the URL that matched, not from the path."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def aria_current(context, view_name, section=None):
    """`` aria-current="page"`` on the link to this very page, ``"true"`` inside its section.

    ``view_name`` is the link's namespaced URL name (``members:city_list``);
    ``section`` a URL namespace whose every page belongs under the link
    (``members`` for a city page). Error pages match no URL and mark nothing.
    """
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None:
        return ""
    if match.view_name == view_name:
        return mark_safe(' aria-current="page"')
    if section and match.namespaces[:1] == [section]:
        return mark_safe(' aria-current="true"')
    return ""
