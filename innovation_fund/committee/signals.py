"""A criterion's weight or scale changed: the round's stored scores follow.

Deleting a criterion needs nothing: it is protected while any score refers to it,
so no stored score counted it.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from innovation_fund.models import Criterion

from . import services


@receiver(post_save, sender=Criterion)
def _refresh_scores(sender, instance, created, raw, **kwargs):
    if created or raw:
        return  # nothing has been scored on it yet; a fixture load computes nothing
    services.refresh_round_scores(instance.round_id)
