"""Keep cached reads true when the rows behind them change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Supporter
from .queries import forget_supporters


@receiver([post_save, post_delete], sender=Supporter)
def supporters_changed(**kwargs):
    forget_supporters()
