"""Template helpers shared by every page: ``{% load cnca %}``."""

import re

from django import template
from django.utils.safestring import mark_safe

from cnca import fragments

register = template.Library()

# "london.gov.uk/decisions/md2080", "boston.gov/x", "c40.org press release 2012-12-04":
# a source whose first word is a web address (a host with a dot, maybe a path).
_ADDRESS = re.compile(r"^(?P<address>(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?)(?P<rest>.*)$", re.I)

# "seed-homepage.txt (the alliance's home page, 2016)": a file of the research.
_INTERNAL_FILE = re.compile(r"^\S+\.(?:txt|ya?ml|md)\b\s*(?:\((?P<what>[^)]*)\))?", re.I)
_REMARK = re.compile(r"\s*\([^)]*\)")


@register.filter
def citation(source):
    """A source as the data file writes it, split into a link and its words.

    Returns ``{"url", "label", "detail"}``: ``url`` is None when the source names
    no address (then ``label`` is the whole text).
    """
    text = str(source or "").strip()
    internal = _INTERNAL_FILE.match(text)
    if internal:
        # The research file's own copy of a page: name the page, not the file.
        return {
            "url": None,
            "label": internal.group("what") or "The alliance's records",
            "detail": "",
        }
    match = _ADDRESS.match(text)
    if not match:
        return {"url": None, "label": text, "detail": ""}
    address = match.group("address").rstrip(".,;")
    return {
        "url": f"https://{address}",
        "label": address.split("/", 1)[0],
        # Remarks in parentheses ("(newer snapshot)") are notes of the research.
        "detail": _REMARK.sub("", match.group("rest")).strip(" ;,"),
    }


@register.filter
def citations(sources):
    """Several sources written as one string ("a.org; b.com") or a list."""
    if isinstance(sources, str):
        sources = [part for part in re.split(r";\s*", sources) if part.strip()]
    return [citation(source) for source in sources or []]


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)  # so blocks inside are found and can be overridden

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Rendered template output: already escaped.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """``{% capture name %}...{% endcapture %}``: render once, use as ``{{ name }}`` anywhere.

    The base template captures its title and description blocks this way, so one
    block a page fills feeds <title>, the description and the share cards.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("usage: {% capture name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


class PublicFragmentNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        return fragments.cached_value(self.name, lambda: self.nodelist.render(context))


@register.tag
def public_fragment(parser, token):
    """``{% public_fragment "name" %}...{% endpublic_fragment %}``: rendered once, then
    read from the cache until public content changes (cnca/fragments.py).

    Only for what is the same for every visitor: no form, no user, no time, nothing
    from the request. What the part needs should be lazy in the view's context, so a
    cached part costs no query.
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            '{% public_fragment "name" %}...{% endpublic_fragment %}'
        )
    name = bits[1][1:-1]
    try:
        fragments.cache_key(name)  # a name not in fragments.NAMES fails here, at load
    except KeyError as error:
        raise template.TemplateSyntaxError(str(error)) from None
    nodelist = parser.parse(("endpublic_fragment",))
    parser.delete_first_token()
    return PublicFragmentNode(nodelist, name)
