"""Serve public uploads so that none of them can act as a page of the site.

Uploads come from people (city photos now, proposal attachments later). Only
files inside a public folder of MEDIA_ROOT are served here, judged after the
path is resolved (``..``, ``%2e%2e``, symlinks: cnca/private_files.py). A file
is served with a content type chosen from a short list by its extension, never
sniffed by the browser (nosniff), inside a CSP sandbox; anything not on the
list is a download. Private uploads go through ``serve_private_file`` instead.
In production a front server or object storage may serve MEDIA_URL, with the
same headers (docs/operations.md).
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from .private_files import protect, resolve_inside

# Folders of MEDIA_ROOT anyone may read. Uploads elsewhere (proposal
# attachments) are private and go through cnca.private_files.serve_private_file.
# News images have random names, so a draft's picture cannot be guessed.
PUBLIC_FOLDERS = ("cities", "news")

# Types a browser may display inline: images and PDF, never HTML, SVG or XML
# (all three can carry script).
INLINE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


def public_file(path):
    """The resolved file for a /media/ path, or None unless it is inside a public folder."""
    root = Path(settings.MEDIA_ROOT)
    full_path = resolve_inside(root, path)
    if full_path is None or not full_path.is_file():
        return None
    for folder in PUBLIC_FOLDERS:
        if resolve_inside(root / folder, full_path) is not None:
            return full_path
    return None


@require_safe
def serve_media(request, path):
    full_path = public_file(path)
    if full_path is None:
        raise Http404("No such file.")
    return uploaded_file_response(
        full_path.open("rb"), content_type=INLINE_TYPES.get(full_path.suffix.lower())
    )


def uploaded_file_response(file, *, content_type=None, filename=None):
    """Serve an uploaded ``file`` so that it cannot act as a page of the site.

    ``content_type`` is what the file is known to be; only the inline types are
    shown in the browser, anything else (or None) is a download.
    """
    inline = content_type in INLINE_TYPES.values()
    response = FileResponse(
        file,
        as_attachment=not inline,
        filename=filename or "",
        content_type=content_type if inline else "application/octet-stream",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return protect(response)
