"""Thin Celery wrappers around members.services; they take plain values."""

from celery import shared_task

from . import services


@shared_task(name="members.send_password_reset_email")
def send_password_reset_email(email):
    """Look the address up and queue its reset email, off the request (see services)."""
    services.send_password_reset_email(email)
