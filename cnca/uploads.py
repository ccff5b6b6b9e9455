"""Checking uploaded files by their content, never by their name.

A proposal's attachments and the resources' files may be PDF documents or PNG
and JPEG images, nothing else. :func:`check_upload` reads the bytes and decides:

- PDF: it must start with ``%PDF-``, end with an ``%%EOF`` trailer, parse
  with pypdf into at least one page, not be encrypted (the committee could not
  open it) and carry no document-level script or launch action.
- PNG and JPEG: Pillow must recognise the format the first bytes announce,
  the image must stay under a pixel limit (read from the header, before any
  pixel is decoded: a small file can hold a huge image, a "decompression
  bomb"), verify, and decode. It is then re-encoded, so that whatever was
  hidden in it (HTML after the image data, metadata, text chunks) is dropped.
- Every file: not empty, at most ``FUND_UPLOAD_MAX_BYTES``.

A refused file raises ``ValidationError`` with a message that names the file
and says why, for the form to show beside the field.
"""

import io
import os
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg"}
ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
KINDS_TEXT = "a PDF document, or a PNG or JPEG image"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_PDF_SIGNATURE = b"%PDF-"
# How far from the end the %%EOF marker may be (trailing whitespace, a few
# bytes some writers add after it).
_PDF_TRAILER_WINDOW = 1024
# Some content a file may be mistaken for, to tell the uploader what they sent.
_KNOWN_OTHERS = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"\xcf\xfa\xed\xfe", "a program"),
    (b"#!", "a script"),
    (b"PK\x03\x04", "a ZIP archive (Word and Excel files are ZIP archives: save it as PDF)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (save it as PDF)"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a WebP image or a media file"),
)


def max_bytes():
    return settings.FUND_UPLOAD_MAX_BYTES


def max_pixels():
    return settings.FUND_UPLOAD_MAX_PIXELS


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed every check: the bytes to store and what they are."""

    content: bytes
    content_type: str
    original_name: str

    @property
    def size(self):
        return len(self.content)

    @property
    def extension(self):
        return EXTENSIONS[self.content_type]


def clean_original_name(name):
    """The uploader's file name, safe to show and to offer in a download.

    Only the last path component is kept; control characters go; the result is
    at most 200 characters, keeping the extension.
    """
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (
            f"{stem[: 199 - len(extension)]}.{extension}"
            if dot and len(extension) < 10
            else name[:200]
        )
    return name or "attachment"


def check_upload(uploaded):
    """Check ``uploaded`` (a Django UploadedFile) and return a CheckedUpload.

    Raises ValidationError saying why the file is refused.
    """
    name = clean_original_name(getattr(uploaded, "name", ""))
    limit = max_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise _too_large(name, uploaded.size, limit)
    uploaded.seek(0)
    # One byte more than the limit tells a lying size from a true one.
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, len(data), limit)
    if not data:
        raise ValidationError("“%(name)s” is empty.", code="empty", params={"name": name})

    content_type = sniff(data)
    if content_type == PDF:
        _check_pdf(name, data)
        return CheckedUpload(content=data, content_type=PDF, original_name=name)
    if content_type in (PNG, JPEG):
        return CheckedUpload(
            content=_reencode_image(name, data, content_type),
            content_type=content_type,
            original_name=name,
        )
    raise ValidationError(
        "“%(name)s” is not %(kinds)s: its content is %(what)s. "
        "Only PDF, PNG and JPEG files can be attached, whatever the file name says.",
        code="unsupported_type",
        params={"name": name, "kinds": KINDS_TEXT, "what": describe(data)},
    )


def sniff(data):
    """The content type the first bytes announce (PDF, PNG, JPEG), or None."""
    if data.startswith(_PDF_SIGNATURE):
        return PDF
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(_JPEG_SIGNATURE):
        return JPEG
    return None


def describe(data):
    """What a refused file seems to be, in words for the uploader."""
    for signature, what in _KNOWN_OTHERS:
        if data.startswith(signature):
            return what
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return "HTML, SVG or XML markup"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "not a format the portal recognises"
    return "plain text"


def _too_large(name, size, limit):
    return ValidationError(
        "“%(name)s” is %(size)s; each file may be at most %(limit)s.",
        code="too_large",
        params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


# --- PDF --------------------------------------------------------------------------


def _check_pdf(name, data):
    if b"%%EOF" not in data[-_PDF_TRAILER_WINDOW:]:
        raise ValidationError(
            "“%(name)s” is not a complete PDF document (its end is missing): "
            "it may have been cut off while copying. Save or export it again.",
            code="invalid_pdf",
            params={"name": name},
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        root = {} if encrypted else reader.trailer["/Root"].get_object()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ValidationError(
            "“%(name)s” cannot be read as a PDF document: it is damaged or not a PDF. "
            "Save or export it again as PDF.",
            code="invalid_pdf",
            params={"name": name},
        ) from None
    if encrypted:
        raise ValidationError(
            "“%(name)s” is protected by a password or encrypted, so the committee could "
            "not open it. Attach a copy without protection.",
            code="pdf_encrypted",
            params={"name": name},
        )
    if pages < 1:
        raise ValidationError("“%(name)s” has no pages.", code="invalid_pdf", params={"name": name})
    if _has_active_content(root):
        raise ValidationError(
            "“%(name)s” contains scripts or actions that run when it is opened. "
            "Print it to a new PDF (or export it without scripts) and attach that.",
            code="pdf_active_content",
            params={"name": name},
        )


def _has_active_content(root):
    """Does the document catalogue carry scripts, or actions run on opening?"""
    try:
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        if "/JavaScript" in names or "/AA" in root:
            return True
        action = root.get("/OpenAction")
        action = action.get_object() if action is not None else None
        return hasattr(action, "get") and action.get("/S") in ("/JavaScript", "/Launch")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return True


# --- Images -------------------------------------------------------------------------


def _reencode_image(name, data, content_type):
    expected = "PNG" if content_type == PNG else "JPEG"
    invalid = ValidationError(
        "“%(name)s” looks like a %(format)s image but cannot be read as one: it is damaged "
        "or carries something else. Save or export it again.",
        code="invalid_image",
        params={"name": name, "format": expected},
    )
    with warnings.catch_warnings():
        # Pillow's own bomb check only warns below twice its limit; ours refuses.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[expected]) as probe:
                _check_pixels(name, probe.size)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                image.load()
                return _encode(ImageOps.exif_transpose(image), expected)
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name, None) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise invalid from None


def _check_pixels(name, size):
    width, height = size
    if width * height > max_pixels():
        raise _too_many_pixels(name, size)


def _too_many_pixels(name, size):
    limit = f"{max_pixels() / 1_000_000:g} million"
    if size is None:
        return ValidationError(
            "“%(name)s” is too large an image: at most %(limit)s pixels. "
            "Scale it down and attach it again.",
            code="too_many_pixels",
            params={"name": name, "limit": limit},
        )
    return ValidationError(
        "“%(name)s” is %(width)s by %(height)s pixels; an image may have at most %(limit)s "
        "pixels. Scale it down and attach it again.",
        code="too_many_pixels",
        params={"name": name, "width": size[0], "height": size[1], "limit": limit},
    )


def _encode(image, image_format):
    """The image's pixels written afresh, without metadata or trailing data."""
    out = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90, optimize=True)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA")
        image.save(out, format="PNG")
    return out.getvalue()
