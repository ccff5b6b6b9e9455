"""Template context shared by every page."""

from members.queries import supporters_by_role


def alliance(request):
    """The alliance's staff, partners and funders, for the footer."""
    return {"supporters": supporters_by_role()}
