"""Real files for upload tests: PDFs written by pypdf, images by Pillow, and bad ones."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript


def pdf_bytes(*, pages=1, javascript=None, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:
        writer.add_open_action(JavaScript(javascript))
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(image_format="PNG", size=(40, 30), color=(0, 120, 60), **save_options):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=image_format, **save_options)
    return out.getvalue()


def png_header_only(width, height):
    """A PNG whose header announces width x height but holds one tiny data chunk.

    The file is a few dozen bytes; decoded it would need width * height pixels:
    a decompression bomb as far as any decoder that trusts the header is concerned.
    """

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_upload(name="letter-of-support.pdf", **kwargs):
    return upload(name, pdf_bytes(**kwargs), "application/pdf")


def png_upload(name="site-plan.png", **kwargs):
    return upload(name, image_bytes("PNG", **kwargs), "image/png")
