"""Markdown written by staff, turned into HTML that is safe to put on a page.

`markdown_to_html` is the one way rich text becomes HTML in the portal: Markdown
is rendered, then nh3 (the Rust ammonia sanitizer) keeps only the tags,
attributes and link schemes listed here, whatever the Markdown contained (raw
HTML included). A ``<script>``, an ``onerror=`` or a ``javascript:`` link never
reaches a page. The list and why it is this short: docs/decisions/0006.
"""

import html

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# Text structure, lists, quotes, code, tables and links: what a news item or a
# resource needs. No images in bodies (a lead image has its own checked upload),
# no iframes, forms, styles or classes (the site's CSS styles the bare tags).
ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "b",
        "i",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "code",
        "pre",
        "abbr",
        "sup",
        "sub",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
    "ol": {"start"},
}
# Links may go to web pages and mail addresses (and to paths of this site); a
# javascript:, data: or vbscript: link is dropped with its href.
URL_SCHEMES = frozenset({"http", "https", "mailto"})


class _ShiftHeadings(Treeprocessor):
    """``# Title`` becomes an h2: the page's own title is its only h1."""

    def run(self, root):
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5"}:
                element.tag = f"h{int(element.tag[1]) + 1}"


class _ShiftHeadingsExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_ShiftHeadings(md), "shift_headings", 5)


_EXTENSIONS = ["tables", "sane_lists", _ShiftHeadingsExtension()]


def sanitize_html(dirty):
    """Keep only the allowed tags, attributes and link schemes of ``dirty`` HTML."""
    return nh3.clean(
        dirty,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        # Links in rich text lead off the site: no referrer, no link equity,
        # no window.opener.
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def markdown_to_html(text):
    """Sanitized HTML for the Markdown ``text`` (an empty string for empty text)."""
    if not text or not text.strip():
        return ""
    rendered = markdown.markdown(text, extensions=_EXTENSIONS, output_format="html")
    return sanitize_html(rendered)


def html_to_text(safe_html):
    """The plain words of sanitized HTML, for search and summaries."""
    text = nh3.clean(safe_html, tags=set())
    return " ".join(html.unescape(text).split())
