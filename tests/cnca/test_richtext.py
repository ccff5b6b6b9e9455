"""The sanitizer: what staff write in Markdown never carries script to a page."""

import pytest

from cnca.richtext import html_to_text, markdown_to_html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert('x')</script>Hello",
        "Hello <SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">Hello</p>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="java&#x09;script:alert(1)">click</a>',
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert(1)><circle/></svg>",
        '<style>body{display:none}</style><div style="x">Hi</div>',
    ],
)
def test_script_never_survives(markdown):
    html = markdown_to_html(markdown).lower()
    for danger in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "data:",
        "<iframe",
        "<svg",
        "<style",
        "style=",
    ):
        assert danger not in html


def test_markdown_keeps_its_structure_and_safe_links():
    html = markdown_to_html(
        "# Plan\n\nSome **bold** and *em* text, [a link](https://example.org/x).\n\n- one\n- two"
    )
    assert "<h2>Plan</h2>" in html  # the page's title is its only h1
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert '<a href="https://example.org/x" rel="noopener noreferrer nofollow">a link</a>' in html
    assert "<ul>\n<li>one</li>" in html


def test_mail_and_relative_links_are_kept():
    html = markdown_to_html("[write](mailto:info@example.org) and [cities](/cities/)")
    assert 'href="mailto:info@example.org"' in html
    assert 'href="/cities/"' in html


def test_empty_text_gives_empty_html():
    assert markdown_to_html("") == ""
    assert markdown_to_html("   \n") == ""


def test_plain_text_of_html():
    assert html_to_text(markdown_to_html("A &amp; **B**\n\nC < D")) == "A & B C < D"
