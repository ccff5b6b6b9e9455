"""Thin Celery wrappers around the Innovation Fund's services."""

from celery import shared_task

from . import reminders


@shared_task(name="innovation_fund.send_due_reminders")
def send_due_reminders():
    """Beat, every few minutes: queue the deadline reminders that are due."""
    return str(reminders.send_due_reminders())
