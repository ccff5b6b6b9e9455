"""Serve uploaded files so that none of them can act as a page of the site.

Uploads come from people (city photos now, proposal attachments later). A file
is served with a content type chosen from a short list by its extension, never
sniffed by the browser (nosniff), inside a CSP sandbox; anything not on the
list is a download. In production a front server or object storage may serve
MEDIA_URL instead, with the same headers (docs/operations.md).
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_GET

# Types a browser may display inline: images and PDF, never HTML, SVG or XML
# (all three can carry script).
# Folders of MEDIA_ROOT anyone may read. Uploads elsewhere (proposal
# attachments, later) are private by default and need a view that checks who asks.
PUBLIC_FOLDERS = ("cities/", "news/")

INLINE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


@require_GET
def serve_media(request, path):
    if not path.startswith(PUBLIC_FOLDERS):
        raise Http404("No such file.")
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except ValueError:  # the path climbs out of MEDIA_ROOT
        raise Http404("No such file.") from None
    if not full_path.is_file():
        raise Http404("No such file.")
    content_type = INLINE_TYPES.get(full_path.suffix.lower())
    response = FileResponse(
        full_path.open("rb"),
        as_attachment=content_type is None,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "public, max-age=3600"
    return response
