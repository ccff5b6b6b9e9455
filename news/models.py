"""News items, their tags, and the people who get them by email.

What the public may see is decided in one place: `NewsItemQuerySet.public()`
(and `NewsItem.is_public` for one item already in hand), which
`news.queries.public_news()` hands to every page, feed, sitemap, search and
email. A draft is never public; a scheduled or published item is public from
its `publish_at`, to the second.
"""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from cnca.images import validate_image
from cnca.models import StatusChangeBase
from cnca.richtext import html_to_text, markdown_to_html
from members.models import MemberCity


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class NewsItemQuerySet(models.QuerySet):
    def public(self, now=None):
        """Items the public may see at ``now`` (default: this instant), newest first."""
        now = now or timezone.now()
        return self.filter(status__in=NewsItem.PUBLIC_STATUSES, publish_at__lte=now).order_by(
            "-publish_at", "-pk"
        )


def image_path(instance, filename):
    """A random name: an image of a draft cannot be found by guessing its address."""
    extension = PurePosixPath(filename).suffix.lower()[:5] or ".img"
    return f"news/images/{secrets.token_hex(16)}{extension}"


def _unsubscribe_token():
    return secrets.token_urlsafe(32)


class NewsItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    PUBLIC_STATUSES = (Status.SCHEDULED, Status.PUBLISHED)

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the item's address: lower-case words joined by hyphens.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "public from",
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "When the item becomes public. Required for a scheduled item; "
            "a published item without one is public from now."
        ),
    )
    summary = models.TextField(
        max_length=400, help_text="One or two sentences: shown in lists, feeds and emails."
    )
    body = models.TextField(
        blank=True,
        help_text=(
            "Markdown: **bold**, *italic*, [a link](https://example.org), lists, "
            "## headings, tables. HTML is removed except for a few safe tags."
        ),
    )
    # Written from `body` on every save, never edited: pages show only this.
    body_html = models.TextField(editable=False, default="")
    # The body's plain words, for full-text search.
    body_text = models.TextField(editable=False, default="")

    image = models.ImageField(
        "lead image",
        upload_to=image_path,
        blank=True,
        validators=[validate_image],
        width_field="image_width",
        height_field="image_height",
        help_text="A JPEG, PNG or WebP picture; smaller copies are made for each screen.",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "image description",
        max_length=250,
        blank=True,
        help_text="What the picture shows, for people who cannot see it. Required with an image.",
    )
    # [{"width", "height", "format", "type", "name"}], made by a Celery task
    # (news.tasks.make_image_renditions); empty until it has run.
    image_renditions = models.JSONField(default=list, blank=True, editable=False)

    tags = models.ManyToManyField(Tag, blank=True, related_name="news_items")
    cities = models.ManyToManyField(
        MemberCity, blank=True, related_name="news_items", verbose_name="related cities"
    )
    rounds = models.ManyToManyField(
        "innovation_fund.FundRound",
        blank=True,
        related_name="news_items",
        verbose_name="related Innovation Fund rounds",
    )
    source_title = models.CharField(
        "source",
        max_length=300,
        blank=True,
        help_text="Where the facts come from, cited at the foot of the item.",
    )
    source_url = models.URLField("source address", blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_items",
    )
    email_subscribers = models.BooleanField(
        default=True,
        help_text="Email the item to confirmed subscribers when it becomes public.",
    )
    # Set when a mailing run claims the item, and when every email is queued.
    mailing_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = "news item"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "scheduled", "published"]),
                name="newsitem_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(publish_at__isnull=False),
                name="newsitem_public_has_publish_at",
            ),
            models.CheckConstraint(
                condition=models.Q(image="") | ~models.Q(image_alt=""),
                name="newsitem_image_has_alt",
            ),
        ]
        indexes = [models.Index(fields=["status", "-publish_at"], name="newsitem_public_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = markdown_to_html(self.body)
        self.body_text = html_to_text(self.body_html)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "body_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.publish_at is None:
            return reverse("news:preview", kwargs={"pk": self.pk})
        published = timezone.localtime(self.publish_at)
        return reverse(
            "news:detail",
            kwargs={"year": published.year, "month": f"{published.month:02d}", "slug": self.slug},
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()  # published without a time: public from now
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = "Describe the picture for people who cannot see it."
        if self.status == self.Status.SCHEDULED and not self.publish_at:
            errors["publish_at"] = "Give the date and time the item becomes public."
        elif (
            self.status == self.Status.SCHEDULED
            and self.publish_at <= timezone.now()
            and not self._stored_as(status=self.status, publish_at=self.publish_at)
        ):
            errors["publish_at"] = (
                "This time has passed. Choose a later one, or choose Published to publish now."
            )
        if errors:
            raise ValidationError(errors)

    def _stored_as(self, **values):
        """True if the saved row already holds ``values`` (an edit that leaves them alone)."""
        return self.pk is not None and type(self).objects.filter(pk=self.pk, **values).exists()

    def is_public(self, now=None):
        now = now or timezone.now()
        return (
            self.status in self.PUBLIC_STATUSES
            and self.publish_at is not None
            and self.publish_at <= now
        )

    def _srcset(self, kind):
        return ", ".join(
            f"{default_storage.url(r['name'])} {r['width']}w"
            for r in self.image_renditions
            if r["type"] == kind
        )

    @property
    def srcset_webp(self):
        return self._srcset("image/webp")

    @property
    def srcset_jpeg(self):
        return self._srcset("image/jpeg")

    def fallback_image_url(self):
        """A JPEG rendition about 800 px wide (or the original), for ``src`` and Open Graph."""
        jpegs = [r for r in self.image_renditions if r["type"] == "image/jpeg"]
        if not jpegs:
            return self.image.url if self.image else ""
        best = min(jpegs, key=lambda r: abs(r["width"] - 800))
        return default_storage.url(best["name"])


class StatusChange(StatusChangeBase):
    """Who moved a news item between draft, scheduled and published, and when."""

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "news status change"


class Subscriber(models.Model):
    """Somebody who asked for news by email: confirmed once they followed the link."""

    email = models.EmailField("email address")
    created_at = models.DateTimeField(auto_now_add=True)
    # The last confirmation link sent: an unconfirmed address is forgotten once that
    # link has expired (services.forget_unconfirmed_subscribers).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Secret of the one-click unsubscribe link in every email.
    token = models.CharField(max_length=64, unique=True, default=_unsubscribe_token, editable=False)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["confirmed_at", "id"], name="subscriber_confirmed_idx")]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None
