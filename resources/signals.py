"""Keep the parts public pages keep in the cache true when the infographic's rows change."""

from cnca.fragments import forget_on_change

from .models import SpendingComparison, SpendingFigure

forget_on_change(SpendingFigure, SpendingComparison)
