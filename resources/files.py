"""What a resource's file may be, decided by its content, never by its name.

Staff upload PDFs and images. The first bytes say what a file is; an image is
also opened with Pillow, so a file that only starts like a PNG is refused. The
stored name and the type the file is served with come from what was found here.
"""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

MAX_SIZE = 20 * 1024 * 1024

# The sniffed type and the extension it is stored and downloaded with.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
}
_IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def _head(file, size=16):
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def sniff(file):
    """The content type of ``file`` if it is one we accept, else None."""
    head = _head(file)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        try:
            with Image.open(file) as image:
                image.verify()
                found = _IMAGE_FORMATS.get(image.format)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            found = None
        finally:
            file.seek(0)
        return found
    return None


def validate_resource_file(file):
    if file.size > MAX_SIZE:
        raise ValidationError(
            "This file is %(size)s; a resource's file may be at most %(max)s.",
            code="too_large",
            params={"size": filesizeformat(file.size), "max": filesizeformat(MAX_SIZE)},
        )
    if getattr(file, "_committed", False):
        return  # already stored and checked when it was uploaded
    if sniff(file) is None:
        raise ValidationError(
            "This file is not a PDF, PNG, JPEG or WebP file (whatever its name says). "
            "Upload the resource as a PDF or an image.",
            code="bad_type",
        )
