"""Factories for resources and the infographic's figures."""

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from resources.models import Resource, SpendingComparison, SpendingFigure
from tests.files import image_bytes, pdf_bytes

PDF_BYTES = pdf_bytes()


def pdf_upload(name="framework.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes():
    return image_bytes("PNG")


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    kind = Resource.Kind.REPORT
    title = factory.Sequence(lambda n: f"Report number {n}")
    slug = factory.Sequence(lambda n: f"report-{n}")
    summary = "A report of the alliance on deep carbon reduction planning."
    body = "The report explains how cities plan."
    published_on = datetime.date(2016, 5, 1)
    is_published = True


class SpendingFigureFactory(DjangoModelFactory):
    class Meta:
        model = SpendingFigure

    city = factory.Sequence(lambda n: f"Sample City {n}")
    amount_usd = 500_000_000
    illustrative = True


class RealSpendingFigureFactory(SpendingFigureFactory):
    city = "Cleveland"
    amount_usd = 1_400_000_000
    illustrative = False
    source_title = "Sustainable Cleveland"
    source_url = "https://sustainablecleveland.org/what_would_you_spend"


class SpendingComparisonFactory(DjangoModelFactory):
    class Meta:
        model = SpendingComparison

    label = factory.Sequence(lambda n: f"A funded project {n}")
    amount_usd = 650_000
