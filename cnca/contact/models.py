from django.db import models


class ContactMessage(models.Model):
    """A message a visitor sent through the contact form, kept for the alliance's staff."""

    class Topic(models.TextChoices):
        GENERAL = "general", "A question about the alliance"
        MEMBERSHIP = "membership", "My city wants to join"
        FUND = "fund", "The Innovation Fund"
        MEDIA = "media", "Press and media"
        WEBSITE = "website", "A problem with this website"

    name = models.CharField(max_length=120)
    email = models.EmailField()
    topic = models.CharField(max_length=20, choices=Topic.choices)
    message = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["email", "received_at"])]

    def __str__(self):
        return f"{self.get_topic_display()} from {self.name}"
