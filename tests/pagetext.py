"""Reading a response the way a test asserts on it."""

import re


def html_of(response):
    """The page's HTML with every run of whitespace made one space."""
    return re.sub(r"\s+", " ", response.content.decode())


def text_of(response):
    """The page's text without its tags, whitespace runs made one space and no space
    left before punctuation that followed a tag ("<b>3</b>," reads "3,")."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r" ([,.:;)])", r"\1", text)
