"""Uploads are checked by their content: PDF parsed, images verified and re-encoded."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from cnca import uploads
from cnca.uploads import check_upload, clean_original_name
from tests.files import image_bytes, pdf_bytes, pdf_upload, png_header_only, png_upload, upload


def refusal(uploaded):
    with pytest.raises(ValidationError) as caught:
        check_upload(uploaded)
    return caught.value.code, " ".join(caught.value.messages)


# --- Accepted files -----------------------------------------------------------------


def test_a_valid_pdf_is_kept_as_it_is():
    data = pdf_bytes(pages=2)

    checked = check_upload(upload("Letter.PDF", data))

    assert checked.content == data
    assert checked.content_type == "application/pdf"
    assert checked.extension == "pdf"
    assert checked.original_name == "Letter.PDF"
    assert checked.size == len(data)


def test_a_valid_png_is_re_encoded_with_the_same_pixels():
    checked = check_upload(png_upload(size=(40, 30), color=(10, 20, 30)))

    assert checked.content_type == "image/png"
    image = Image.open(io.BytesIO(checked.content))
    assert image.format == "PNG"
    assert image.size == (40, 30)
    assert image.convert("RGB").getpixel((5, 5)) == (10, 20, 30)


def test_a_valid_jpeg_is_re_encoded_without_its_metadata():
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    data = image_bytes("JPEG", size=(64, 48), exif=exif.tobytes())
    assert b"secret description" in data

    checked = check_upload(upload("photo.jpeg", data, "image/jpeg"))

    assert checked.content_type == "image/jpeg"
    assert checked.extension == "jpg"
    assert b"secret description" not in checked.content
    assert Image.open(io.BytesIO(checked.content)).size == (64, 48)


def test_the_type_comes_from_the_content_not_the_name():
    checked = check_upload(upload("scan.txt", image_bytes("JPEG"), "text/plain"))

    assert checked.content_type == "image/jpeg"


# --- Refused files --------------------------------------------------------------------


def test_a_png_signature_followed_by_html_is_refused():
    data = b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>"

    code, message = refusal(upload("chart.png", data, "image/png"))

    assert code == "invalid_image"
    assert "“chart.png” looks like a PNG image but cannot be read as one" in message


def test_html_hidden_after_a_real_png_is_dropped_by_re_encoding():
    data = image_bytes("PNG") + b"<html><script>alert(1)</script></html>"

    checked = check_upload(upload("chart.png", data, "image/png"))

    assert b"<script>" not in checked.content
    assert b"<html>" not in checked.content
    Image.open(io.BytesIO(checked.content)).verify()


def test_a_renamed_executable_is_refused():
    program = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run"

    code, message = refusal(upload("letter-of-support.pdf", program, "application/pdf"))

    assert code == "unsupported_type"
    assert "“letter-of-support.pdf” is not a PDF document, or a PNG or JPEG image" in message
    assert "a Windows program" in message


def test_html_named_as_an_image_is_refused():
    code, message = refusal(upload("photo.jpg", b"<!DOCTYPE html><p>hi</p>", "image/jpeg"))

    assert code == "unsupported_type"
    assert "HTML, SVG or XML markup" in message


def test_a_word_document_is_refused_with_advice():
    code, message = refusal(upload("budget.docx", b"PK\x03\x04" + b"\x00" * 100))

    assert code == "unsupported_type"
    assert "save it as PDF" in message


def test_an_oversized_file_is_refused():
    data = pdf_bytes()
    data = data + b" " * (10 * 1024 * 1024 + 1 - len(data))

    code, message = refusal(upload("big.pdf", data, "application/pdf"))

    assert code == "too_large"
    assert "“big.pdf” is 10.0\xa0MB; each file may be at most 10.0\xa0MB." in message


def test_a_file_of_exactly_the_limit_is_accepted(settings):
    data = pdf_bytes()
    settings.FUND_UPLOAD_MAX_BYTES = len(data)

    assert check_upload(upload("exact.pdf", data)).size == len(data)


def test_a_file_whose_declared_size_lies_is_measured(settings):
    settings.FUND_UPLOAD_MAX_BYTES = 1000
    uploaded = upload("small.pdf", pdf_bytes() + b" " * 2000)
    uploaded.size = 10

    code, _ = refusal(uploaded)

    assert code == "too_large"


def test_an_empty_file_is_refused():
    code, message = refusal(upload("empty.pdf", b""))

    assert code == "empty"
    assert message == "“empty.pdf” is empty."


def test_a_pixel_bomb_is_refused_before_decoding():
    bomb = png_header_only(50_000, 50_000)
    assert len(bomb) < 200

    code, message = refusal(upload("map.png", bomb, "image/png"))

    assert code == "too_many_pixels"
    assert message == (
        "“map.png” is too large an image: at most 40 million pixels. "
        "Scale it down and attach it again."
    )


def test_an_image_over_the_limit_is_refused_with_its_size():
    code, message = refusal(upload("map.png", png_header_only(8000, 6000), "image/png"))

    assert code == "too_many_pixels"
    assert "“map.png” is 8000 by 6000 pixels; an image may have at most 40 million" in message


def test_the_pixel_limit_is_configurable(settings):
    settings.FUND_UPLOAD_MAX_PIXELS = 1000

    code, _ = refusal(png_upload(size=(40, 30)))  # 1200 pixels

    assert code == "too_many_pixels"


def test_a_pdf_without_its_end_is_refused():
    data = pdf_bytes()

    code, message = refusal(upload("cut.pdf", data[: len(data) // 2]))

    assert code == "invalid_pdf"
    assert "its end is missing" in message


def test_a_pdf_header_and_trailer_around_garbage_is_refused():
    code, message = refusal(upload("fake.pdf", b"%PDF-1.7\n<html>not a pdf</html>\n%%EOF\n"))

    assert code == "invalid_pdf"
    assert "cannot be read as a PDF document" in message


def test_an_encrypted_pdf_is_refused():
    code, message = refusal(pdf_upload(password="secret"))

    assert code == "pdf_encrypted"
    assert "protected by a password" in message


def test_a_pdf_with_a_script_is_refused():
    code, message = refusal(pdf_upload(javascript="app.alert('hello');"))

    assert code == "pdf_active_content"
    assert "contains scripts" in message


# --- Names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\letter.pdf", "letter.pdf"),
        ("bad\x00name\n.pdf", "badname.pdf"),
        ("", "attachment"),
        ("..", "attachment"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_original_names_are_cleaned(given, kept):
    assert clean_original_name(given) == kept


def test_accept_attribute_lists_the_three_types():
    assert set(uploads.EXTENSIONS) == {"application/pdf", "image/png", "image/jpeg"}
    assert ".pdf" in uploads.ACCEPT
