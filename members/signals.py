"""Keep cached reads true when the rows behind them change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cnca.fragments import forget_on_change

from .models import MemberCity, Supporter
from .queries import forget_supporters


@receiver([post_save, post_delete], sender=Supporter)
def supporters_changed(**kwargs):
    forget_supporters()


# The footer shows the supporters; the home page, the city list's filters and
# the fund's pages show cities.
forget_on_change(Supporter, MemberCity)
