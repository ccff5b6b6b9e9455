"""Rendering an email's three parts from its templates."""

from django.conf import settings
from django.template.loader import render_to_string


def render_email(template, context):
    """The subject, text and HTML of ``template`` rendered with ``context``.

    ``<template>.subject.txt``, ``<template>.txt`` and ``<template>.html``; both
    bodies extend ``notifications/email/base.*``, which shows
    ``context["reason"]`` in the footer. ``site_url`` is always available.
    """
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template}.subject.txt", context)
    # One line, whatever the template's whitespace: a header cannot hold a newline.
    subject = " ".join(subject.split())[:300]
    text_body = render_to_string(f"{template}.txt", context).strip() + "\n"
    html_body = render_to_string(f"{template}.html", context)
    return subject, text_body, html_body
