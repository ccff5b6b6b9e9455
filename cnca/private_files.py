"""The one way a private upload leaves the server: as a download, to someone allowed.

Proposal attachments and any other private file are served by
``serve_private_file``; the caller decides who may read the file (its rules)
and passes the verdict as ``allowed``. The file always arrives as an
attachment, never sniffed (nosniff), inside a CSP sandbox, and never cached by
a shared cache, so an uploaded page cannot run in the site's origin.

Paths are resolved first (``..``, ``%2e%2e`` after decoding, symlinks) and only
then compared with the folder they must stay in: ``resolve_inside``, shared
with the public media view (cnca/media.py).

With ``PRIVATE_FILES_ACCEL_PREFIX`` set (e.g. ``/_private/``), Django checks
and answers with an ``X-Accel-Redirect`` header only, and the front server
(nginx: an ``internal`` location aliased to MEDIA_ROOT) sends the bytes
(docs/operations.md).
"""

import os
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

# An upload shown by mistake can run nothing and load nothing.
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'"


def resolve_inside(root, relative):
    """The real path of ``root/relative``, or None when it lies outside ``root``.

    Everything is resolved before the comparison: ``..`` segments, symbolic
    links (on the way and at the end) and the root itself, so neither a
    climbing path nor a link planted in the folder can reach past it.
    """
    try:
        real_root = Path(os.path.realpath(root))
        real_path = Path(os.path.realpath(Path(root) / relative))
    except (ValueError, OSError):  # an embedded NUL byte, a loop of links
        return None
    if not real_path.is_relative_to(real_root):
        return None
    return real_path


def protect(response):
    """The headers every served upload carries, public or private."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response


def serve_private_file(
    request, name, *, filename, allowed, content_type="application/octet-stream"
):
    """A download of the private upload ``name`` (a storage name under MEDIA_ROOT).

    ``name`` may also be a FieldFile. ``allowed`` is the caller's permission
    verdict; a refusal is a 404, like a file that does not exist, so nobody
    learns which files exist. ``filename`` is the name the browser saves it as.
    """
    if not allowed:
        raise Http404("No such file.")
    name = getattr(name, "name", name)
    if not name:
        raise Http404("No such file.")
    root = Path(settings.MEDIA_ROOT)
    path = resolve_inside(root, name)
    if path is None or not path.is_file():
        raise Http404("No such file.")

    prefix = settings.PRIVATE_FILES_ACCEL_PREFIX
    if prefix:
        # The front server sends the bytes; the path it gets is the checked one.
        response = HttpResponse(content_type=content_type)
        relative = path.relative_to(Path(os.path.realpath(root))).as_posix()
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(
            path.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    response["Cache-Control"] = "private, no-store"
    return protect(response)
