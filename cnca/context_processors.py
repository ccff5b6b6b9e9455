"""Template context shared by every page."""

from members.queries import supporters_by_role

from .content import alliance_launch_date


def alliance(request):
    """The alliance's staff, partners and funders, for the footer; its launch date."""
    return {"supporters": supporters_by_role(), "alliance_launched": alliance_launch_date()}
