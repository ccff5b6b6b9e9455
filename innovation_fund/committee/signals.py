"""A criterion's weight or scale changed: the round's stored weighted scores follow."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from innovation_fund.models import Criterion, Review
from innovation_fund.queries import refresh_weighted_scores


@receiver(post_save, sender=Criterion)
@receiver(post_delete, sender=Criterion)
def _refresh_scores(sender, instance, **kwargs):
    refresh_weighted_scores(Review.objects.filter(proposal__round_id=instance.round_id))
