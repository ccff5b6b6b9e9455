"""A resource's file: checked by its content with the portal's upload check.

The check (cnca/uploads.py, written for proposal attachments and the
same for any public upload) accepts PDF documents without scripts and PNG or
JPEG images, which it re-encodes; the type found there names the stored file
and is the type it is served with.
"""

from django.core.files.base import ContentFile

from cnca.uploads import EXTENSIONS, check_upload


def validate_resource_file(file):
    """Field validator: refuse a new file the upload check refuses (ValidationError)."""
    if getattr(file, "_committed", False):
        return  # already stored, and checked when it was uploaded
    check_upload(file)


def checked_content(file):
    """The bytes to store for a new ``file`` and what they are: (ContentFile, type)."""
    checked = check_upload(file)
    return ContentFile(checked.content, name=f"upload.{checked.extension}"), checked.content_type


def extension_of(content_type):
    return f".{EXTENSIONS[content_type]}" if content_type in EXTENSIONS else ""
