"""Thin Celery wrappers around the committee's services."""

from celery import shared_task

from .reminders import send_scoring_reminders as _send


@shared_task(name="innovation_fund.send_scoring_reminders")
def send_scoring_reminders():
    """Beat, every few minutes: queue the scoring reminders that are due."""
    return str(_send())
