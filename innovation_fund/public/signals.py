"""Keep the parts public pages keep in the cache true when the fund's rows change."""

from cnca.fragments import forget_on_change

from ..models import Award, AwardLink, FundRound, Theme
from .models import PublishedTotal

forget_on_change(
    FundRound,
    Award,
    Award.partner_cities.through,
    Award.themes.through,
    AwardLink,
    Theme,
    PublishedTotal,
)
