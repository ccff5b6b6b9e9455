"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from members.queries import supporters_by_role

from .content import alliance_launch_date


def alliance(request):
    """The alliance's staff, partners and funders, for the footer; its launch date.

    The supporters are read only by a page that shows them: the footer comes
    rendered from the cache (cnca/fragments.py), so most pages never do.
    """
    return {
        "supporters": SimpleLazyObject(supporters_by_role),
        "alliance_launched": alliance_launch_date(),
    }
