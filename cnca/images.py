"""Uploaded images: checked by their content, and resized into renditions.

`validate_image` is a model-field validator: it opens the file with Pillow and
accepts only a JPEG, PNG or WebP picture of sensible size, whatever the file's
name says (an HTML or SVG file named photo.jpg is refused). `make_renditions`
writes the smaller copies a page offers through ``srcset``. Why these formats
and widths: docs/decisions/0006.
"""

import io
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_PIXELS = 40_000_000  # a 8000 x 5000 photo; more is a mistake or a decompression bomb
MAX_SIDE = 10_000
MIN_SIDE = 50

# Widths of the renditions (never wider than the original): a phone, a column,
# a wide screen, and a high-density wide screen.
RENDITION_WIDTHS = (480, 800, 1200, 1600)
# Each width is written in both formats: WebP for browsers that take it (most),
# JPEG for the rest and for feed readers and email clients.
RENDITION_FORMATS = (("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg"))
_QUALITY = {"WEBP": 80, "JPEG": 82}


def _open(file):
    file.seek(0)
    image = Image.open(file)
    image.load()
    return image


def validate_image(file):
    """Refuse anything but a whole JPEG, PNG or WebP picture of sensible size."""
    try:
        file.seek(0)
        with Image.open(file) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in ACCEPTED_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG or WebP picture; this file is %(kind)s.",
                    code="image_format",
                    params={"kind": kind or "not a picture"},
                )
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise ValidationError(
                    "This picture is %(width)s x %(height)s pixels; make it smaller than "
                    "%(max)s pixels on each side and 40 megapixels in all.",
                    code="image_too_large",
                    params={"width": width, "height": height, "max": MAX_SIDE},
                )
            if min(width, height) < MIN_SIDE:
                raise ValidationError(
                    "This picture is only %(width)s x %(height)s pixels; use one at least "
                    "%(min)s pixels on each side.",
                    code="image_too_small",
                    params={"width": width, "height": height, "min": MIN_SIDE},
                )
            probe.verify()  # a truncated or corrupt file fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not a picture we can read. Upload a JPEG, PNG or WebP image.",
            code="image_unreadable",
        ) from None
    finally:
        file.seek(0)


def make_renditions(field_file, storage, folder):
    """Write the renditions of the image in ``field_file`` into ``folder`` of ``storage``.

    Returns a list of dicts ``{"width", "height", "format", "type", "name"}``
    (``name`` in ``storage``), narrowest first. The original is never
    enlarged: a picture narrower than a width gets one rendition at its own width.
    """
    with field_file.open("rb") as handle:
        original = _open(handle)
    original = ImageOps.exif_transpose(original)
    if original.mode not in ("RGB", "L"):
        # JPEG has no transparency: flatten onto white.
        background = Image.new("RGB", original.size, "white")
        rgba = original.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        original = background
    elif original.mode == "L":
        original = original.convert("RGB")

    widths = sorted({min(width, original.width) for width in RENDITION_WIDTHS})
    stem = PurePosixPath(field_file.name).stem
    renditions = []
    for width in widths:
        height = max(1, round(original.height * width / original.width))
        resized = (
            original
            if width == original.width
            else original.resize((width, height), Image.Resampling.LANCZOS)
        )
        for extension, pillow_format, content_type in RENDITION_FORMATS:
            buffer = io.BytesIO()
            resized.save(buffer, pillow_format, quality=_QUALITY[pillow_format], optimize=True)
            name = storage.save(
                f"{folder}/{stem}-{width}w.{extension}", ContentFile(buffer.getvalue())
            )
            renditions.append(
                {
                    "width": width,
                    "height": height,
                    "format": extension,
                    "type": content_type,
                    "name": name,
                }
            )
    return renditions
