"""Thin Celery wrappers around news.services; they take ids and are idempotent."""

from celery import shared_task

from . import services


@shared_task(name="news.make_image_renditions")
def make_image_renditions(pk):
    services.make_renditions(pk)


@shared_task(name="news.mail_news_item")
def mail_news_item(pk):
    services.mail_item(pk)


@shared_task(name="news.forget_unconfirmed_subscribers")
def forget_unconfirmed_subscribers():
    """Beat, daily: addresses whose confirmation link expired unconfirmed are deleted."""
    services.forget_unconfirmed_subscribers()


@shared_task(name="news.start_due_mailings")
def start_due_mailings():
    """Beat, every minute: scheduled items whose time came are published and mailed."""
    services.start_due_mailings()
