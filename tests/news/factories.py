"""Factories of the news app."""

import io
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from news.models import NewsItem, Subscriber, Tag


def image_upload(name="lead.jpg", size=(1000, 600), kind="JPEG", color=(30, 120, 80)):
    """A real picture in memory, as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, kind)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[kind]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class NewsItemFactory(DjangoModelFactory):
    """A published item, public since an hour ago."""

    class Meta:
        model = NewsItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Cities share their plans, part {n}")
    slug = factory.Sequence(lambda n: f"cities-share-their-plans-{n}")
    status = NewsItem.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    summary = "Member cities met to compare their long-term plans."
    body = "The cities compared **their plans**.\n\n- one\n- two"
    # Fixtures are history, not announcements: set True to test the mailing.
    email_subscribers = False

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def cities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.cities.set(extracted)

    @factory.post_generation
    def rounds(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.rounds.set(extracted)


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    confirmed_at = factory.LazyFunction(timezone.now)
